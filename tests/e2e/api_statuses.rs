//! Statuses, media, polls, bookmarks and favourites through the Mastodon API, on one node and
//! across two: uploads resized with a preview and blurhash, alt text, polls and votes (local and
//! remote), threads, content warnings and visibility, idempotent posting, delete-and-redraft,
//! edits with history federated as Update, interactions and their paged lists.
use crate::api_client::{ApiClient, follow_across};
use crate::harness::{TestNode, eventually};
use crate::images::noise_png;
use halqa::db::{self};
use serde_json::{Value, json};

/// A node whose media go to a fresh temporary directory.
async fn media_node() -> (TestNode, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "halqa-media-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    let d = dir.clone();
    let node = TestNode::spawn_with(move |c| c.media.dir = d.display().to_string()).await;
    (node, dir)
}

/// The fields every status must carry (research note §2.5).
fn assert_status(s: &Value) {
    for field in [
        "id",
        "uri",
        "created_at",
        "account",
        "content",
        "visibility",
        "sensitive",
        "spoiler_text",
        "media_attachments",
        "mentions",
        "tags",
        "emojis",
        "reblogs_count",
        "favourites_count",
        "replies_count",
        "edited_at",
        "in_reply_to_id",
        "reblog",
        "poll",
        "card",
        "language",
        "text",
    ] {
        assert!(s.get(field).is_some(), "status lacks {field}: {s}");
    }
    assert!(s["id"].as_str().unwrap().parse::<i64>().is_ok());
    assert!(s["spoiler_text"].is_string());
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn uploads_are_resized_served_and_attached_with_alt_text() {
    let (node, dir) = media_node().await;
    let alice = ApiClient::new(&node, "alice").await;
    let bob = ApiClient::new(&node, "bob").await;

    let big = noise_png(2400, 1600);
    assert!(
        big.len() > 4 * 1024 * 1024,
        "larger than axum's default body limit"
    );
    let (status, media) = alice
        .upload(
            "/api/v2/media",
            "photo.bin",
            &big,
            &[
                ("description", "Une carte du Maroc"),
                ("focus", "0.5,-0.25"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{media}");
    assert_eq!(media["type"], "image");
    assert_eq!(media["description"], "Une carte du Maroc");
    assert!(media["blurhash"].as_str().is_some_and(|b| b.len() >= 6));
    assert_eq!(media["meta"]["original"]["width"], 1920);
    assert_eq!(media["meta"]["original"]["height"], 1280);
    assert_eq!(media["meta"]["small"]["width"], 400);
    assert_eq!(media["meta"]["focus"]["x"], 0.5);
    assert!(media["remote_url"].is_null());
    let media_id = id(&media);

    // The files: right type, right size, long-cached.
    let original = reqwest::get(media["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(original.status(), 200);
    assert_eq!(original.headers()["content-type"], "image/jpeg");
    assert!(
        original.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let bytes = original.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1920, 1280));
    let preview = reqwest::get(media["preview_url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let small = image::load_from_memory(&preview).unwrap();
    assert_eq!(small.width(), 400);
    assert!(preview.len() < bytes.len());

    // No way out of the media directory.
    for path in [
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/.hidden.jpg",
        "/media/nothing.jpg",
    ] {
        let response = reqwest::get(format!("{}{path}", node.base)).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }

    // Own uploads only; alt text and focus can change before posting.
    assert_eq!(bob.get(&format!("/api/v1/media/{media_id}")).await.0, 404);
    let (status, shown) = alice.get(&format!("/api/v1/media/{media_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(shown["url"], media["url"]);
    let (status, updated) = alice
        .put(
            &format!("/api/v1/media/{media_id}"),
            json!({"description": "Carte du Maroc, régions", "focus": "0,0"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["description"], "Carte du Maroc, régions");

    // Other types are refused whatever the client claims.
    let (status, error) = alice
        .upload(
            "/api/v1/media",
            "photo.bin",
            b"#!/bin/sh\necho not an image\n",
            &[],
        )
        .await;
    assert_eq!(status, 422);
    assert!(error["error"].is_string());

    // A status with only media (no text), urlencoded with brackets.
    let (status, posted) = alice
        .form(
            reqwest::Method::POST,
            "/api/v1/statuses",
            &format!("status=&media_ids[]={media_id}&sensitive=0"),
        )
        .await;
    assert_eq!(status, 200, "{posted}");
    assert_status(&posted);
    assert_eq!(posted["media_attachments"][0]["id"], media_id.as_str());
    assert_eq!(
        posted["media_attachments"][0]["description"],
        "Carte du Maroc, régions"
    );
    // Attached media cannot be deleted or attached again, nor by anyone else.
    assert_eq!(
        alice.delete(&format!("/api/v1/media/{media_id}")).await.0,
        422
    );
    let (status, _) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "encore", "media_ids": [media_id]}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = alice
        .post("/api/v1/statuses", json!({"status": "", "media_ids": []}))
        .await;
    assert_eq!(status, 422, "blank status without media");

    // An unattached upload can be deleted, with its files.
    let (_, spare) = alice
        .upload("/api/v1/media", "photo.bin", &noise_png(64, 48), &[])
        .await;
    assert_eq!(spare["meta"]["original"]["width"], 64);
    let spare_url = spare["url"].as_str().unwrap().to_string();
    assert_eq!(
        alice
            .delete(&format!("/api/v1/media/{}", id(&spare)))
            .await
            .0,
        200
    );
    assert_eq!(reqwest::get(&spare_url).await.unwrap().status(), 404);
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn polls_take_votes_by_the_rules() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let bob = ApiClient::new(&node, "bob").await;
    let carol = ApiClient::new(&node, "carol").await;

    let (status, posted) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Quel format pour la formation ?", "poll": {"options": ["Atelier", "Cours", "Visio"], "expires_in": 3600, "multiple": true}}),
        )
        .await;
    assert_eq!(status, 200, "{posted}");
    let poll = &posted["poll"];
    assert_eq!(poll["multiple"], true);
    assert_eq!(poll["options"].as_array().unwrap().len(), 3);
    assert_eq!(poll["expired"], false);
    let poll_id = id(poll);

    let votes = format!("/api/v1/polls/{poll_id}/votes");
    let (status, voted) = bob.post(&votes, json!({"choices": [0, 2]})).await;
    assert_eq!(status, 200, "{voted}");
    assert_eq!(voted["voted"], true);
    assert_eq!(voted["own_votes"], json!([0, 2]));
    assert_eq!(voted["votes_count"], 2);
    assert_eq!(voted["voters_count"], 1);
    assert_eq!(voted["options"][2]["votes_count"], 1);
    // Once only; not on one's own poll; only real options.
    assert_eq!(bob.post(&votes, json!({"choices": [1]})).await.0, 422);
    assert_eq!(alice.post(&votes, json!({"choices": [1]})).await.0, 422);
    assert_eq!(carol.post(&votes, json!({"choices": [7]})).await.0, 422);
    let (status, voted) = carol
        .form(reqwest::Method::POST, &votes, "choices[]=1")
        .await;
    assert_eq!(status, 200, "{voted}");
    assert_eq!(voted["voters_count"], 2);
    let (_, shown) = alice.get(&format!("/api/v1/polls/{poll_id}")).await;
    assert_eq!(shown["votes_count"], 3);

    // Single choice means one option.
    let (_, single) = alice
        .form(
            reqwest::Method::POST,
            "/api/v1/statuses",
            "status=Oui+ou+non&poll[options][]=Oui&poll[options][]=Non&poll[expires_in]=300",
        )
        .await;
    let single_votes = format!("/api/v1/polls/{}/votes", id(&single["poll"]));
    assert_eq!(
        bob.post(&single_votes, json!({"choices": [0, 1]})).await.0,
        422
    );
    assert_eq!(
        bob.post(&single_votes, json!({"choices": ["1"]})).await.0,
        200
    );

    // Limits: 2–4 options, 5 minutes to 30 days.
    for poll in [
        json!({"options": ["seul"], "expires_in": 600}),
        json!({"options": ["a", "b", "c", "d", "e"], "expires_in": 600}),
        json!({"options": ["a", "b"], "expires_in": 60}),
        json!({"options": ["a", "b"], "expires_in": 40 * 86400}),
    ] {
        let (status, _) = alice
            .post("/api/v1/statuses", json!({"status": "x", "poll": poll}))
            .await;
        assert_eq!(status, 422, "{poll}");
    }

    // No votes after the end.
    use sea_orm::{ActiveModelTrait, Set};
    let data = node.data();
    let row = db::polls::get(&data.db.read, poll_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut row: db::entity::poll::ActiveModel = row.into();
    row.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    row.update(&data.db.write).await.unwrap();
    let dave = ApiClient::new(&node, "dave").await;
    assert_eq!(dave.post(&votes, json!({"choices": [0]})).await.0, 422);
    let (_, shown) = dave.get(&format!("/api/v1/polls/{poll_id}")).await;
    assert_eq!(shown["expired"], true);
}

#[tokio::test]
async fn threads_warnings_visibility_and_language() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let bob = ApiClient::new(&node, "bob").await;
    let carol = ApiClient::new(&node, "carol").await;

    let (_, root) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Sujet : l'évaluation", "language": "fr"}),
        )
        .await;
    assert_eq!(root["language"], "fr");
    let (_, r1) = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "Réponse 1", "in_reply_to_id": id(&root)}),
        )
        .await;
    assert_eq!(r1["in_reply_to_id"], root["id"]);
    assert_eq!(r1["in_reply_to_account_id"], root["account"]["id"]);
    let (_, r3) = carol
        .post(
            "/api/v1/statuses",
            json!({"status": "Réponse 3", "in_reply_to_id": id(&root)}),
        )
        .await;
    let (_, r2) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Réponse 2", "in_reply_to_id": id(&r1)}),
        )
        .await;
    let (_, hidden) = carol
        .post(
            "/api/v1/statuses",
            json!({"status": "Pour mes abonnés", "in_reply_to_id": id(&root), "visibility": "private", "spoiler_text": "Avis", "sensitive": "1"}),
        )
        .await;
    assert_eq!(hidden["visibility"], "private");
    assert_eq!(hidden["spoiler_text"], "Avis");
    assert_eq!(hidden["sensitive"], true);

    let (status, context) = carol
        .get(&format!("/api/v1/statuses/{}/context", id(&root)))
        .await;
    assert_eq!(status, 200);
    let ids = |list: &Value| -> Vec<String> { list.as_array().unwrap().iter().map(id).collect() };
    assert_eq!(
        ids(&context["descendants"]),
        vec![id(&r1), id(&r2), id(&r3), id(&hidden)]
    );
    assert!(context["ancestors"].as_array().unwrap().is_empty());
    // Others don't see carol's followers-only reply.
    let (_, context) = bob
        .get(&format!("/api/v1/statuses/{}/context", id(&root)))
        .await;
    assert_eq!(
        ids(&context["descendants"]),
        vec![id(&r1), id(&r2), id(&r3)]
    );
    let (_, context) = bob
        .get(&format!("/api/v1/statuses/{}/context", id(&r2)))
        .await;
    assert_eq!(ids(&context["ancestors"]), vec![id(&root), id(&r1)]);
    assert_eq!(
        bob.get(&format!("/api/v1/statuses/{}", id(&hidden)))
            .await
            .0,
        404
    );
    let anonymous = reqwest::get(format!("{}/api/v1/statuses/{}", node.base, id(&hidden)))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 404);
    let anonymous: Value = reqwest::get(format!("{}/api/v1/statuses/{}", node.base, id(&root)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_status(&anonymous);

    // Several at once, in the order asked, invisible ones left out.
    let (status, many) = bob
        .get(&format!(
            "/api/v1/statuses?id[]={}&id[]={}&id[]={}",
            id(&r3),
            id(&hidden),
            id(&root)
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&many), vec![id(&r3), id(&root)]);

    // P2 stubs answer JSON with the right status.
    let (status, body) = bob
        .post(
            &format!("/api/v1/statuses/{}/translate", id(&root)),
            json!({}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"].is_string());
    assert_eq!(
        bob.get(&format!("/api/v1/statuses/{}/card", id(&root)))
            .await
            .0,
        404
    );
    let (status, pinned) = alice
        .post(&format!("/api/v1/statuses/{}/pin", id(&root)), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_status(&pinned);
    // Scheduling answers a ScheduledStatus (tests/e2e/api_status_features.rs goes further).
    let (status, scheduled) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "plus tard", "scheduled_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(status, 200, "{scheduled}");
    assert_eq!(scheduled["scheduled_at"], "2099-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn idempotency_and_delete_and_redraft() {
    let (node, dir) = media_node().await;
    let alice = ApiClient::new(&node, "alice").await;
    let post_with_key = |key: &'static str| {
        alice
            .http
            .post(alice.url("/api/v1/statuses"))
            .header("Idempotency-Key", key)
            .json(&json!({"status": "Une seule fois"}))
    };
    let first = alice.send(post_with_key("k-1")).await.body;
    let again = alice.send(post_with_key("k-1")).await.body;
    let other = alice.send(post_with_key("k-2")).await.body;
    assert_eq!(first["id"], again["id"]);
    assert_ne!(first["id"], other["id"]);

    let (_, media) = alice
        .upload("/api/v2/media", "photo.bin", &noise_png(80, 60), &[])
        .await;
    let (_, posted) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "À refaire #brouillon", "media_ids": [id(&media)], "spoiler_text": "cw"}),
        )
        .await;
    let (status, deleted) = alice
        .delete(&format!("/api/v1/statuses/{}", id(&posted)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(deleted["text"], "À refaire #brouillon");
    assert_eq!(deleted["spoiler_text"], "cw");
    assert_eq!(deleted["media_attachments"][0]["id"], media["id"]);
    assert_eq!(
        alice
            .get(&format!("/api/v1/statuses/{}", id(&posted)))
            .await
            .0,
        404
    );
    // Redraft: the media can be attached again.
    let (status, redraft) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Refait", "media_ids": [id(&media)]}),
        )
        .await;
    assert_eq!(status, 200, "{redraft}");
    assert_eq!(redraft["media_attachments"][0]["id"], media["id"]);
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}

/// Waits until `node` has the post `ap_id` and `check` holds for its status as `client` sees it.
async fn wait_for_status(
    node: &TestNode,
    client: &ApiClient,
    ap_id: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let data = node.data();
    let found = std::sync::Mutex::new(Value::Null);
    let (found_ref, check) = (&found, &check);
    eventually(what, || {
        let data = data.clone();
        let ap_id = ap_id.to_string();
        async move {
            let Some(post) = db::posts::find_by_ap_id(&data.db.read, &ap_id)
                .await
                .unwrap()
            else {
                return false;
            };
            let (status, body) = client.get(&format!("/api/v1/statuses/{}", post.id)).await;
            let done = status == 200 && check(&body);
            if done {
                *found_ref.lock().unwrap() = body;
            }
            done
        }
    })
    .await;
    found.into_inner().unwrap()
}

#[tokio::test]
async fn edits_keep_history_and_federate_as_update() {
    let a = TestNode::spawn().await;
    let b = TestNode::spawn().await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob_client = ApiClient::new(&b, "bob").await;

    let bob = bob_client.actor().clone();
    follow_across(&b, &bob, &a, "alice").await;

    let (_, posted) = alice
        .post("/api/v1/statuses", json!({"status": "Première version"}))
        .await;
    let status_id = id(&posted);
    let ap_id = posted["uri"].as_str().unwrap().to_string();
    wait_for_status(&b, &bob_client, &ap_id, "the post on B", |s| {
        s["content"].as_str().unwrap().contains("Première")
    })
    .await;

    let (status, edited) = alice
        .put(
            &format!("/api/v1/statuses/{status_id}"),
            json!({"status": "Deuxième version", "spoiler_text": "modifié"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert!(edited["edited_at"].is_string());
    assert!(edited["content"].as_str().unwrap().contains("Deuxième"));

    let (_, history) = alice
        .get(&format!("/api/v1/statuses/{status_id}/history"))
        .await;
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0]["content"].as_str().unwrap().contains("Première"));
    assert!(history[1]["content"].as_str().unwrap().contains("Deuxième"));
    assert_eq!(history[1]["spoiler_text"], "modifié");
    assert!(history[0]["account"]["id"].is_string());
    let (_, source) = alice
        .get(&format!("/api/v1/statuses/{status_id}/source"))
        .await;
    assert_eq!(
        source,
        json!({"id": status_id, "text": "Deuxième version", "spoiler_text": "modifié"})
    );

    let remote = wait_for_status(&b, &bob_client, &ap_id, "the edit on B", |s| {
        s["content"].as_str().unwrap().contains("Deuxième")
    })
    .await;
    assert!(remote["edited_at"].is_string());
    assert_eq!(remote["spoiler_text"], "modifié");
    let (_, remote_history) = bob_client
        .get(&format!("/api/v1/statuses/{}/history", id(&remote)))
        .await;
    assert_eq!(remote_history.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn favourites_boosts_bookmarks_and_their_lists() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let bob = ApiClient::new(&node, "bob").await;
    let (_, first) = alice
        .post("/api/v1/statuses", json!({"status": "Un"}))
        .await;
    let (_, second) = alice
        .post("/api/v1/statuses", json!({"status": "Deux"}))
        .await;

    let (status, faved) = bob
        .post(
            &format!("/api/v1/statuses/{}/favourite", id(&first)),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(faved["favourited"], true);
    assert_eq!(faved["favourites_count"], 1);
    let (_, boost) = bob
        .post(
            &format!("/api/v1/statuses/{}/reblog", id(&first)),
            json!({}),
        )
        .await;
    assert_ne!(boost["id"], first["id"], "a boost has its own id");
    assert_eq!(boost["reblog"]["id"], first["id"]);
    assert_eq!(boost["reblog"]["reblogged"], true);
    assert_eq!(boost["reblog"]["reblogs_count"], 1);
    assert_eq!(boost["account"]["username"], "bob");
    // Favouriting through the boost's id favourites the original.
    bob.post(
        &format!("/api/v1/statuses/{}/favourite", id(&second)),
        json!({}),
    )
    .await;
    for s in [&first, &second] {
        let (_, marked) = bob
            .post(&format!("/api/v1/statuses/{}/bookmark", id(s)), json!({}))
            .await;
        assert_eq!(marked["bookmarked"], true);
    }

    let (_, by) = alice
        .get(&format!("/api/v1/statuses/{}/favourited_by", id(&first)))
        .await;
    assert_eq!(by[0]["username"], "bob");
    let (_, by) = alice
        .get(&format!("/api/v1/statuses/{}/reblogged_by", id(&first)))
        .await;
    assert_eq!(by[0]["username"], "bob");

    // Lists page over their own row ids, following the Link header.
    for list in ["/api/v1/bookmarks", "/api/v1/favourites"] {
        let reply = bob.get_reply(&format!("{list}?limit=1")).await;
        assert_eq!(reply.status, 200);
        let page = reply.body.as_array().unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0]["id"], second["id"], "{list}: newest first");
        let next = reply.link("next").unwrap();
        assert!(next.contains("limit=1"));
        let (_, page) = bob.get(&next).await;
        assert_eq!(page.as_array().unwrap().len(), 1);
        assert_eq!(page[0]["id"], first["id"], "{list}: second page");
    }

    // Undo everything.
    let (_, undone) = bob
        .post(
            &format!("/api/v1/statuses/{}/unfavourite", id(&first)),
            json!({}),
        )
        .await;
    assert_eq!(undone["favourited"], false);
    assert_eq!(undone["favourites_count"], 0);
    let (_, undone) = bob
        .post(
            &format!("/api/v1/statuses/{}/unreblog", id(&first)),
            json!({}),
        )
        .await;
    assert_eq!(undone["reblogged"], false);
    assert_eq!(undone["reblogs_count"], 0);
    let (_, undone) = bob
        .post(
            &format!("/api/v1/statuses/{}/unbookmark", id(&first)),
            json!({}),
        )
        .await;
    assert_eq!(undone["bookmarked"], false);
    let (_, list) = bob.get("/api/v1/bookmarks").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn remote_votes_are_counted_and_attachments_federate() {
    let (a, dir) = media_node().await;
    let b = TestNode::spawn().await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob_client = ApiClient::new(&b, "bob").await;

    let bob = bob_client.actor().clone();
    follow_across(&b, &bob, &a, "alice").await;

    // Attachments: the Note carries Documents with alt text, blurhash, size and focus.
    let (_, media) = alice
        .upload(
            "/api/v2/media",
            "photo.bin",
            &noise_png(640, 480),
            &[
                ("description", "Schéma de la cellule"),
                ("focus", "-0.5,0.5"),
            ],
        )
        .await;
    let (_, with_media) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Cours de SVT", "media_ids": [id(&media)]}),
        )
        .await;
    let remote = wait_for_status(
        &b,
        &bob_client,
        with_media["uri"].as_str().unwrap(),
        "the post with media on B",
        |s| !s["media_attachments"].as_array().unwrap().is_empty(),
    )
    .await;
    let attachment = &remote["media_attachments"][0];
    assert_eq!(attachment["type"], "image");
    assert_eq!(attachment["remote_url"], media["url"]);
    // `url` is A's file until B's media sweep caches a copy, then B's own.
    let url = attachment["url"].as_str().unwrap();
    assert!(
        url == media["url"] || url.starts_with(&b.base),
        "{attachment}"
    );
    assert_eq!(attachment["description"], "Schéma de la cellule");
    assert_eq!(attachment["blurhash"], media["blurhash"]);
    assert_eq!(attachment["meta"]["original"]["width"], 640);
    assert_eq!(attachment["meta"]["focus"]["x"], -0.5);

    // A poll: B gets a Question; bob's vote goes back to A and is counted there, not stored
    // as a reply; A's new counts come back to B.
    let (_, poll_post) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Quelle séance ?", "poll": {"options": ["Lundi", "Mardi"], "expires_in": 3600}}),
        )
        .await;
    let remote = wait_for_status(
        &b,
        &bob_client,
        poll_post["uri"].as_str().unwrap(),
        "the poll on B",
        |s| s["poll"].is_object(),
    )
    .await;
    assert_eq!(remote["poll"]["options"][1]["title"], "Mardi");
    let (status, voted) = bob_client
        .post(
            &format!("/api/v1/polls/{}/votes", id(&remote["poll"])),
            json!({"choices": [1]}),
        )
        .await;
    assert_eq!(status, 200, "{voted}");
    assert_eq!(voted["own_votes"], json!([1]));

    let local_poll = format!("/api/v1/polls/{}", id(&poll_post["poll"]));
    eventually("bob's vote to be counted on A", || async {
        let (_, poll) = alice.get(&local_poll).await;
        poll["options"][1]["votes_count"] == 1 && poll["voters_count"] == 1
    })
    .await;
    let (_, context) = alice
        .get(&format!("/api/v1/statuses/{}/context", id(&poll_post)))
        .await;
    assert!(
        context["descendants"].as_array().unwrap().is_empty(),
        "a vote is not a reply"
    );
    let (_, on_a) = alice
        .get(&format!("/api/v1/statuses/{}", id(&poll_post)))
        .await;
    assert_eq!(on_a["replies_count"], 0);

    // A second node-local voter on A: B learns the new totals through Update(Question).
    let carol = ApiClient::new(&a, "carol").await;
    carol
        .post(&format!("{local_poll}/votes"), json!({"choices": [0]}))
        .await;
    wait_for_status(
        &b,
        &bob_client,
        poll_post["uri"].as_str().unwrap(),
        "the new counts on B",
        |s| s["poll"]["votes_count"] == 2 && s["poll"]["options"][0]["votes_count"] == 1,
    )
    .await;
    drop(a);
    let _ = std::fs::remove_dir_all(dir);
}
