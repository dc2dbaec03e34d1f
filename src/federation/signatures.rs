//! HTTP Signatures (draft-cavage, as Mastodon speaks them): the `Digest` header, parsing the `Signature` header, building the signing string, checking inbound requests by Mastodon's rules, signing outbound requests, and RSA key parsing/generation with bounded key caches. All cryptography goes through `openssl`.
//!
//! # Inbound
//!
//! ```text
//! let sig = SignatureHeader::from_headers(&headers)?;          // Signature: or Authorization: Signature
//! let (key, owner) = public_keys.get(&sig.key_id) ...;          // or fetch the actor, parse_public_key_pem, insert
//! verify_request(&RequestVerification { method, path_and_query, headers: &headers, body: Some(&body) },
//!                &sig, &key, Utc::now())?;
//! ```
//!
//! Every [`SignatureError`] has a message meant to be sent back to the remote server
//! (for example in a 401 JSON body).
//!
//! # Outbound
//!
//! [`sign_request`] returns the `Date`, `Digest` and `Signature` values to put on a request;
//! [`build_signed_request`] does the whole thing for a `reqwest::Client` (method, URL, body,
//! `Content-Type`, `Date`, `Digest`, `Signature`) so that what is sent is exactly what was signed.
//! [`SignedFetch`] is the `reqwest_middleware` layer that signs the federation library's GETs
//! (with [`sign_fetch`] and the instance actor's key, parsed once).
//! The `Host` header is left to reqwest/hyper, which derive it from the URL the same way
//! [`sign_request`] does (host, plus `:port` when the URL has a non-default port).

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::sign::{Signer, Verifier};
use url::Url;

/// How far in the past a `Date` / `(created)` may be (Mastodon: 12 hours).
pub const MAX_SIGNATURE_AGE: TimeDelta = TimeDelta::hours(12);
/// How far in the future a `Date` / `(created)` may be (Mastodon: 1 hour of clock skew).
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::hours(1);

