//! Tests of HTTP signatures: parsing, signing strings, Mastodon's inbound rules, tampering,
//! interop with activitypub_federation's signer, key parsing and the caches.
#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeZone;
use openssl::rsa::Rsa;
use std::sync::Arc;
use std::sync::OnceLock;

const KEY_ID: &str = "https://halqa.example/users/alice#main-key";
const CT: &str = "application/activity+json";

fn pems() -> &'static (String, String) {
    static PEMS: OnceLock<(String, String)> = OnceLock::new();
    PEMS.get_or_init(|| generate_rsa_keypair().unwrap())
}

fn keys() -> (PKey<Private>, PKey<Public>) {
    let (private, public) = pems();
    (
        parse_private_key_pem(private).unwrap(),
        parse_public_key_pem(public).unwrap(),
    )
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

fn inbox() -> Url {
    Url::parse("https://remote.example/users/bob/inbox").unwrap()
}

/// The headers a server would receive for a request signed with `s`.
fn received(s: &SignedHeaders, host: &str, content_type: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_str(host).unwrap());
    if let Some(ct) = content_type {
        h.insert("content-type", HeaderValue::from_str(ct).unwrap());
    }
    for (name, value) in s.header_pairs() {
        h.insert(name, HeaderValue::from_str(&value).unwrap());
    }
    h
}

fn post(headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
    check(
        &Method::POST,
        "/users/bob/inbox",
        headers,
        Some(body),
        now(),
    )
}

fn check(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let sig = SignatureHeader::from_headers(headers)?;
    verify_request(
        &RequestVerification {
            method,
            path_and_query: path,
            headers,
            body,
        },
        &sig,
        &keys().1,
        now,
    )
}

/// Signs an arbitrary signing string with openssl directly (no `rsa` crate).
fn raw_sign(key: &PKey<Private>, s: &str) -> String {
    let mut signer = Signer::new(MessageDigest::sha256(), key).unwrap();
    signer.set_rsa_padding(Padding::PKCS1).unwrap();
    signer.update(s.as_bytes()).unwrap();
    STANDARD.encode(signer.sign_to_vec().unwrap())
}

/// Builds a Signature header over `signed` for a request with `headers`.
fn manual_signature(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    signed: &str,
    algorithm: Option<&str>,
    created: Option<i64>,
    expires: Option<i64>,
) -> String {
    let list: Vec<String> = signed.split(' ').map(str::to_owned).collect();
    let s = signing_string(method, path, headers, &list, created, expires).unwrap();
    let mut v = format!("keyId=\"{KEY_ID}\"");
    if let Some(a) = algorithm {
        v.push_str(&format!(",algorithm=\"{a}\""));
    }
    if let Some(c) = created {
        v.push_str(&format!(",created={c}"));
    }
    if let Some(e) = expires {
        v.push_str(&format!(",expires={e}"));
    }
    v.push_str(&format!(
        ",headers=\"{signed}\",signature=\"{}\"",
        raw_sign(&keys().0, &s)
    ));
    v
}

// ---- digest -----------------------------------------------------------

