//! [`SignedFetch`]: the `reqwest_middleware` layer on the federation library's HTTP client that
//! signs its outgoing GETs (actors, objects, collections, WebFinger) with the instance actor's
//! key through OpenSSL, so peers in authorized-fetch mode (Mastodon's secure mode) answer them.
//! Deliveries (POSTs) are signed by `federation::delivery` and pass through untouched, as does
//! any request that already carries a `Signature` header.
use super::{SignatureError, parse_private_key_pem, sign_fetch};
use chrono::{DateTime, Utc};
use http::{Extensions, HeaderValue, Method};
use openssl::pkey::{PKey, Private};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use std::sync::Arc;

/// Signs GETs as one actor (the instance actor): draft-cavage rsa-sha256 over
/// `(request-target) host date accept`, the way Mastodon signs its fetches.
#[derive(Clone)]
pub struct SignedFetch {
    key: Arc<PKey<Private>>,
    key_id: String,
}

impl std::fmt::Debug for SignedFetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedFetch")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl SignedFetch {
    /// Parses the signer's private key once; `key_id` is its public key id
    /// (`https://domain/actor#main-key`).
    pub fn new(private_key_pem: &str, key_id: impl Into<String>) -> Result<Self, SignatureError> {
        Ok(SignedFetch {
            key: Arc::new(parse_private_key_pem(private_key_pem)?),
            key_id: key_id.into(),
        })
    }

    /// Adds `Date` and `Signature` to an unsigned GET (other requests are left alone). The
    /// `Host` header is added by the HTTP client from the URL, as the signature expects.
    pub fn sign(&self, request: &mut Request, now: DateTime<Utc>) -> Result<(), SignatureError> {
        if request.method() != Method::GET || request.headers().contains_key("signature") {
            return Ok(());
        }
        let accept = match request.headers().get(http::header::ACCEPT) {
            Some(v) => Some(
                v.to_str()
                    .map_err(|_| SignatureError::HeaderNotText("accept".into()))?
                    .to_owned(),
            ),
            None => None,
        };
        let signed = sign_fetch(
            &self.key,
            &self.key_id,
            request.url(),
            accept.as_deref(),
            now,
        )?;
        let value = |name: &str, v: &str| {
            HeaderValue::from_str(v).map_err(|_| SignatureError::InvalidHeaderValue(name.into()))
        };
        let headers = request.headers_mut();
        headers.insert(http::header::DATE, value("date", &signed.date)?);
        headers.insert("signature", value("signature", &signed.signature)?);
        Ok(())
    }
}

#[async_trait::async_trait]
impl Middleware for SignedFetch {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.sign(&mut request, Utc::now())
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::federation::signatures::{
        RequestVerification, SignatureHeader, generate_rsa_keypair, parse_public_key_pem,
        verify_request,
    };
    use http::HeaderMap;
    use reqwest_middleware::ClientBuilder;
    use std::sync::Mutex;

    /// The end of the chain: records the request as it would go on the wire, answers 204.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<(Method, String, HeaderMap)>>>);

    #[async_trait::async_trait]
    impl Middleware for Capture {
        async fn handle(
            &self,
            request: Request,
            _: &mut Extensions,
            _: Next<'_>,
        ) -> reqwest_middleware::Result<Response> {
            let url = request.url();
            let mut headers = request.headers().clone();
            // What hyper adds from the URL when it sends the request.
            let host = match url.port() {
                Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
                None => url.host_str().unwrap_or_default().to_owned(),
            };
            headers.insert(http::header::HOST, HeaderValue::from_str(&host).unwrap());
            let path = url[url::Position::BeforePath..url::Position::AfterQuery].to_owned();
            self.0
                .lock()
                .unwrap()
                .push((request.method().clone(), path, headers));
            let response = http::Response::builder().status(204).body("").unwrap();
            Ok(Response::from(response))
        }
    }

    #[tokio::test]
    async fn signs_gets_verifiably_and_leaves_posts_and_signed_requests_alone() {
        let (private_pem, public_pem) = generate_rsa_keypair().unwrap();
        let key_id = "https://crmef.example/actor#main-key";
        let capture = Capture::default();
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(SignedFetch::new(&private_pem, key_id).unwrap())
            .with(capture.clone())
            .build();

        let accept = "application/activity+json";
        client
            .get("https://school.example:8443/users/karim/outbox?page=1")
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        client
            .post("https://school.example/inbox")
            .body("{}")
            .send()
            .await
            .unwrap();
        client
            .get("https://school.example/users/karim")
            .header("signature", "keyId=\"someone-else\",signature=\"AA==\"")
            .send()
            .await
            .unwrap();

        let seen = capture.0.lock().unwrap().clone();
        assert_eq!(seen.len(), 3);
        let (method, path, headers) = &seen[0];
        let sig = SignatureHeader::from_headers(headers).unwrap();
        assert_eq!(sig.key_id, key_id);
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(
            sig.headers,
            ["(request-target)", "host", "date", "accept"].map(String::from)
        );
        let public = parse_public_key_pem(&public_pem).unwrap();
        let request = RequestVerification {
            method,
            path_and_query: path,
            headers,
            body: None,
        };
        verify_request(&request, &sig, &public, Utc::now()).unwrap();
        // Verification covers what was signed: another path or Accept does not verify.
        let moved = RequestVerification {
            path_and_query: "/users/karim/outbox?page=2",
            ..request
        };
        assert_eq!(
            verify_request(&moved, &sig, &public, Utc::now()),
            Err(SignatureError::BadSignature)
        );
        let mut other_accept = headers.clone();
        other_accept.insert("accept", HeaderValue::from_static("text/html"));
        let changed = RequestVerification {
            headers: &other_accept,
            ..request
        };
        assert_eq!(
            verify_request(&changed, &sig, &public, Utc::now()),
            Err(SignatureError::BadSignature)
        );

        // The POST (signed by the delivery code) and the already signed GET are untouched.
        assert!(!seen[1].2.contains_key("signature"));
        assert!(!seen[1].2.contains_key("date"));
        assert_eq!(
            seen[2].2.get("signature").unwrap(),
            "keyId=\"someone-else\",signature=\"AA==\""
        );
    }

    #[test]
    fn a_get_without_accept_signs_request_target_host_and_date() {
        let (private_pem, public_pem) = generate_rsa_keypair().unwrap();
        let signer = SignedFetch::new(&private_pem, "https://a.example/actor#main-key").unwrap();
        let url = url::Url::parse("https://b.example/notes/1").unwrap();
        let mut request = Request::new(Method::GET, url);
        signer.sign(&mut request, Utc::now()).unwrap();
        let mut headers = request.headers().clone();
        headers.insert(http::header::HOST, HeaderValue::from_static("b.example"));
        let sig = SignatureHeader::from_headers(&headers).unwrap();
        assert_eq!(
            sig.headers,
            ["(request-target)", "host", "date"].map(String::from)
        );
        let public = parse_public_key_pem(&public_pem).unwrap();
        verify_request(
            &RequestVerification {
                method: &Method::GET,
                path_and_query: "/notes/1",
                headers: &headers,
                body: None,
            },
            &sig,
            &public,
            Utc::now(),
        )
        .unwrap();
        assert!(SignedFetch::new("not a key", "k").is_err());
    }
}
