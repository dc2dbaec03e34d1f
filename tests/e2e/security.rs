//! Hostile input at the inbox: unsigned, badly signed, tampered, stale, oversized, deeply nested,
//! malformed and spoofed requests get a clear 4xx and change nothing; duplicates are ignored.
use crate::api_client::post_signed_with;
use crate::harness::{TestNode, cluster};
use chrono::{Duration, Utc};
use halqa::{
    db::{
        self,
        entity::{actor, outgoing_activity, received_activity},
    },
    federation::signatures,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// A Follow from `from` to `to`, with a fresh id on `from`'s domain.
fn follow_activity(from: &actor::Model, to: &str, n: u32) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/{n}", from.ap_id),
        "type": "Follow",
        "actor": from.ap_id,
        "object": to,
    })
}

async fn follower_count(node: &TestNode, actor: &actor::Model) -> u64 {
    db::follows::count_accepted(&node.data().db.read, actor.id, true)
        .await
        .expect("count")
}

fn error_of(body: &Value) -> String {
    body.get("error")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_forged_tampered_and_stale_requests_are_refused() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    let inbox = format!("{}/users/bob/inbox", b.base);
    let body = serde_json::to_vec(&follow_activity(&alice, &bob.ap_id, 1)).unwrap();

    // Unsigned.
    let response = reqwest::Client::new()
        .post(&inbox)
        .header("content-type", "application/activity+json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let reason: Value = response.json().await.unwrap();
    assert!(error_of(&reason).contains("not signed"), "{reason}");

    // Signed with a key that is not Alice's.
    let (forged_pem, _) = signatures::generate_rsa_keypair().unwrap();
    let (status, reason) =
        post_signed_with(&inbox, &alice, Some(&forged_pem), body.clone(), Utc::now()).await;
    assert_eq!(status, 401, "{reason}");
    assert!(error_of(&reason).contains("signature"), "{reason}");

    // Too old.
    let (status, reason) = post_signed_with(
        &inbox,
        &alice,
        None,
        body.clone(),
        Utc::now() - Duration::hours(13),
    )
    .await;
    assert_eq!(status, 401, "{reason}");

    // Body changed after signing: the digest no longer matches.
    let key = signatures::parse_private_key_pem(alice.private_key_pem.as_deref().unwrap()).unwrap();
    let url = url::Url::parse(&inbox).unwrap();
    let signed = signatures::sign_request(
        &key,
        &alice.public_key_id,
        &http::Method::POST,
        &url,
        Some(&body),
        Some("application/activity+json"),
        Utc::now(),
    )
    .unwrap();
    let tampered = serde_json::to_vec(&follow_activity(&alice, &bob.ap_id, 2)).unwrap();
    let response = reqwest::Client::new()
        .post(&inbox)
        .header("content-type", "application/activity+json")
        .header("date", signed.date)
        .header("digest", signed.digest.unwrap())
        .header("signature", signed.signature)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let reason: Value = response.json().await.unwrap();
    assert!(error_of(&reason).contains("Digest"), "{reason}");

    // Nothing changed on Bob's node.
    assert_eq!(follower_count(&b, &bob).await, 0);
    assert_eq!(
        received_activity::Entity::find()
            .count(&b.data().db.read)
            .await
            .unwrap(),
        0
    );

    // The same Follow, properly signed, works.
    let (status, reason) = post_signed_with(&inbox, &alice, None, body, Utc::now()).await;
    assert_eq!(status, 202, "{reason}");
    assert_eq!(follower_count(&b, &bob).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_activities_are_processed_once() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    let body = serde_json::to_vec(&follow_activity(&alice, &bob.ap_id, 7)).unwrap();
    for _ in 0..3 {
        let (status, reason) = post_signed_with(
            &format!("{}/inbox", b.base),
            &alice,
            None,
            body.clone(),
            Utc::now(),
        )
        .await;
        assert_eq!(status, 202, "{reason}");
    }
    // One follow, and one Accept sent back — not three.
    assert_eq!(follower_count(&b, &bob).await, 1);
    let accepts = outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Kind.eq("Accept"))
        .count(&b.data().db.read)
        .await
        .unwrap();
    assert_eq!(accepts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_oversized_nested_and_spoofed_bodies_get_clear_errors() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    let inbox = format!("{}/inbox", b.base);

    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"{not json".to_vec(), 400, "not valid JSON"),
        (format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(), 400, "nested too deeply"),
        (br#"{"type":"Follow","id":"http://x.example/1"}"#.to_vec(), 400, "no actor"),
        (vec![b' '; 2 * 1024 * 1024], 413, "too large"),
        // The id is on another domain than the actor.
        (
            serde_json::to_vec(&json!({"id": "http://evil.example/a/1", "type": "Follow", "actor": alice.ap_id, "object": bob.ap_id})).unwrap(),
            400,
            "different domains",
        ),
        // Claims to be one of Bob's own node's accounts.
        (
            serde_json::to_vec(&json!({"id": format!("{}#x", bob.ap_id), "type": "Follow", "actor": bob.ap_id, "object": bob.ap_id})).unwrap(),
            400,
            "this server",
        ),
        // An id that is not an absolute URL (FEP-1b12 example "example.org/a/5").
        (
            serde_json::to_vec(&json!({"id": "example.org/a/5", "type": "Follow", "actor": alice.ap_id, "object": bob.ap_id})).unwrap(),
            400,
            "absolute URL",
        ),
    ];
    for (body, status, needle) in cases {
        let (got, reason) = post_signed_with(&inbox, &alice, None, body, Utc::now()).await;
        assert_eq!(got, status, "{needle}: {reason}");
        if status != 413 {
            assert!(
                error_of(&reason).contains(needle),
                "expected {needle:?} in {reason}"
            );
        }
    }
    assert_eq!(follower_count(&b, &bob).await, 0);
    assert_eq!(
        received_activity::Entity::find()
            .count(&b.data().db.read)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_domains_and_non_debug_loopback_peers_are_refused() {
    let a = TestNode::spawn().await;
    let alice = a.create_user("alice").await;
    let body =
        serde_json::to_vec(&follow_activity(&alice, "http://x.example/users/bob", 1)).unwrap();

    // A node that blocks "localhost" refuses everything from it with 403.
    let blocking =
        TestNode::spawn_with(|c| c.federation.blocked_domains = vec!["localhost".into()]).await;
    blocking.create_user("bob").await;
    let (status, reason) = post_signed_with(
        &format!("{}/inbox", blocking.base),
        &alice,
        None,
        body.clone(),
        Utc::now(),
    )
    .await;
    assert_eq!(status, 403, "{reason}");

    // A production-mode node refuses to fetch actors on loopback / explicit ports.
    let production = TestNode::spawn_with(|c| c.federation.debug = false).await;
    let bob = production.create_user("bob").await;
    let body = serde_json::to_vec(&follow_activity(&alice, &bob.ap_id, 2)).unwrap();
    let (status, reason) = post_signed_with(
        &format!("{}/inbox", production.base),
        &alice,
        None,
        body,
        Utc::now(),
    )
    .await;
    assert_eq!(status, 401, "{reason}");
    assert!(
        error_of(&reason).contains("cannot get the signing actor"),
        "{reason}"
    );
    assert!(
        db::actors::find_by_ap_id(&production.data().db.read, &alice.ap_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorized_fetch_requires_signed_gets_but_serves_actors() {
    let a = TestNode::spawn().await;
    let b = TestNode::spawn_with(|c| c.federation.authorized_fetch = true).await;
    let bob = b.create_user("bob").await;
    let post = halqa::service::posts::create_post(
        &b.data(),
        &bob,
        halqa::service::posts::NewPost {
            text: "Réservé aux serveurs signés".into(),
            visibility: "public".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let get = |url: String| {
        client
            .get(url)
            .header("accept", "application/activity+json")
            .send()
    };

    // Unsigned: the note and collections are refused, the actor (with its key) is served.
    assert_eq!(get(post.ap_id.clone()).await.unwrap().status(), 401);
    assert_eq!(
        get(format!("{}/followers", bob.ap_id))
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(get(bob.ap_id.clone()).await.unwrap().status(), 200);

    // A's node fetches it signed (by its instance actor) and gets it.
    use activitypub_federation::fetch::object_id::ObjectId;
    use halqa::federation::objects::note::DbPost;
    let fetched = ObjectId::<DbPost>::parse(&post.ap_id)
        .unwrap()
        .dereference(&a.data())
        .await
        .unwrap();
    assert!(fetched.model.content.contains("Réservé"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outgoing_fetches_are_signed_by_halqa_as_the_instance_actor() {
    use axum::{Router, extract::OriginalUri, http::HeaderMap, routing::get};
    use std::sync::{Arc, Mutex};
    type Seen = Arc<Mutex<Option<(String, HeaderMap)>>>;
    let a = TestNode::spawn().await;

    // A peer that records the GET it receives (and has nothing to give).
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = Router::new().route(
        "/notes/{id}",
        get(move |uri: OriginalUri, headers: HeaderMap| async move {
            *record.lock().unwrap() = Some((uri.0.to_string(), headers));
            http::StatusCode::NOT_FOUND
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The library fetches through its client, which our middleware signs.
    let url = url::Url::parse(&format!("http://localhost:{port}/notes/1?x=y")).unwrap();
    let _ = activitypub_federation::fetch::fetch_object_http::<_, Value>(&url, &a.data()).await;
    let (path, headers) = seen.lock().unwrap().clone().expect("the peer was fetched");
    let sig = signatures::SignatureHeader::from_headers(&headers).unwrap();
    let instance = &a.data().instance_actor;
    assert_eq!(sig.key_id, instance.public_key_id);
    // Our signer's shape (the library's would say hs2019 and sign other headers).
    assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
    assert_eq!(
        sig.headers,
        ["(request-target)", "host", "date", "accept"].map(String::from)
    );
    let key = signatures::parse_public_key_pem(&instance.public_key_pem).unwrap();
    let request = signatures::RequestVerification {
        method: &http::Method::GET,
        path_and_query: &path,
        headers: &headers,
        body: None,
    };
    signatures::verify_request(&request, &sig, &key, Utc::now()).unwrap();
}