#[test]
fn digest_known_vectors() {
    assert_eq!(
        sha256_digest_header(b""),
        "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    // Vector from activitypub_federation's own tests.
    let body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";
    assert_eq!(
        sha256_digest_header(body.as_bytes()),
        "SHA-256=lzFT+G7C2hdI5j8M+FuJg1tC+O6AGMVJhooTCKGfbKM="
    );
}

#[test]
fn verify_digest_rules() {
    let body = b"hello";
    let sha256 = sha256_digest_header(body);
    let sha256_value = sha256.trim_start_matches("SHA-256=");
    let sha512 = STANDARD.encode(openssl::sha::sha512(body));
    assert_eq!(verify_digest(&sha256, body), Ok(()));
    assert_eq!(
        verify_digest(&format!("sha-256={sha256_value}"), body),
        Ok(())
    );
    assert_eq!(
        verify_digest(&format!("SHA-512={sha512}, SHA-256={sha256_value}"), body),
        Ok(())
    );
    // Unknown algorithms are ignored.
    assert_eq!(verify_digest(&format!("md5=xyz,{sha256}"), body), Ok(()));
    assert_eq!(
        verify_digest(&sha256, b"hellO"),
        Err(SignatureError::DigestMismatch)
    );
    let bad512 = STANDARD.encode(openssl::sha::sha512(b"other"));
    assert_eq!(
        verify_digest(&format!("{sha256},sha-512={bad512}"), body),
        Err(SignatureError::DigestMismatch)
    );
    assert_eq!(
        verify_digest(&format!("SHA-512={sha512}"), body),
        Err(SignatureError::DigestWithoutSha256)
    );
    assert_eq!(
        verify_digest("garbage", body),
        Err(SignatureError::MalformedDigest)
    );
    assert_eq!(
        verify_digest("SHA-256=!!!notbase64", body),
        Err(SignatureError::MalformedDigest)
    );
}

// ---- Signature header parsing -----------------------------------------

#[test]
fn parse_mastodon_header() {
    let raw_sig = vec![0xABu8; 256];
    let v = format!(
        "keyId=\"https://mastodon.social/users/Gargron#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\"{}\"",
        STANDARD.encode(&raw_sig)
    );
    let h = SignatureHeader::parse(&v).unwrap();
    assert_eq!(h.key_id, "https://mastodon.social/users/Gargron#main-key");
    assert_eq!(h.algorithm.as_deref(), Some("rsa-sha256"));
    assert_eq!(
        h.headers,
        ["(request-target)", "host", "date", "digest", "content-type"]
    );
    assert_eq!(h.signature, raw_sig);
    assert_eq!(h.created, None);
    assert_eq!(h.expires, None);
}

#[test]
fn parse_is_robust() {
    // Spaces everywhere, a comma and an escaped quote inside a quoted value, mixed-case
    // names, unquoted created/expires, an unknown parameter, no padding on the signature.
    let v = r#"  KeyId = "https://x.example/a,b\"c#key" , Headers="(Request-Target)   Host (created)" ,created=1402170695, expires="1402170699", foo=bar, signature = "AQID" "#;
    let h = SignatureHeader::parse(v).unwrap();
    assert_eq!(h.key_id, "https://x.example/a,b\"c#key");
    assert_eq!(h.headers, ["(request-target)", "host", "(created)"]);
    assert_eq!(h.signature, [1, 2, 3]);
    assert_eq!(h.created, Some(1402170695));
    assert_eq!(h.expires, Some(1402170699));
    assert_eq!(h.algorithm, None);
}

#[test]
fn parse_defaults_and_errors() {
    let h = SignatureHeader::parse(r#"keyId="k",signature="AQID""#).unwrap();
    assert_eq!(h.headers, ["date"]);

    let authz = r#"Signature keyId="k",algorithm="hs2019",headers="(request-target) host date",signature="AQID""#;
    let h = SignatureHeader::parse(authz).unwrap();
    assert_eq!(h.key_id, "k");
    assert_eq!(h.algorithm.as_deref(), Some("hs2019"));

    assert_eq!(
        SignatureHeader::parse(r#"keyId="k",signature="not base64!""#),
        Err(SignatureError::InvalidSignatureBase64)
    );
    assert_eq!(
        SignatureHeader::parse(r#"headers="date",signature="AQID""#),
        Err(SignatureError::MissingKeyId)
    );
    assert_eq!(
        SignatureHeader::parse(r#"keyId="k",headers="date""#),
        Err(SignatureError::MissingSignature)
    );
    assert_eq!(
        SignatureHeader::parse(r#"keyId="k",signature="""#),
        Err(SignatureError::MissingSignature)
    );
    assert_eq!(
        SignatureHeader::parse(r#"keyId="k",keyId="j",signature="AQID""#),
        Err(SignatureError::DuplicateParameter("keyid".into()))
    );
    assert!(matches!(
        SignatureHeader::parse(r#"keyId="k,signature="AQID""#),
        Err(SignatureError::MalformedSignatureHeader(_))
    ));
    assert!(matches!(
        SignatureHeader::parse(r#"keyId="k"x,signature="AQID""#),
        Err(SignatureError::MalformedSignatureHeader(_))
    ));
    assert_eq!(
        SignatureHeader::parse(r#"keyId="k",signature="AQID",created="soon""#),
        Err(SignatureError::InvalidCreated)
    );
    // Non-ASCII input must not panic.
    assert!(SignatureHeader::parse("Ωmega").is_err());
}

#[test]
fn from_headers_finds_authorization_form() {
    let mut h = HeaderMap::new();
    assert_eq!(
        SignatureHeader::from_headers(&h),
        Err(SignatureError::NoSignatureHeader)
    );
    h.insert("authorization", HeaderValue::from_static("Bearer abc"));
    assert_eq!(
        SignatureHeader::from_headers(&h),
        Err(SignatureError::NoSignatureHeader)
    );
    h.append(
        "authorization",
        HeaderValue::from_static(r#"Signature keyId="k",signature="AQID""#),
    );
    assert_eq!(SignatureHeader::from_headers(&h).unwrap().key_id, "k");
}

// ---- signing string ---------------------------------------------------

#[test]
fn signing_string_format() {
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static("example.org"));
    h.insert(
        "date",
        HeaderValue::from_static("Tue, 07 Jun 2014 20:51:35 GMT"),
    );
    h.append("cache-control", HeaderValue::from_static("max-age=60"));
    h.append("cache-control", HeaderValue::from_static("must-revalidate"));
    let signed: Vec<String> = [
        "(request-target)",
        "Host",
        "date",
        "cache-control",
        "(created)",
        "(expires)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let s = signing_string(
        &Method::GET,
        "/foo?param=value&pet=dog",
        &h,
        &signed,
        Some(1402170695),
        Some(1402170699),
    )
    .unwrap();
    assert_eq!(
        s,
        "(request-target): get /foo?param=value&pet=dog\n\
         host: example.org\n\
         date: Tue, 07 Jun 2014 20:51:35 GMT\n\
         cache-control: max-age=60, must-revalidate\n\
         (created): 1402170695\n\
         (expires): 1402170699"
    );
    assert_eq!(
        signing_string(&Method::GET, "/", &h, &["x-missing".into()], None, None),
        Err(SignatureError::MissingHeader("x-missing".into()))
    );
    assert_eq!(
        signing_string(&Method::GET, "/", &h, &["(created)".into()], None, None),
        Err(SignatureError::MissingCreated)
    );
    assert_eq!(
        signing_string(&Method::GET, "/", &h, &[], None, None),
        Err(SignatureError::NoSignedHeaders)
    );
}

// ---- sign / verify ----------------------------------------------------

#[test]
fn sign_post_format_and_roundtrip() {
    let (private, _) = keys();
    let body = br#"{"type":"Create"}"#;
    let s = sign_request(
        &private,
        KEY_ID,
        &Method::POST,
        &inbox(),
        Some(body),
        Some(CT),
        now(),
    )
    .unwrap();
    assert_eq!(s.date, "Wed, 01 May 2024 12:00:00 GMT");
    assert_eq!(
        s.digest.as_deref(),
        Some(sha256_digest_header(body).as_str())
    );
    assert!(s.signature.starts_with(&format!(
        "keyId=\"{KEY_ID}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\""
    )));
    let parsed = SignatureHeader::parse(&s.signature).unwrap();
    assert_eq!(parsed.signature.len(), 256);

    let h = received(&s, "remote.example", Some(CT));
    assert_eq!(post(&h, body), Ok(()));
}

#[test]
fn sign_get_and_explicit_port() {
    let (private, _) = keys();
    let url = Url::parse("https://remote.example:8443/users/bob?page=2").unwrap();
    let s = sign_request(&private, KEY_ID, &Method::GET, &url, None, None, now()).unwrap();
    assert_eq!(s.digest, None);
    assert!(
        s.signature
            .contains("headers=\"(request-target) host date\"")
    );
    let h = received(&s, "remote.example:8443", None);
    assert_eq!(
        check(&Method::GET, "/users/bob?page=2", &h, None, now()),
        Ok(())
    );
    // Host without the port is a different request.
    let h = received(&s, "remote.example", None);
    assert_eq!(
        check(&Method::GET, "/users/bob?page=2", &h, None, now()),
        Err(SignatureError::BadSignature)
    );
    // Default port is not part of Host.
    let url = Url::parse("https://remote.example:443/x").unwrap();
    let s = sign_request(&private, KEY_ID, &Method::GET, &url, None, None, now()).unwrap();
    let h = received(&s, "remote.example", None);
    assert_eq!(check(&Method::GET, "/x", &h, None, now()), Ok(()));
}

#[test]
fn tampering_is_detected() {
    let (private, _) = keys();
    let body = br#"{"type":"Create"}"#;
    let s = sign_request(
        &private,
        KEY_ID,
        &Method::POST,
        &inbox(),
        Some(body),
        Some(CT),
        now(),
    )
    .unwrap();
    let h = received(&s, "remote.example", Some(CT));
    assert_eq!(
        post(&h, br#"{"type":"Delete"}"#),
        Err(SignatureError::DigestMismatch)
    );
    // Digest header swapped to match a different body: the signature catches it.
    let mut h2 = h.clone();
    h2.insert(
        "digest",
        HeaderValue::from_str(&sha256_digest_header(b"evil")).unwrap(),
    );
    assert_eq!(post(&h2, b"evil"), Err(SignatureError::BadSignature));
    let mut h3 = h.clone();
    h3.insert("content-type", HeaderValue::from_static("text/html"));
    assert_eq!(post(&h3, body), Err(SignatureError::BadSignature));
    assert_eq!(
        check(&Method::POST, "/users/carol/inbox", &h, Some(body), now()),
        Err(SignatureError::BadSignature)
    );
    // Another key.
    let other = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let other_pub = PKey::public_key_from_der(&other.public_key_to_der().unwrap()).unwrap();
    let sig = SignatureHeader::from_headers(&h).unwrap();
    let req = RequestVerification {
        method: &Method::POST,
        path_and_query: "/users/bob/inbox",
        headers: &h,
        body: Some(body),
    };
    assert_eq!(
        verify_request(&req, &sig, &other_pub, now()),
        Err(SignatureError::BadSignature)
    );
    // Truncated signature bytes.
    let mut short = sig.clone();
    short.signature.truncate(100);
    assert_eq!(
        verify_request(&req, &short, &keys().1, now()),
        Err(SignatureError::BadSignature)
    );
    // Body not handed over.
    assert_eq!(
        check(&Method::POST, "/users/bob/inbox", &h, None, now()),
        Err(SignatureError::BodyNotProvided)
    );
}

#[test]
fn date_window() {
    let (private, _) = keys();
    let body = b"{}";
    let sign_at = |t: DateTime<Utc>| {
        let s = sign_request(
            &private,
            KEY_ID,
            &Method::POST,
            &inbox(),
            Some(body),
            Some(CT),
            t,
        )
        .unwrap();
        received(&s, "remote.example", Some(CT))
    };
    assert_eq!(
        post(&sign_at(now() - TimeDelta::hours(13)), body),
        Err(SignatureError::DateTooOld)
    );
    assert_eq!(post(&sign_at(now() - TimeDelta::hours(11)), body), Ok(()));
    assert_eq!(
        post(&sign_at(now() + TimeDelta::hours(2)), body),
        Err(SignatureError::DateInFuture)
    );
    assert_eq!(post(&sign_at(now() + TimeDelta::minutes(50)), body), Ok(()));
    // Unparseable Date that is nevertheless signed.
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static("remote.example"));
    h.insert("date", HeaderValue::from_static("yesterday"));
    h.insert(
        "digest",
        HeaderValue::from_str(&sha256_digest_header(body)).unwrap(),
    );
    let sig = manual_signature(
        &Method::POST,
        "/users/bob/inbox",
        &h,
        "(request-target) host date digest",
        Some("rsa-sha256"),
        None,
        None,
    );
    h.insert("signature", HeaderValue::from_str(&sig).unwrap());
    assert_eq!(
        post(&h, body),
        Err(SignatureError::InvalidDate("yesterday".into()))
    );
}

#[test]
fn http_date_forms() {
    let t = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 37).unwrap();
    assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Ok(t));
    assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Ok(t));
    assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Ok(t));
}

fn base_post_headers(body: &[u8]) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static("remote.example"));
    h.insert("date", HeaderValue::from_str(&http_date(now())).unwrap());
    h.insert(
        "digest",
        HeaderValue::from_str(&sha256_digest_header(body)).unwrap(),
    );
    h.insert("content-type", HeaderValue::from_static(CT));
    h
}

fn with_sig(mut h: HeaderMap, sig: String) -> HeaderMap {
    h.insert("signature", HeaderValue::from_str(&sig).unwrap());
    h
}

#[test]
fn mastodon_strength_rules() {
    let body = b"{}";
    let p = "/users/bob/inbox";
    let h = base_post_headers(body);

    // POST without digest signed, even though the signature itself is valid.
    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        "(request-target) host date",
        None,
        None,
        None,
    );
    assert_eq!(
        post(&with_sig(h.clone(), sig), body),
        Err(SignatureError::DigestNotSigned)
    );

    // GET without host signed.
    let sig = manual_signature(
        &Method::GET,
        "/users/bob",
        &h,
        "(request-target) date",
        None,
        None,
        None,
    );
    assert_eq!(
        check(
            &Method::GET,
            "/users/bob",
            &with_sig(h.clone(), sig),
            None,
            now()
        ),
        Err(SignatureError::HostNotSigned)
    );

    // Neither date nor (created).
    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        "(request-target) host digest",
        None,
        None,
        None,
    );
    assert_eq!(
        post(&with_sig(h.clone(), sig), body),
        Err(SignatureError::DateNotSigned)
    );

    // Neither (request-target) nor digest.
    let sig = manual_signature(
        &Method::GET,
        "/users/bob",
        &h,
        "host date",
        None,
        None,
        None,
    );
    assert_eq!(
        check(
            &Method::GET,
            "/users/bob",
            &with_sig(h.clone(), sig),
            None,
            now()
        ),
        Err(SignatureError::RequestTargetNotSigned)
    );

    // Listed header missing from the request.
    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        "(request-target) host date digest content-type",
        None,
        None,
        None,
    );
    let mut h2 = with_sig(h.clone(), sig);
    h2.remove("content-type");
    assert_eq!(
        post(&h2, body),
        Err(SignatureError::MissingHeader("content-type".into()))
    );
}

#[test]
fn algorithms() {
    let body = b"{}";
    let p = "/users/bob/inbox";
    let h = base_post_headers(body);
    let signed = "(request-target) host date digest content-type";
    for ok in [None, Some("rsa-sha256"), Some("hs2019"), Some("RSA-SHA256")] {
        let sig = manual_signature(&Method::POST, p, &h, signed, ok, None, None);
        assert_eq!(post(&with_sig(h.clone(), sig), body), Ok(()), "{ok:?}");
    }
    for bad in ["rsa-sha512", "hmac-sha256", "ecdsa-sha256", "ed25519"] {
        let sig = manual_signature(&Method::POST, p, &h, signed, Some(bad), None, None);
        assert_eq!(
            post(&with_sig(h.clone(), sig), body),
            Err(SignatureError::UnsupportedAlgorithm(bad.into()))
        );
    }
    // A non-RSA key is refused with a clear error.
    let ed = PKey::generate_ed25519().unwrap();
    let ed_pub = PKey::public_key_from_pem(&ed.public_key_to_pem().unwrap()).unwrap();
    let sig = manual_signature(&Method::POST, p, &h, signed, Some("hs2019"), None, None);
    let h2 = with_sig(h.clone(), sig);
    let req = RequestVerification {
        method: &Method::POST,
        path_and_query: p,
        headers: &h2,
        body: Some(body),
    };
    assert_eq!(
        verify_request(
            &req,
            &SignatureHeader::from_headers(&h2).unwrap(),
            &ed_pub,
            now()
        ),
        Err(SignatureError::NotRsaKey)
    );
}

#[test]
fn created_and_expires() {
    let body = b"{}";
    let p = "/users/bob/inbox";
    let mut h = base_post_headers(body);
    h.remove("date");
    let t = now().timestamp();
    let signed = "(request-target) host (created) (expires) digest";

    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        signed,
        Some("hs2019"),
        Some(t - 60),
        Some(t + 3600),
    );
    assert_eq!(post(&with_sig(h.clone(), sig), body), Ok(()));

    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        signed,
        Some("hs2019"),
        Some(t - 7200),
        Some(t - 3600),
    );
    assert_eq!(
        post(&with_sig(h.clone(), sig), body),
        Err(SignatureError::Expired)
    );

    let signed = "(request-target) host (created) digest";
    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        signed,
        Some("hs2019"),
        Some(t - 13 * 3600),
        None,
    );
    assert_eq!(
        post(&with_sig(h.clone(), sig), body),
        Err(SignatureError::CreatedTooOld)
    );

    let sig = manual_signature(
        &Method::POST,
        p,
        &h,
        signed,
        Some("hs2019"),
        Some(t + 2 * 3600),
        None,
    );
    assert_eq!(
        post(&with_sig(h.clone(), sig), body),
        Err(SignatureError::CreatedInFuture)
    );

    // (created) listed but the parameter was stripped.
    let sig = manual_signature(&Method::POST, p, &h, signed, Some("hs2019"), Some(t), None)
        .replace(&format!(",created={t}"), "");
    assert_eq!(
        post(&with_sig(h.clone(), sig), body),
        Err(SignatureError::MissingCreated)
    );
}