/// Base64 decoder that accepts the signature with or without `=` padding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Everything that can go wrong while signing or checking an HTTP signature.
///
/// The `Display` text is written for the remote server's operator: it is meant to be
/// returned verbatim in the body of a 401 response.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    /// Neither `Signature` nor `Authorization: Signature …` is present.
    #[error("request is not signed: no Signature header")]
    NoSignatureHeader,
    /// The `Signature` header could not be split into parameters.
    #[error("Signature header is malformed: {0}")]
    MalformedSignatureHeader(String),
    /// A parameter appears twice in the `Signature` header.
    #[error("Signature header has the parameter \"{0}\" more than once")]
    DuplicateParameter(String),
    /// No `keyId` parameter.
    #[error("Signature header has no keyId")]
    MissingKeyId,
    /// No `signature` parameter, or it is empty.
    #[error("Signature header has no signature")]
    MissingSignature,
    /// The `signature` parameter is not base64.
    #[error("signature is not valid base64")]
    InvalidSignatureBase64,
    /// `created` is not an integer Unix timestamp.
    #[error("created parameter is not an integer Unix timestamp")]
    InvalidCreated,
    /// `expires` is not an integer Unix timestamp.
    #[error("expires parameter is not an integer Unix timestamp")]
    InvalidExpires,
    /// The `algorithm` parameter names something other than `rsa-sha256` / `hs2019`.
    #[error("unsupported signature algorithm \"{0}\": only rsa-sha256 and hs2019 are accepted")]
    UnsupportedAlgorithm(String),
    /// The `headers` parameter is empty.
    #[error("the signature covers no headers")]
    NoSignedHeaders,
    /// A header listed in `headers` is not on the request.
    #[error("header \"{0}\" is listed in the signature but missing from the request")]
    MissingHeader(String),
    /// A header listed in `headers` is not valid UTF-8.
    #[error("header \"{0}\" is listed in the signature but its value is not valid text")]
    HeaderNotText(String),
    /// `(created)` is signed but the `created` parameter is absent.
    #[error("(created) is signed but the Signature header has no created parameter")]
    MissingCreated,
    /// `(expires)` is signed but the `expires` parameter is absent.
    #[error("(expires) is signed but the Signature header has no expires parameter")]
    MissingExpires,
    /// Neither `date` nor `(created)` is signed.
    #[error("either the date header or (created) must be signed")]
    DateNotSigned,
    /// Neither `(request-target)` nor `digest` is signed.
    #[error("either (request-target) or the digest header must be signed")]
    RequestTargetNotSigned,
    /// GET request whose signature does not cover `host`.
    #[error("host header must be signed on GET")]
    HostNotSigned,
    /// POST request whose signature does not cover `digest`.
    #[error("digest header must be signed on POST")]
    DigestNotSigned,
    /// The `Date` header cannot be parsed as an HTTP date.
    #[error("Date header is not a valid HTTP date: {0}")]
    InvalidDate(String),
    /// The signed `Date` is more than 12 hours old.
    #[error("signature is older than 12 hours (Date header)")]
    DateTooOld,
    /// The signed `Date` is more than 1 hour in the future.
    #[error("signature is dated more than 1 hour in the future (Date header)")]
    DateInFuture,
    /// `(created)` is more than 12 hours old.
    #[error("signature is older than 12 hours ((created))")]
    CreatedTooOld,
    /// `(created)` is more than 1 hour in the future.
    #[error("signature is dated more than 1 hour in the future ((created))")]
    CreatedInFuture,
    /// `(expires)` is in the past.
    #[error("signature has expired ((expires) is in the past)")]
    Expired,
    /// The request has a body to check but no `Digest` header (only when `digest` is not signed
    /// either, otherwise [`SignatureError::MissingHeader`] is reported).
    #[error("Digest header is missing")]
    MissingDigest,
    /// The `Digest` header cannot be parsed.
    #[error("Digest header is malformed")]
    MalformedDigest,
    /// The `Digest` header has no SHA-256 value.
    #[error("Digest header has no SHA-256 value")]
    DigestWithoutSha256,
    /// A digest in the `Digest` header does not match the body.
    #[error("Digest header does not match the body")]
    DigestMismatch,
    /// The caller did not hand over the body of a POST, so its digest cannot be checked.
    #[error("request body is needed to check the Digest header")]
    BodyNotProvided,
    /// The key is not an RSA key.
    #[error("key is not an RSA key; only RSA signatures are supported")]
    NotRsaKey,
    /// The signature does not verify.
    #[error("signature does not match the request and the actor's public key")]
    BadSignature,
    /// A public key PEM could not be parsed.
    #[error("public key is not a valid PEM-encoded key: {0}")]
    InvalidPublicKey(String),
    /// A private key PEM could not be parsed.
    #[error("private key is not a valid PEM-encoded key: {0}")]
    InvalidPrivateKey(String),
    /// The key id cannot be put in a quoted header parameter.
    #[error("key id contains characters that cannot be sent in a Signature header")]
    InvalidKeyId,
    /// The URL to sign has no host.
    #[error("URL has no host")]
    UrlWithoutHost,
    /// A computed header value is not a valid HTTP header value.
    #[error("value for header \"{0}\" is not a valid HTTP header value")]
    InvalidHeaderValue(String),
    /// OpenSSL failed (key generation, signing).
    #[error("cryptography error: {0}")]
    Crypto(String),
}

impl From<openssl::error::ErrorStack> for SignatureError {
    fn from(e: openssl::error::ErrorStack) -> Self {
        SignatureError::Crypto(e.to_string())
    }
}

// ---------------------------------------------------------------------------
// Digest
// ---------------------------------------------------------------------------

/// `Digest` header value for `body`: `"SHA-256=<base64 of sha256(body)>"`.
pub fn sha256_digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(openssl::sha::sha256(body)))
}

