//! The client API's cross-cutting rules: JSON bodies and content types on unknown routes, wrong
//! methods and bad parameters; trailing slashes; CORS exposing `Link`; bearer-token checks; the
//! default avatar and header images.
use crate::harness::TestNode;
use serde_json::Value;

fn is_json(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_json() {
    let node = TestNode::spawn().await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/api/v1/no_such_thing", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(is_json(&response));
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());

    let response = http
        .delete(format!("{}/.well-known/nodeinfo", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert!(is_json(&response));
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn trailing_slashes_are_ignored() {
    let node = TestNode::spawn().await;
    let response = reqwest::get(format!("{}/nodeinfo/2.0/", node.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["software"]["name"], "halqa");
}

#[tokio::test]
async fn cors_preflight_allows_clients_and_exposes_link() {
    let node = TestNode::spawn().await;
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/timelines/home", node.base),
        )
        .header("Origin", "https://elk.zone")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    let response = reqwest::Client::new()
        .get(format!("{}/nodeinfo/2.0", node.base))
        .header("Origin", "https://elk.zone")
        .send()
        .await
        .unwrap();
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("link"), "{exposed}");
}

#[tokio::test]
async fn default_avatar_and_header_are_images() {
    let node = TestNode::spawn().await;
    for path in [
        "/avatars/original/missing.png",
        "/headers/original/missing.png",
    ] {
        let response = reqwest::get(format!("{}{path}", node.base)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "image/png");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{path}");
    }
}

#[tokio::test]
async fn sign_up_through_the_api_is_refused_while_registrations_are_closed() {
    let node = TestNode::spawn().await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/accounts", node.base))
        .json(&serde_json::json!({
            "username": "newbie",
            "email": "n@example.org",
            "password": "long enough password",
            "agreement": true,
            "locale": "fr",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(is_json(&response));
    let instance: Value = reqwest::get(format!("{}/api/v1/instance", node.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(instance["registrations"], false);
}