#[test]
fn sign_rejects_bad_input() {
    let (private, _) = keys();
    assert_eq!(
        sign_request(&private, "a\"b", &Method::GET, &inbox(), None, None, now()),
        Err(SignatureError::InvalidKeyId)
    );
    let url = Url::parse("mailto:someone@example.org").unwrap();
    assert_eq!(
        sign_request(&private, KEY_ID, &Method::GET, &url, None, None, now()),
        Err(SignatureError::UrlWithoutHost)
    );
    // POST without body signs the empty body's digest.
    let s = sign_request(&private, KEY_ID, &Method::POST, &inbox(), None, None, now()).unwrap();
    assert_eq!(s.digest, Some(sha256_digest_header(b"")));
    assert!(
        s.signature
            .contains("headers=\"(request-target) host date digest\"")
    );
}

// ---- interop with activitypub_federation --------------------------------

/// activitypub_federation 0.7.0-beta.14 `http_signatures::test::test_sign`: a signature
/// produced by that crate's signer (hs2019, Mastodon-compat mode) over a fixed request.
const APF_PRIVATE_KEY: &str = concat!(
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "MIIEogIBAAKCAQEA2kZpsvWYrwM9zMQiDwo4k6/VfpK2aDTeVe9ZkcvDrrWfqt72\n",
    "QSjjtXLa8sxJlEn+/zbnZ1lG3AO/WsKs2jiOycNQHBS1ITnSZKEpdKnAoLUn4k16\n",
    "YivRmALyLedOfIrvMtQzH8a+kOQ71u2Wa3H9jpkCT5W9OneEBa3VjQp49kcrF3tm\n",
    "mrEUhfai5GJM4xrdr587y7exkBF4wObepta9opSeuBkPV4QXZPfgmjwW+oOTheVH\n",
    "6L7yjzvjW92j4/T6XKAcu0kn/aQhR8SiGtPBMyOlcW4S2eDHWf1RlqbNGb5L9Qam\n",
    "fb0WAymx0ANLUDQyXAu5zViMrd4g8mgdkg7C1wIDAQABAoIBAAHAT0Uvsguz0Frq\n",
    "0Li8+A4I4U/RQeqW6f9XtHWpl3NSYuqOPJZY2DxypHRB1Iex13x/gBHH/8jwgShR\n",
    "2x/3ev9kmsLu6f+CcdniCFQdFiRaVh/IFI0Ve7cz5tkcoiuSB2NDNcaYFwIdYqfr\n",
    "Ytz2OCn2hLQHKB9M9pLMSnDsPmMAOveY11XfhkECrWlh1bx9YPyJScnNKTblB3M+\n",
    "GhYL3xzuCxPCC9nUfqz7Y8FnZTCmePOwcRflJDTLFs6Bqkv1PZOZWzI+7akaJxfI\n",
    "SOSw3VkGegsdoGVgHobqT2tqL8vuKM1bs47PFwWjVCGEoOvcC/Ha1+INemWbh7VA\n",
    "Xa/jvxkCgYEA/+AxeMCLCmH/F696W3RpPdFL25wSYQr1auV2xRfmsT+hhpSp3yz/\n",
    "ypkazS9TbnSCm18up+jE9rJ1c9VIZrgcTeKzPURzE68RR8uOsa9o9kaUzfyvRAzb\n",
    "fmQXMvv2rmm9U7srhjpvKo1BcHpQIQYToKt0TOv7soSEY2jGNvaK6i0CgYEA2mGL\n",
    "sL36WoHF3x2DZNvknLJGjxPSMmdjjfflFRqxKeP+Sf54C4QH/1hxHe/yl/KMBTfa\n",
    "woBl05SrwTnQ7bOeR8VTmzP53JfkECT5I9h/g8vT8dkz5WQXWNDgy61Imq/UmWwm\n",
    "DHElGrkF31oy5w6+aZ58Sa5bXhBDYpkUP9+pV5MCgYAW5BCo89i8gg3XKZyxp9Vu\n",
    "cVXu/KRsSBWyjXq1oTDDNKUXrB8SVy0/C7lpF83H+OZiTf6XiOxuAYMebLtAbUIi\n",
    "+Z/9YC1HWocaPCy02rNyLNhNIUjwtpHAWeX1arMj4VPNtNXs+TdOwDpVfKvEeI2y\n",
    "9wO9ifMHgnFxj0MEUcQVtQKBgHg2Mhs8uM+RmEbVjDq9AP9w835XPuIYH6lKyIPx\n",
    "iYyxwI0i0xojt/NL0BjWuQgDsCg/MuDWpTbvJAzdsrDmqz5+1SMeXXCc/CIW+D5P\n",
    "MwJt9WGwWuzvSBrQAK6d2NWt7K335on6zp4DM8RbdqHSb+bcIza8D/ebpDxmX8s5\n",
    "Z5KZAoGAX8u+63w1uy1FLhf48SqmjOqkAjdUZCWEmaim69koAOdTIBSSDOnAqzGu\n",
    "wIVdLLzI6xTgbYmfErCwpU2v8MfUWr0BDzjQ9G6c5rhcS1BkfxbeAsC42XaVIgCk\n",
    "2sMNMqi6f96jbp4IQI70BpecsnBAUa+VoT57bZRvy0lW26w9tYI=\n",
    "-----END RSA PRIVATE KEY-----\n"
);
const APF_SIGNATURE: &str = concat!(
    "keyId=\"https://example.com/u/alice#main-key\",",
    "algorithm=\"hs2019\",",
    "headers=\"(request-target) content-type date digest host\",",
    "signature=\"BpZhHNqzd6d6jhWOxyJ0jXwWWxiKMNK7i3mrr/5mVFnH7fUpicwqw8cSYVr",
    "cwWjt0I07HW7rZFUfIdSgCoOEdvxtrccF/hTrwYgm8O6SQRHl1UfFtDR6e9EpfPieVmTjo0",
    "QVfyzLLa41rmnz/yFqqer/v0kcdED51/dGe8NCGPBbhgK6C4oh7r+XHsQZMIhh38BcfZVWN",
    "YaMqgyhFxu2f34IKnOEk6NjSaNtO+PzQUhbksTvH0Vvi6R0dtQINJFdONVBl4AwDC1INeF5",
    "uhQo/SaKHfP3UitUHdM5Pbn+LhZYDB9AaQAW5ZGD43Aw15ecwsnKi4HcjV8nBw4zehlvaQ==\""
);