/// Checks a `Digest` header (`alg=value, alg=value`, algorithm names case-insensitive) against
/// `body`. A `SHA-256` value must be present and match; a `SHA-512` value, if present, must
/// match too; other algorithms are ignored.
pub fn verify_digest(header_value: &str, body: &[u8]) -> Result<(), SignatureError> {
    let mut saw_sha256 = false;
    let mut saw_any = false;
    for part in header_value.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (alg, value) = part
            .split_once('=')
            .ok_or(SignatureError::MalformedDigest)?;
        saw_any = true;
        let alg = alg.trim();
        let expected: Vec<u8> = if alg.eq_ignore_ascii_case("sha-256") {
            saw_sha256 = true;
            openssl::sha::sha256(body).to_vec()
        } else if alg.eq_ignore_ascii_case("sha-512") {
            openssl::sha::sha512(body).to_vec()
        } else {
            continue;
        };
        let given = LENIENT_BASE64
            .decode(value.trim())
            .map_err(|_| SignatureError::MalformedDigest)?;
        if given != expected {
            return Err(SignatureError::DigestMismatch);
        }
    }
    if !saw_any {
        return Err(SignatureError::MalformedDigest);
    }
    if !saw_sha256 {
        return Err(SignatureError::DigestWithoutSha256);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Signing string
// ---------------------------------------------------------------------------

/// Builds the draft-cavage signing string: one `name: value` line per entry of `signed`,
/// joined with `\n`.
///
/// * `(request-target)` → lowercase method, a space, `path_and_query` (path plus `?query`);
/// * `(created)` / `(expires)` → the given Unix timestamps (error if `None`);
/// * any other name → the request header of that (lowercased) name; several values are
///   joined with `", "`; a listed header absent from `headers` is an error.
pub fn signing_string(
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    signed: &[String],
    created: Option<i64>,
    expires: Option<i64>,
) -> Result<String, SignatureError> {
    if signed.is_empty() {
        return Err(SignatureError::NoSignedHeaders);
    }
    let mut out = String::with_capacity(256);
    for (i, name) in signed.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "(request-target)" => {
                out.push_str("(request-target): ");
                out.push_str(&method.as_str().to_ascii_lowercase());
                out.push(' ');
                out.push_str(if path_and_query.is_empty() {
                    "/"
                } else {
                    path_and_query
                });
            }
            "(created)" => {
                let c = created.ok_or(SignatureError::MissingCreated)?;
                out.push_str(&format!("(created): {c}"));
            }
            "(expires)" => {
                let e = expires.ok_or(SignatureError::MissingExpires)?;
                out.push_str(&format!("(expires): {e}"));
            }
            _ => {
                let mut values = headers.get_all(name.as_str()).iter().peekable();
                if values.peek().is_none() {
                    return Err(SignatureError::MissingHeader(name));
                }
                out.push_str(&name);
                out.push_str(": ");
                for (j, v) in values.enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    let v = std::str::from_utf8(v.as_bytes())
                        .map_err(|_| SignatureError::HeaderNotText(name.clone()))?;
                    out.push_str(v.trim());
                }
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Inbound verification
// ---------------------------------------------------------------------------

/// The parts of an incoming request that a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct RequestVerification<'a> {
    /// Request method.
    pub method: &'a Method,
    /// Path plus `?query`, exactly as received (e.g. `/users/alice/inbox`).
    pub path_and_query: &'a str,
    /// Request headers. Behind a proxy that drops `Host`, add it before verifying.
    pub headers: &'a HeaderMap,
    /// The raw body. Required for POST (its `Digest` is checked); for other methods the
    /// `Digest` header, if any, is checked when a body is given.
    pub body: Option<&'a [u8]>,
}

/// Verifies `sig` over `req` with `key`, applying Mastodon's inbound rules:
///
/// * `algorithm` absent, `rsa-sha256` or `hs2019` (all RSASSA-PKCS1-v1_5 with SHA-256);
/// * `date` or `(created)` must be signed, and `(request-target)` or `digest` must be signed;
/// * GET must sign `host`; POST must sign `digest`, and the `Digest` header must match the body;
/// * a signed `Date` (and `(created)`) must be at most 12 hours old and at most 1 hour in the
///   future; a signed `(expires)` must not be in the past.
pub fn verify_request(
    req: &RequestVerification<'_>,
    sig: &SignatureHeader,
    key: &PKey<Public>,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    if let Some(alg) = &sig.algorithm
        && !alg.eq_ignore_ascii_case("rsa-sha256")
        && !alg.eq_ignore_ascii_case("hs2019")
    {
        return Err(SignatureError::UnsupportedAlgorithm(alg.clone()));
    }
    if key.id() != Id::RSA {
        return Err(SignatureError::NotRsaKey);
    }
    if !sig.signs("date") && !sig.signs("(created)") {
        return Err(SignatureError::DateNotSigned);
    }
    if !sig.signs("(request-target)") && !sig.signs("digest") {
        return Err(SignatureError::RequestTargetNotSigned);
    }
    if *req.method == Method::GET && !sig.signs("host") {
        return Err(SignatureError::HostNotSigned);
    }
    if *req.method == Method::POST && !sig.signs("digest") {
        return Err(SignatureError::DigestNotSigned);
    }

    let to_sign = signing_string(
        req.method,
        req.path_and_query,
        req.headers,
        &sig.headers,
        sig.created,
        sig.expires,
    )?;

    // Freshness.
    if sig.signs("date") {
        // signing_string succeeded, so the header exists and is text.
        let raw = req
            .headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| SignatureError::MissingHeader("date".to_owned()))?;
        let date = parse_http_date(raw)?;
        if now - date > MAX_SIGNATURE_AGE {
            return Err(SignatureError::DateTooOld);
        }
        if date - now > MAX_CLOCK_SKEW {
            return Err(SignatureError::DateInFuture);
        }
    }
    if sig.signs("(created)") {
        let created = sig.created.ok_or(SignatureError::MissingCreated)?;
        let created = DateTime::from_timestamp(created, 0).ok_or(SignatureError::InvalidCreated)?;
        if now - created > MAX_SIGNATURE_AGE {
            return Err(SignatureError::CreatedTooOld);
        }
        if created - now > MAX_CLOCK_SKEW {
            return Err(SignatureError::CreatedInFuture);
        }
    }
    if let Some(expires) = sig.expires
        && expires < now.timestamp()
    {
        return Err(SignatureError::Expired);
    }

    // Body digest.
    let mut digest_values = req.headers.get_all("digest").iter().peekable();
    let has_digest = digest_values.peek().is_some();
    match req.body {
        Some(body) if has_digest => {
            let joined = digest_values
                .map(|v| {
                    v.to_str()
                        .map_err(|_| SignatureError::HeaderNotText("digest".to_owned()))
                })
                .collect::<Result<Vec<_>, _>>()?
                .join(",");
            verify_digest(&joined, body)?;
        }
        Some(_) if *req.method == Method::POST => return Err(SignatureError::MissingDigest),
        None if *req.method == Method::POST => return Err(SignatureError::BodyNotProvided),
        _ => {}
    }

    // The signature itself.
    let mut verifier = Verifier::new(MessageDigest::sha256(), key)?;
    verifier.set_rsa_padding(Padding::PKCS1)?;
    verifier.update(to_sign.as_bytes())?;
    match verifier.verify(&sig.signature) {
        Ok(true) => Ok(()),
        // A wrong-length signature makes OpenSSL return an error rather than `false`.
        Ok(false) | Err(_) => Err(SignatureError::BadSignature),
    }
}

