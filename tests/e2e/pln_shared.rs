//! Helpers the PLN end-to-end modules share (resources, collections, circles, part 7): telling
//! a node that a peer runs Halqa, reading ActivityPub documents, URL-encoding a query value,
//! publishing a resource and resolving a circle's account on another node.
#![allow(dead_code)]

use crate::{api_client::ApiClient, harness::TestNode};
use halqa::service::institutions;
use serde_json::{Value, json};

/// Makes `node` read `peer`'s NodeInfo now (it knows it runs Halqa).
pub async fn knows_halqa(node: &TestNode, peer: &TestNode) {
    institutions::refresh_host(&node.data(), &peer.domain)
        .await
        .unwrap();
}

/// GETs `url` as an ActivityPub client (unsigned): status and JSON body.
pub async fn fetch_as2(url: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// GETs an ActivityPub document that must be there.
pub async fn get_as2(url: &str) -> Value {
    let (status, body) = fetch_as2(url).await;
    assert_eq!(status, 200, "GET {url}: {body}");
    body
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Publishes a middle-school mathematics lesson plan in French under CC BY, titled `title`.
pub async fn publish_resource(teacher: &ApiClient, title: &str) -> Value {
    teacher
        .post_ok(
            "/api/v1/pln/resources",
            json!({
                "title": title,
                "description": "Une séance complète.",
                "license": "CC-BY-4.0",
                "resource_type": "lesson_plan",
                "subjects": ["mathematics"],
                "levels": ["middle"],
                "languages": ["fr"],
            }),
        )
        .await
}

/// `node`'s account id of the circle `name` on `home` (resolved through WebFinger when remote).
pub async fn circle_id_on(node: &TestNode, home: &TestNode, name: &str) -> String {
    node.resolve(&home.handle(name)).await.id.to_string()
}