#[test]
fn verifies_activitypub_federation_test_vector() {
    let private = parse_private_key_pem(APF_PRIVATE_KEY).unwrap();
    let public_pem = String::from_utf8(private.public_key_to_pem().unwrap()).unwrap();
    let public = parse_public_key_pem(&public_pem).unwrap();
    let body = b"my activity";
    let mut h = HeaderMap::new();
    h.insert("content-type", HeaderValue::from_static(CT));
    h.insert("host", HeaderValue::from_static("example.com"));
    h.insert(
        "date",
        HeaderValue::from_static("Tue, 28 Mar 2023 21:03:44 GMT"),
    );
    h.insert(
        "digest",
        HeaderValue::from_str(&sha256_digest_header(body)).unwrap(),
    );
    h.insert("signature", HeaderValue::from_static(APF_SIGNATURE));
    let sig = SignatureHeader::from_headers(&h).unwrap();
    let at = Utc.with_ymd_and_hms(2023, 3, 28, 21, 5, 0).unwrap();
    let req = RequestVerification {
        method: &Method::POST,
        path_and_query: "/u/alice/inbox",
        headers: &h,
        body: Some(body),
    };
    assert_eq!(verify_request(&req, &sig, &public, at), Ok(()));
    // Our signing string, signed with openssl, reproduces their signature byte for byte.
    let s = signing_string(
        &Method::POST,
        "/u/alice/inbox",
        &h,
        &sig.headers,
        None,
        None,
    )
    .unwrap();
    assert_eq!(raw_sign(&private, &s), STANDARD.encode(&sig.signature));
    // And a day later it is stale.
    assert_eq!(
        verify_request(&req, &sig, &public, at + TimeDelta::days(1)),
        Err(SignatureError::DateTooOld)
    );
}