/// Parses an HTTP date: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete
/// RFC 850 and asctime forms.
fn parse_http_date(s: &str) -> Result<DateTime<Utc>, SignatureError> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Ok(d.with_timezone(&Utc));
    }
    for fmt in ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(d.and_utc());
        }
    }
    Err(SignatureError::InvalidDate(s.to_owned()))
}

/// Formats `t` as an RFC 7231 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

// ---------------------------------------------------------------------------
// Outbound signing
// ---------------------------------------------------------------------------

/// Header values produced by [`sign_request`]; put them on the request as `Date`, `Digest`
/// (when `Some`) and `Signature`. The request must also carry the `Content-Type` that was
/// passed to [`sign_request`] and a `Host` equal to the URL's host (plus `:port` if non-default),
/// which is what HTTP clients send by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Date` value (IMF-fixdate).
    pub date: String,
    /// `Digest` value (`SHA-256=…`), present when a body was signed.
    pub digest: Option<String>,
    /// `Signature` value.
    pub signature: String,
}

impl SignedHeaders {
    /// `(name, value)` pairs to add to a request: `date`, `digest` (if any), `signature`.
    pub fn header_pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::with_capacity(3);
        v.push(("date", self.date.clone()));
        if let Some(d) = &self.digest {
            v.push(("digest", d.clone()));
        }
        v.push(("signature", self.signature.clone()));
        v
    }
}

