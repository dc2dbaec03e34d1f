//! Redirect URIs of OAuth apps: reading them the three ways clients send them (one string, a
//! newline-separated list, an array), checking each (any scheme, so native apps' custom schemes
//! such as `com.tapbots.Ivory.19300:/request_token` work, but never one a browser would run), and
//! adding the code or error to one without disturbing a custom scheme.

/// The out-of-band redirect: the code is shown on a page for the user to copy.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Mastodon's limit on one redirect URI.
const MAX_URI_LEN: usize = 2000;
/// More than this is not a real app.
const MAX_URIS: usize = 20;
/// Schemes a browser would run or read locally instead of handing to an app.
const FORBIDDEN_SCHEMES: &[&str] = &["javascript", "data", "vbscript", "file", "blob", "about"];

/// Splits, trims and checks the redirect URIs an app registers (each item may itself hold
/// several lines). Duplicates are dropped; order is kept.
pub fn parse_redirect_uris(items: &[String]) -> Result<Vec<String>, String> {
    let mut uris: Vec<String> = Vec::new();
    for line in items.iter().flat_map(|item| item.lines()) {
        let uri = line.trim();
        if uri.is_empty() {
            continue;
        }
        check_redirect_uri(uri)?;
        if !uris.iter().any(|u| u == uri) {
            uris.push(uri.to_string());
        }
    }
    if uris.is_empty() {
        return Err("redirect_uris can't be blank".into());
    }
    if uris.len() > MAX_URIS {
        return Err(format!("at most {MAX_URIS} redirect_uris"));
    }
    Ok(uris)
}

/// Checks one redirect URI: `oob`, or an absolute URI with any safe scheme and no fragment.
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri == OOB {
        return Ok(());
    }
    if uri.len() > MAX_URI_LEN {
        return Err(format!("redirect URI longer than {MAX_URI_LEN} characters"));
    }
    if !uri.is_ascii() || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "redirect URI {uri:?} must be ASCII without spaces (percent-encode the rest)"
        ));
    }
    let parsed = url::Url::parse(uri)
        .map_err(|_| format!("redirect URI {uri:?} must be an absolute URI"))?;
    if FORBIDDEN_SCHEMES.contains(&parsed.scheme()) {
        return Err(format!(
            "redirect URI scheme {:?} is not allowed",
            parsed.scheme()
        ));
    }
    if parsed.fragment().is_some() {
        return Err(format!("redirect URI {uri:?} cannot contain a fragment"));
    }
    if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("redirect URI {uri:?} has no host"));
    }
    Ok(())
}

/// `uri` with `params` added to its query, built on the registered string itself (not a
/// re-serialised URL) so custom schemes and their case reach the app unchanged.
pub fn with_params(uri: &str, params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    let query = query.finish();
    let separator = if uri.ends_with('?') || uri.ends_with('&') {
        ""
    } else if uri.contains('?') {
        "&"
    } else {
        "?"
    };
    format!("{uri}{separator}{query}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(items: &[&str]) -> Result<Vec<String>, String> {
        parse_redirect_uris(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn the_three_shapes_are_read() {
        assert_eq!(parse(&[OOB]).unwrap(), vec![OOB]);
        assert_eq!(
            parse(&["https://elk.zone/cb\noauth2redirect://com.keylesspalace.tusky/\r\n\n"])
                .unwrap(),
            vec![
                "https://elk.zone/cb",
                "oauth2redirect://com.keylesspalace.tusky/"
            ]
        );
        assert_eq!(
            parse(&[
                "https://phanpy.social/",
                " urn:ietf:wg:oauth:2.0:oob ",
                "https://phanpy.social/"
            ])
            .unwrap(),
            vec!["https://phanpy.social/", OOB]
        );
    }

    #[test]
    fn native_app_schemes_are_accepted() {
        for uri in [
            "com.tapbots.Ivory.19300:/request_token",
            "oauth2redirect://com.keylesspalace.tusky/",
            "org.joinmastodon.app:/oauth",
            "http://127.0.0.1:8765/callback",
            "https://example.com/cb?from=app",
        ] {
            assert!(check_redirect_uri(uri).is_ok(), "{uri}");
        }
    }

    #[test]
    fn unsafe_or_malformed_uris_are_refused() {
        for uri in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "/relative/path",
            "not a uri",
            "https://example.com/cb#frag",
            "https://",
            "https://exämple.com/cb",
        ] {
            assert!(check_redirect_uri(uri).is_err(), "{uri}");
        }
        assert!(parse(&["", "\n"]).is_err());
        assert!(check_redirect_uri(&format!("https://e.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn params_are_appended_without_normalising() {
        assert_eq!(
            with_params(
                "com.tapbots.Ivory.19300:/request_token",
                &[("code", "a b"), ("state", "x&y")]
            ),
            "com.tapbots.Ivory.19300:/request_token?code=a+b&state=x%26y"
        );
        assert_eq!(
            with_params("https://e.com/cb?app=1", &[("code", "c")]),
            "https://e.com/cb?app=1&code=c"
        );
        assert_eq!(
            with_params("https://e.com/cb?", &[("code", "c")]),
            "https://e.com/cb?code=c"
        );
    }
}