mod live {
    //! Requests really signed and sent by activitypub_federation (and by our
    //! `build_signed_request`), captured by a one-shot local HTTP server.
    use super::*;
    use activitypub_federation::activity_sending::SendActivityTask;
    use activitypub_federation::config::{Data, FederationConfig};
    use activitypub_federation::error::Error as ApError;
    use activitypub_federation::fetch::fetch_object_http;
    use activitypub_federation::traits::{Activity, Actor, Object};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[derive(Debug, Clone)]
    struct TestActor {
        id: Url,
        public_key_pem: String,
        private_key_pem: String,
    }

    #[async_trait::async_trait]
    impl Object for TestActor {
        type DataType = ();
        type Kind = serde_json::Value;
        type Error = ApError;
        fn id(&self) -> &Url {
            &self.id
        }
        async fn read_from_id(_: Url, _: &Data<()>) -> Result<Option<Self>, ApError> {
            Ok(None)
        }
        async fn into_json(self, _: &Data<()>) -> Result<serde_json::Value, ApError> {
            Ok(serde_json::json!({ "id": self.id }))
        }
        async fn verify(_: &serde_json::Value, _: &Url, _: &Data<()>) -> Result<(), ApError> {
            Ok(())
        }
        async fn from_json(_: serde_json::Value, _: &Data<()>) -> Result<Self, ApError> {
            Err(ApError::NotFound)
        }
    }