/// Signs a request the way Mastodon does (`algorithm="rsa-sha256"`, RSASSA-PKCS1-v1_5/SHA-256).
///
/// Signed headers, in this order: `(request-target) host date`, then `digest` when there is
/// a body (a POST always gets one; a `None` body on POST is treated as empty), then
/// `content-type` when `content_type` is given. So a POST with a content type signs
/// `(request-target) host date digest content-type` and a plain GET signs
/// `(request-target) host date`.
pub fn sign_request(
    key: &PKey<Private>,
    key_id: &str,
    method: &Method,
    url: &Url,
    body: Option<&[u8]>,
    content_type: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignedHeaders, SignatureError> {
    sign(key, key_id, method, url, body, content_type, None, now)
}

/// Signs a GET the way Mastodon signs its fetches: `(request-target) host date`, plus `accept`
/// when the request has an `Accept` header (pass its value; the request must carry it
/// unchanged). Used by [`SignedFetch`] for every fetch the federation library makes.
pub fn sign_fetch(
    key: &PKey<Private>,
    key_id: &str,
    url: &Url,
    accept: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignedHeaders, SignatureError> {
    sign(key, key_id, &Method::GET, url, None, None, accept, now)
}

#[allow(clippy::too_many_arguments)]
fn sign(
    key: &PKey<Private>,
    key_id: &str,
    method: &Method,
    url: &Url,
    body: Option<&[u8]>,
    content_type: Option<&str>,
    accept: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignedHeaders, SignatureError> {
    if key_id.is_empty()
        || key_id
            .bytes()
            .any(|b| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b))
    {
        return Err(SignatureError::InvalidKeyId);
    }
    if key.id() != Id::RSA {
        return Err(SignatureError::NotRsaKey);
    }
    let host = url.host_str().ok_or(SignatureError::UrlWithoutHost)?;
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let date = http_date(now);
    let body = match body {
        Some(b) => Some(b),
        None if *method == Method::POST => Some(&[][..]),
        None => None,
    };
    let digest = body.map(sha256_digest_header);

    let mut headers = HeaderMap::new();
    let mut signed: Vec<String> = vec!["(request-target)".into(), "host".into(), "date".into()];
    insert_header(&mut headers, http::header::HOST, &host)?;
    insert_header(&mut headers, http::header::DATE, &date)?;
    if let Some(d) = &digest {
        insert_header(&mut headers, HeaderName::from_static("digest"), d)?;
        signed.push("digest".into());
    }
    if let Some(ct) = content_type {
        insert_header(&mut headers, http::header::CONTENT_TYPE, ct)?;
        signed.push("content-type".into());
    }
    if let Some(accept) = accept {
        insert_header(&mut headers, http::header::ACCEPT, accept)?;
        signed.push("accept".into());
    }
    let path_and_query = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let to_sign = signing_string(method, path_and_query, &headers, &signed, None, None)?;

    let mut signer = Signer::new(MessageDigest::sha256(), key)?;
    signer.set_rsa_padding(Padding::PKCS1)?;
    signer.update(to_sign.as_bytes())?;
    let sig = signer.sign_to_vec()?;

    let signature = format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{}\"",
        signed.join(" "),
        STANDARD.encode(sig)
    );
    Ok(SignedHeaders {
        date,
        digest,
        signature,
    })
}

fn insert_header(map: &mut HeaderMap, name: HeaderName, value: &str) -> Result<(), SignatureError> {
    let v = HeaderValue::from_str(value)
        .map_err(|_| SignatureError::InvalidHeaderValue(name.as_str().to_owned()))?;
    map.insert(name, v);
    Ok(())
}

/// Builds a complete signed `reqwest` request: method, URL, `Content-Type` (if given), `Date`,
/// `Digest` (if there is a body / POST), `Signature`, and the body. Add `Accept`, timeouts etc.
/// on the returned builder; do not change the method, URL, body or the headers above.
#[allow(clippy::too_many_arguments)]
pub fn build_signed_request(
    client: &reqwest::Client,
    key: &PKey<Private>,
    key_id: &str,
    method: Method,
    url: &Url,
    body: Option<Vec<u8>>,
    content_type: Option<&str>,
    now: DateTime<Utc>,
) -> Result<reqwest::RequestBuilder, SignatureError> {
    let signed = sign_request(
        key,
        key_id,
        &method,
        url,
        body.as_deref(),
        content_type,
        now,
    )?;
    let mut rb = client.request(method.clone(), url.clone());
    if let Some(ct) = content_type {
        rb = rb.header(http::header::CONTENT_TYPE, ct);
    }
    for (name, value) in signed.header_pairs() {
        rb = rb.header(name, value);
    }
    match body {
        Some(b) => rb = rb.body(b),
        None if method == Method::POST => rb = rb.body(Vec::new()),
        None => {}
    }
    Ok(rb)
}

mod fetch;
mod header;
mod keys;
pub use fetch::SignedFetch;
pub use header::SignatureHeader;
pub use keys::{
    CachedPublicKey, PrivateKeyCache, PublicKeyCache, generate_rsa_keypair, parse_private_key_pem,
    parse_public_key_pem,
};

#[cfg(test)]
mod tests;
