//! PKCE (RFC 7636) with the `S256` method only: checking a challenge when a code is requested
//! and a verifier when it is redeemed. `plain` is refused: it protects nothing an attacker who
//! saw the authorization request doesn't already have.
use base64::Engine;

/// Why a challenge or verifier was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkceError {
    /// A method other than `S256`.
    UnsupportedMethod(String),
    /// A challenge that is not 43 base64url characters (a SHA-256).
    BadChallenge,
    /// A verifier that is not 43 to 128 unreserved characters.
    BadVerifier,
    /// The verifier does not hash to the challenge.
    Mismatch,
}

impl std::fmt::Display for PkceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PkceError::UnsupportedMethod(m) => {
                write!(f, "code_challenge_method {m:?} is not supported; use S256")
            }
            PkceError::BadChallenge => {
                f.write_str("code_challenge must be the base64url SHA-256 of the verifier")
            }
            PkceError::BadVerifier => {
                f.write_str("code_verifier must be 43 to 128 characters [A-Za-z0-9-._~]")
            }
            PkceError::Mismatch => f.write_str("code_verifier does not match the code_challenge"),
        }
    }
}

/// Checks the challenge of an authorization request; returns the method to store (`S256`).
/// A missing method means `plain` in RFC 7636, which is refused.
pub fn check_challenge(challenge: &str, method: Option<&str>) -> Result<&'static str, PkceError> {
    match method.map(str::trim).filter(|m| !m.is_empty()) {
        Some("S256") => {}
        Some(other) => return Err(PkceError::UnsupportedMethod(other.to_string())),
        None => return Err(PkceError::UnsupportedMethod("plain".into())),
    }
    let valid = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok("S256")
    } else {
        Err(PkceError::BadChallenge)
    }
}

/// The S256 challenge of a verifier: `BASE64URL(SHA256(verifier))` without padding.
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(openssl::sha::sha256(verifier.as_bytes()))
}

/// Checks a verifier against a stored S256 challenge (constant-time comparison).
pub fn verify(verifier: &str, challenge: &str) -> Result<(), PkceError> {
    let valid_form = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !valid_form {
        return Err(PkceError::BadVerifier);
    }
    let computed = s256(verifier);
    if computed.len() == challenge.len()
        && openssl::memcmp::eq(computed.as_bytes(), challenge.as_bytes())
    {
        Ok(())
    } else {
        Err(PkceError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of RFC 7636, appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_example_verifies() {
        assert_eq!(s256(VERIFIER), CHALLENGE);
        assert_eq!(check_challenge(CHALLENGE, Some("S256")), Ok("S256"));
        assert_eq!(verify(VERIFIER, CHALLENGE), Ok(()));
    }

    #[test]
    fn wrong_or_malformed_verifiers_are_refused() {
        let other = format!("{}x", &VERIFIER[..VERIFIER.len() - 1]);
        assert_eq!(verify(&other, CHALLENGE), Err(PkceError::Mismatch));
        assert_eq!(verify("short", CHALLENGE), Err(PkceError::BadVerifier));
        assert_eq!(
            verify(&"a".repeat(129), CHALLENGE),
            Err(PkceError::BadVerifier)
        );
        let spaced = format!("{} ", &VERIFIER[..VERIFIER.len() - 1]);
        assert_eq!(verify(&spaced, CHALLENGE), Err(PkceError::BadVerifier));
        // The challenge itself is not a valid verifier for itself.
        assert_eq!(verify(CHALLENGE, CHALLENGE), Err(PkceError::Mismatch));
    }

    #[test]
    fn plain_and_unknown_methods_are_refused() {
        assert!(matches!(
            check_challenge(CHALLENGE, Some("plain")),
            Err(PkceError::UnsupportedMethod(_))
        ));
        assert!(matches!(
            check_challenge(CHALLENGE, None),
            Err(PkceError::UnsupportedMethod(_))
        ));
        assert!(matches!(
            check_challenge(CHALLENGE, Some("S512")),
            Err(PkceError::UnsupportedMethod(_))
        ));
        assert_eq!(
            check_challenge("not-a-hash", Some("S256")),
            Err(PkceError::BadChallenge)
        );
        assert_eq!(
            check_challenge(&format!("{}=", &CHALLENGE[..42]), Some("S256")),
            Err(PkceError::BadChallenge)
        );
    }
}