    impl Actor for TestActor {
        fn public_key_pem(&self) -> &str {
            &self.public_key_pem
        }
        fn private_key_pem(&self) -> Option<String> {
            Some(self.private_key_pem.clone())
        }
        fn inbox(&self) -> Url {
            self.id.join("inbox").unwrap()
        }
    }

    #[derive(Debug, serde::Serialize)]
    struct TestActivity {
        id: Url,
        actor: Url,
        #[serde(rename = "type")]
        kind: &'static str,
    }

    #[async_trait::async_trait]
    impl Activity for TestActivity {
        type DataType = ();
        type Error = ApError;
        fn id(&self) -> &Url {
            &self.id
        }
        fn actor(&self) -> &Url {
            &self.actor
        }
        async fn verify(&self, _: &Data<()>) -> Result<(), ApError> {
            Ok(())
        }
        async fn receive(self, _: &Data<()>) -> Result<(), ApError> {
            Ok(())
        }
    }

    fn actor() -> TestActor {
        let (private, public) = pems();
        TestActor {
            id: Url::parse("https://halqa.test/users/alice").unwrap(),
            public_key_pem: public.clone(),
            private_key_pem: private.clone(),
        }
    }

    struct Captured {
        method: Method,
        path: String,
        headers: HeaderMap,
        body: Vec<u8>,
    }

