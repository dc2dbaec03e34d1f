//! The remote-media cache across two nodes: an image alice posts on A reaches bob on B, where
//! B downloads, resizes and serves it from its own media URL (the Mastodon entity keeps A's URL
//! as `remote_url`); an image over B's size limit and a URL that serves no image stay remote
//! after the bounded attempts; deleting the post releases B's copy and its files.
use crate::{
    api_client::{ApiClient, follow_across, id_of},
    harness::{TestNode, eventually},
    images::{gradient_png, noise_png},
};
use chrono::Utc;
use halqa::{
    db::{self, entity::media_attachment, remote_media::MAX_ATTEMPTS},
    service::remote_media,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};
use std::path::Path;

/// B's copy of A's status `uri`, as bob's API shows it.
async fn status_on(client: &ApiClient, node: &TestNode, uri: &str) -> Value {
    let post = db::posts::find_by_ap_id(&node.data().db.read, uri)
        .await
        .unwrap()
        .expect("the post reached the node");
    client.ok(&format!("/api/v1/statuses/{}", post.id)).await
}

/// The media rows of B's copy of `uri`.
async fn media_rows(node: &TestNode, uri: &str) -> Vec<media_attachment::Model> {
    let db = &node.data().db.read;
    let post = db::posts::find_by_ap_id(db, uri).await.unwrap().unwrap();
    db::media::of_post(db, post.id).await.unwrap()
}

/// Runs the cacher on `node` until `check` holds for the rows of `uri`.
async fn cache_until(
    node: &TestNode,
    uri: &str,
    what: &str,
    check: impl Fn(&[media_attachment::Model]) -> bool,
) {
    eventually(what, || async {
        remote_media::cache_waiting(&node.data(), Utc::now())
            .await
            .unwrap();
        check(&media_rows(node, uri).await)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_images_are_cached_served_locally_and_released() {
    let a = TestNode::spawn().await;
    // B takes images up to 100 kB: A's JPEG of the gradient fits, that of the noise does not.
    let b = TestNode::spawn_with(|c| c.media.max_image_bytes = 100_000).await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob = ApiClient::new(&b, "bob").await;
    follow_across(&b, bob.actor(), &a, "alice").await;

    let (status, small) = alice
        .upload(
            "/api/v2/media",
            "small.png",
            &gradient_png(1000, 500),
            &[("description", "Un schéma")],
        )
        .await;
    assert_eq!(status, 200, "{small}");
    let (status, big) = alice
        .upload("/api/v2/media", "big.png", &noise_png(600, 600), &[])
        .await;
    assert_eq!(status, 200, "{big}");
    let posted = alice
        .post_status(json!({
            "status": "Deux images pour la leçon",
            "media_ids": [id_of(&small), id_of(&big)],
        }))
        .await;
    let uri = posted["uri"].as_str().unwrap().to_string();
    bob.wait_for(
        "the status on bob's home timeline",
        "/api/v1/timelines/home",
        |home| {
            home.as_array()
                .is_some_and(|list| list.iter().any(|s| s["uri"] == uri.as_str()))
        },
    )
    .await;

    // The small image gets a local copy; the big one stays remote (over B's limit).
    cache_until(&b, &uri, "the small image cached on B", |rows| {
        rows.len() == 2 && rows[0].file_name.is_some()
    })
    .await;
    cache_until(&b, &uri, "the big image given up", |rows| {
        rows[1].cache_attempts >= MAX_ATTEMPTS
    })
    .await;
    let on_b = status_on(&bob, &b, &uri).await;
    let attachments = on_b["media_attachments"].as_array().unwrap();
    let cached = &attachments[0];
    let cached_url = cached["url"].as_str().unwrap();
    assert!(cached_url.starts_with(&b.base), "served by B: {cached}");
    assert!(
        cached["preview_url"].as_str().unwrap().starts_with(&b.base),
        "{cached}"
    );
    assert_eq!(cached["remote_url"], small["url"], "A's URL kept");
    assert_eq!(cached["description"], "Un schéma");
    assert_eq!(cached["meta"]["original"]["width"], 1000);
    assert_eq!(cached["meta"]["small"]["width"], 400);
    let response = reqwest::get(cached_url).await.unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert!(image::load_from_memory(&bytes).is_ok(), "B serves an image");
    let remote = &attachments[1];
    assert_eq!(remote["url"], big["url"], "the big image is hot-linked");
    assert!(media_rows(&b, &uri).await[1].file_name.is_none());

    // A URL that answers something other than an image: tried, then left remote.
    let rows = media_rows(&b, &uri).await;
    let mut garbage = rows[1].clone().into_active_model();
    garbage.remote_url = Set(Some(format!("{}/api/v1/instance", a.base)));
    garbage.cache_attempts = Set(0);
    garbage.update(&b.data().db.write).await.unwrap();
    cache_until(&b, &uri, "the non-image given up", |rows| {
        rows[1].cache_attempts >= MAX_ATTEMPTS
    })
    .await;
    let rows = media_rows(&b, &uri).await;
    assert_eq!(rows[1].cache_attempts, MAX_ATTEMPTS, "attempts are bounded");
    assert!(rows[1].file_name.is_none());

    // The post deleted on A: B releases its copy and removes the files.
    let dir = b.data().config.media.dir.clone();
    let files: Vec<String> = [&rows[0].file_name, &rows[0].preview_file_name]
        .into_iter()
        .map(|f| f.clone().unwrap())
        .collect();
    assert!(files.iter().all(|f| Path::new(&dir).join(f).exists()));
    alice
        .delete_ok(&format!("/api/v1/statuses/{}", id_of(&posted)))
        .await;
    let data = b.data();
    eventually("the deletion on B", || async {
        db::posts::find_by_ap_id(&data.db.read, &uri)
            .await
            .unwrap()
            .is_some_and(|p| p.deleted_at.is_some())
    })
    .await;
    remote_media::release_copies(&data, Utc::now())
        .await
        .unwrap();
    let released = media_attachment::Entity::find()
        .filter(media_attachment::Column::Id.eq(rows[0].id))
        .one(&data.db.read)
        .await
        .unwrap()
        .unwrap();
    assert!(released.file_name.is_none() && released.cached_at.is_none());
    assert!(files.iter().all(|f| !Path::new(&dir).join(f).exists()));
}
