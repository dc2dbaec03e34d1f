//! Throughput of HTTP signatures through `halqa::federation::signatures`: signing, verifying
//! with an already-parsed (cached) public key, and verifying including the PEM parse.
//! Run with `cargo bench --bench signatures`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::Utc;
use halqa::federation::signatures::{
    RequestVerification, SignatureError, SignatureHeader, generate_rsa_keypair,
    parse_private_key_pem, parse_public_key_pem, sign_request, verify_request,
};
use http::{HeaderMap, HeaderValue, Method};
use url::Url;

const RUN_FOR: Duration = Duration::from_secs(2);

/// Runs `f` repeatedly for about `RUN_FOR` (after a short warm-up) and prints the rate.
fn measure(
    name: &str,
    mut f: impl FnMut() -> Result<(), SignatureError>,
) -> Result<(), SignatureError> {
    let warmup = Instant::now();
    while warmup.elapsed() < Duration::from_millis(200) {
        f()?;
    }
    let start = Instant::now();
    let mut ops: u64 = 0;
    while start.elapsed() < RUN_FOR {
        f()?;
        ops += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name:<44} {:>10.0} ops/s {:>10.1} µs/op  ({ops} ops in {secs:.2} s)",
        ops as f64 / secs,
        secs * 1e6 / ops as f64
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_else(|_| "n/a".into());
    println!("nproc: {nproc}");
    println!("load average (/proc/loadavg): {}", loadavg.trim());
    println!("openssl: {}", openssl::version::version());
    println!(
        "single thread, RSA-2048, {} s per measurement",
        RUN_FOR.as_secs()
    );
    println!();

    let (private_pem, public_pem) = generate_rsa_keypair()?;
    let private = parse_private_key_pem(&private_pem)?;
    let public = parse_public_key_pem(&public_pem)?;
    let key_id = "https://halqa.example/users/alice#main-key";
    let url = Url::parse("https://remote.example/users/bob/inbox")?;
    let body = br#"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://halqa.example/activities/1","type":"Create","actor":"https://halqa.example/users/alice","object":{"type":"Note","content":"Hello, fediverse"}}"#;
    let content_type = "application/activity+json";

    measure("sign_request (POST, digest, parsed key)", || {
        let s = sign_request(
            &private,
            key_id,
            &Method::POST,
            &url,
            Some(body),
            Some(content_type),
            Utc::now(),
        )?;
        black_box(s);
        Ok(())
    })?;

    // One signed request, verified over and over, as an inbox would.
    let signed = sign_request(
        &private,
        key_id,
        &Method::POST,
        &url,
        Some(body),
        Some(content_type),
        Utc::now(),
    )?;
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("remote.example"));
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/activity+json"),
    );
    for (name, value) in signed.header_pairs() {
        headers.insert(name, HeaderValue::from_str(&value)?);
    }
    let req = RequestVerification {
        method: &Method::POST,
        path_and_query: "/users/bob/inbox",
        headers: &headers,
        body: Some(body),
    };

    measure("verify_request (header parse + cached key)", || {
        let sig = SignatureHeader::from_headers(black_box(&headers))?;
        verify_request(&req, &sig, &public, Utc::now())
    })?;

    measure("verify_request incl. public key PEM parse", || {
        let sig = SignatureHeader::from_headers(black_box(&headers))?;
        let key = parse_public_key_pem(black_box(&public_pem))?;
        verify_request(&req, &sig, &key, Utc::now())
    })?;

    measure("parse_private_key_pem alone", || {
        black_box(parse_private_key_pem(black_box(&private_pem))?);
        Ok(())
    })?;

    Ok(())
}