    /// Accepts one connection, records the request, answers 200 with `response`.
    async fn serve_once(listener: TcpListener, response: String) -> Captured {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut tmp = [0u8; 8192];
        let head_end = loop {
            let n = sock.read(&mut tmp).await.unwrap();
            assert!(n > 0, "connection closed before the end of the headers");
            buf.extend_from_slice(&tmp[..n]);
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p;
            }
        };
        let head = std::str::from_utf8(&buf[..head_end]).unwrap().to_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap().split(' ');
        let method = Method::from_bytes(request_line.next().unwrap().as_bytes()).unwrap();
        let path = request_line.next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        for line in lines {
            let (n, v) = line.split_once(':').unwrap();
            headers.append(
                HeaderName::from_bytes(n.trim().as_bytes()).unwrap(),
                HeaderValue::from_str(v.trim()).unwrap(),
            );
        }
        let len: usize = headers
            .get("content-length")
            .map(|v| v.to_str().unwrap().parse().unwrap())
            .unwrap_or(0);
        let mut body = buf[head_end + 4..].to_vec();
        while body.len() < len {
            let n = sock.read(&mut tmp).await.unwrap();
            assert!(n > 0);
            body.extend_from_slice(&tmp[..n]);
        }
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/activity+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{response}",
            response.len()
        );
        sock.write_all(reply.as_bytes()).await.unwrap();
        sock.shutdown().await.ok();
        Captured {
            method,
            path,
            headers,
            body,
        }
    }

    fn verify_captured(c: &Captured) -> Result<SignatureHeader, SignatureError> {
        let sig = SignatureHeader::from_headers(&c.headers)?;
        let key = parse_public_key_pem(&pems().1)?;
        verify_request(
            &RequestVerification {
                method: &c.method,
                path_and_query: &c.path,
                headers: &c.headers,
                body: Some(&c.body),
            },
            &sig,
            &key,
            Utc::now(),
        )?;
        Ok(sig)
    }

    async fn config(compat: bool, signed_fetch: bool) -> FederationConfig<()> {
        let mut b = FederationConfig::builder();
        b.domain("halqa.test")
            .app_data(())
            .debug(true)
            .http_signature_compat(compat);
        if signed_fetch {
            b.signed_fetch_actor(&actor());
        }
        b.build().await.unwrap()
    }

    async fn apf_post(compat: bool) -> Captured {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(serve_once(listener, "{}".to_owned()));
        let data = config(compat, false).await.to_request_data();
        let a = actor();
        let activity = TestActivity {
            id: Url::parse("https://halqa.test/activities/1").unwrap(),
            actor: a.id.clone(),
            kind: "Create",
        };
        let inbox = Url::parse(&format!("http://localhost:{port}/users/bob/inbox")).unwrap();
        let tasks = SendActivityTask::prepare(&activity, &a, vec![inbox], &data)
            .await
            .unwrap();
        assert_eq!(tasks.len(), 1);
        tasks[0].sign_and_send(&data).await.unwrap();
        server.await.unwrap()
    }

    async fn apf_get(compat: bool) -> Captured {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = Url::parse(&format!("http://localhost:{port}/users/bob")).unwrap();
        let server = tokio::spawn(serve_once(
            listener,
            serde_json::json!({ "id": url }).to_string(),
        ));
        let data = config(compat, true).await.to_request_data();
        fetch_object_http::<(), serde_json::Value>(&url, &data)
            .await
            .unwrap();
        server.await.unwrap()
    }

    #[tokio::test]
    async fn apf_post_mastodon_compat_is_verified() {
        let c = apf_post(true).await;
        assert_eq!(c.method, Method::POST);
        let sig = verify_captured(&c).unwrap();
        assert_eq!(sig.key_id, "https://halqa.test/users/alice#main-key");
        assert!(sig.headers.contains(&"digest".to_owned()));
        assert!(sig.headers.contains(&"date".to_owned()));
    }

    #[tokio::test]
    async fn apf_post_draft11_created_expires_is_verified() {
        let c = apf_post(false).await;
        let sig = verify_captured(&c).unwrap();
        assert_eq!(sig.algorithm.as_deref(), Some("hs2019"));
        assert!(sig.headers.contains(&"(created)".to_owned()));
        assert!(sig.created.is_some() && sig.expires.is_some());
        // Tampering with the captured body is caught.
        let mut c = c;
        c.body.push(b' ');
        assert_eq!(
            verify_captured(&c).err(),
            Some(SignatureError::DigestMismatch)
        );
    }

    #[tokio::test]
    async fn apf_signed_fetch_compat_is_verified() {
        let c = apf_get(true).await;
        assert_eq!(c.method, Method::GET);
        let sig = verify_captured(&c).unwrap();
        assert!(sig.headers.contains(&"host".to_owned()));
    }

    #[tokio::test]
    async fn apf_signed_fetch_without_compat_lacks_host() {
        // Without http_signature_compat, activitypub_federation does not sign Host on
        // GET; Mastodon rejects that, and so do we.
        let c = apf_get(false).await;
        assert_eq!(
            verify_captured(&c).err(),
            Some(SignatureError::HostNotSigned)
        );
    }

    #[tokio::test]
    async fn build_signed_request_is_verified_as_sent() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(serve_once(listener, "{}".to_owned()));
        let url = Url::parse(&format!("http://127.0.0.1:{port}/users/bob/inbox?x=1")).unwrap();
        let (private, _) = keys();
        let body = br#"{"type":"Follow"}"#.to_vec();
        let rb = build_signed_request(
            &reqwest::Client::new(),
            &private,
            KEY_ID,
            Method::POST,
            &url,
            Some(body.clone()),
            Some(CT),
            Utc::now(),
        )
        .unwrap();
        let res = rb.send().await.unwrap();
        assert_eq!(res.status(), 200);
        let c = server.await.unwrap();
        assert_eq!(c.body, body);
        assert_eq!(c.path, "/users/bob/inbox?x=1");
        assert_eq!(
            c.headers.get("host").unwrap().to_str().unwrap(),
            format!("127.0.0.1:{port}")
        );
        let sig = verify_captured(&c).unwrap();
        assert_eq!(sig.key_id, KEY_ID);
    }
}

