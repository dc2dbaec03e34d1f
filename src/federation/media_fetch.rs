//! Downloading a remote media file for the local cache: http(s) only (http in debug or
//! plain-http setups), domains the federation policy refuses or rejects media from refused on
//! every hop, at most a few redirects, through the
//! node's HTTP client (timeouts; private and loopback addresses refused at connect time outside
//! debug mode), and never more than `limit` bytes read.
use crate::federation::DomainPolicy;
use reqwest::{StatusCode, header};
use url::Url;

/// Redirects followed (media is often served from a CDN behind one).
const MAX_REDIRECTS: usize = 3;

/// Why a download failed (logged; the attachment stays remote).
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("not a usable URL: {0}")]
    BadUrl(String),
    #[error("the federation policy refuses media from this domain")]
    Blocked,
    #[error("request failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("answered {0}")]
    Status(StatusCode),
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("larger than {0} bytes")]
    TooLarge(usize),
}

/// GETs `raw_url` and returns its body, refusing bodies over `limit` bytes (by Content-Length
/// first, then while reading).
pub async fn download(
    http: &reqwest::Client,
    policy: &DomainPolicy,
    allow_http: bool,
    raw_url: &str,
    limit: usize,
) -> Result<Vec<u8>, DownloadError> {
    let mut url = Url::parse(raw_url).map_err(|e| DownloadError::BadUrl(e.to_string()))?;
    for _ in 0..=MAX_REDIRECTS {
        check_url(&url, policy, allow_http)?;
        let mut response = http
            .get(url.clone())
            .header(header::ACCEPT, "image/*")
            .send()
            .await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(DownloadError::Status(status))?;
            url = url
                .join(location)
                .map_err(|e| DownloadError::BadUrl(e.to_string()))?;
            continue;
        }
        if !status.is_success() {
            return Err(DownloadError::Status(status));
        }
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(DownloadError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > limit {
                return Err(DownloadError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        return Ok(body);
    }
    Err(DownloadError::TooManyRedirects)
}

fn check_url(url: &Url, policy: &DomainPolicy, allow_http: bool) -> Result<(), DownloadError> {
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        other => return Err(DownloadError::BadUrl(format!("scheme {other}"))),
    }
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => return Err(DownloadError::BadUrl("no host".into())),
    };
    if policy.is_blocked(&host) || policy.rejects_media(&host) {
        return Err(DownloadError::Blocked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_on_allowed_domains_pass() {
        let policy = DomainPolicy::new("halqa.example", &["spam.example".to_string()], false);
        let check =
            |raw: &str, allow_http| check_url(&Url::parse(raw).unwrap(), &policy, allow_http);
        assert!(check("https://media.example/a.png", false).is_ok());
        assert!(matches!(
            check("http://media.example/a.png", false),
            Err(DownloadError::BadUrl(_))
        ));
        assert!(check("http://media.example/a.png", true).is_ok());
        assert!(matches!(
            check("file:///etc/passwd", true),
            Err(DownloadError::BadUrl(_))
        ));
        assert!(matches!(
            check("https://cdn.spam.example/a.png", false),
            Err(DownloadError::Blocked)
        ));
    }
}