// ---- keys and caches --------------------------------------------------

#[test]
fn key_formats() {
    let (private_pem, public_pem) = pems();
    assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    let (private, public) = keys();
    assert_eq!(private.bits(), 2048);
    assert!(public.public_eq(&private));

    // PKCS#1 public key form.
    let pkcs1 =
        String::from_utf8(private.rsa().unwrap().public_key_to_pem_pkcs1().unwrap()).unwrap();
    assert!(pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    let from_pkcs1 = parse_public_key_pem(&pkcs1).unwrap();
    assert!(from_pkcs1.public_eq(&public));

    assert!(matches!(
        parse_public_key_pem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"),
        Err(SignatureError::InvalidPublicKey(_))
    ));
    assert!(matches!(
        parse_private_key_pem("not a key"),
        Err(SignatureError::InvalidPrivateKey(_))
    ));
    let encrypted = String::from_utf8(
        private
            .private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_128_cbc(), b"pw")
            .unwrap(),
    )
    .unwrap();
    assert!(matches!(
        parse_private_key_pem(&encrypted),
        Err(SignatureError::InvalidPrivateKey(_))
    ));
}

#[test]
fn public_key_cache_is_bounded_lru() {
    let key = Arc::new(keys().1);
    let cache = PublicKeyCache::new(2);
    assert!(cache.is_empty());
    cache.insert("a", key.clone(), "https://r/a");
    cache.insert("b", key.clone(), "https://r/b");
    assert_eq!(cache.get("a").unwrap().1, "https://r/a"); // a is now most recent
    cache.insert("c", key.clone(), "https://r/c");
    assert_eq!(cache.len(), 2);
    assert!(
        cache.get("b").is_none(),
        "least recently used entry evicted"
    );
    assert!(cache.get("a").is_some());
    assert!(cache.get("c").is_some());
    // Replacing an existing key does not evict anything.
    cache.insert("c", key.clone(), "https://r/c2");
    assert_eq!(cache.len(), 2);
    assert_eq!(cache.get("c").unwrap().1, "https://r/c2");
    assert!(Arc::ptr_eq(&cache.remove("a").unwrap().0, &key));
    assert!(cache.get("a").is_none());
    assert_eq!(cache.len(), 1);

    let big = PublicKeyCache::new(100);
    for i in 0..1000 {
        big.insert(format!("k{i}"), key.clone(), "o");
    }
    assert_eq!(big.len(), 100);
    assert_eq!(big.capacity(), 100);
    assert!(big.get("k899").is_none());
    assert!((900..1000).all(|i| big.get(&format!("k{i}")).is_some()));

    let parsed = big.insert_pem("pem", &pems().1, "owner").unwrap();
    assert!(parsed.public_eq(&*key));
    assert!(big.insert_pem("bad", "junk", "owner").is_err());
}

#[test]
fn private_key_cache_is_bounded_and_tracks_pem() {
    let (pem_a, _) = pems();
    let (pem_b, _) = generate_rsa_keypair().unwrap();
    let cache = PrivateKeyCache::new(2);
    let k1 = cache.get_or_parse(1, pem_a).unwrap();
    assert!(
        Arc::ptr_eq(&k1, &cache.get_or_parse(1, pem_a).unwrap()),
        "second call is a cache hit"
    );
    cache.get_or_parse(2, pem_a).unwrap();
    cache.get_or_parse(3, &pem_b).unwrap();
    assert_eq!(cache.len(), 2);
    let k1_again = cache.get_or_parse(1, pem_a).unwrap();
    assert!(
        !Arc::ptr_eq(&k1, &k1_again),
        "actor 1 was evicted and re-parsed"
    );
    // Key rotation: a new PEM for the same actor is not served from the cache.
    let rotated = cache.get_or_parse(1, &pem_b).unwrap();
    assert!(!rotated.public_eq(&*k1_again));
    assert!(cache.get_or_parse(4, "junk").is_err());
    assert!(cache.remove(1).is_some());
    assert!(cache.remove(1).is_none());
}
