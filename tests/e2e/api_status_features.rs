//! The status-side features of the client API end to end: private (self-)boosts and their
//! addressing, pins (limit, `pinned`, the profile's pinned list, the `featured` collection),
//! remote accounts' pins (read from `featured`, kept current by Add/Remove), muted conversations, account notes and endorsements, edit history with each revision's own
//! media and poll, poll closing (notifications, one coalesced update, the final update) and
//! scheduled statuses (CRUD, published once by the job, across nodes and restarts).
use crate::api_client::{ApiClient, follow_across};
use crate::harness::{TestNode, eventually};
use crate::images::gradient_png;
use chrono::{Duration, Utc};
use halqa::{
    db::{
        self,
        entity::{outgoing_activity, poll, scheduled_status},
    },
    jobs,
    service::{follows, polls, scheduled},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};

/// Uploads a small PNG with alt text; panics unless it was accepted.
async fn upload_png(client: &ApiClient, description: &str) -> Value {
    let (status, media) = client
        .upload(
            "/api/v2/media",
            "a.png",
            &gradient_png(32, 24),
            &[("description", description)],
        )
        .await;
    assert!(status == 200 || status == 202, "{media}");
    media
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// The activities of `kind` `node` stored to send about `object` (an id in their body).
async fn sent(node: &TestNode, kind: &str, object: &str) -> Vec<Value> {
    outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Kind.eq(kind))
        .all(&node.data().db.read)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.body.contains(object))
        .map(|a| {
            let mut body: Value = serde_json::from_str(&a.body).unwrap();
            body["halqa_public"] = json!(a.public);
            body
        })
        .collect()
}

/// A node whose status jobs sweep once at start and then only when a test asks.
async fn quiet_node() -> TestNode {
    TestNode::spawn_with(|c| {
        c.jobs.status_interval_secs = 3600;
        c.jobs.poll_update_delay_secs = 600;
    })
    .await
}

#[tokio::test]
async fn followers_only_statuses_are_boosted_by_their_author_alone() {
    let a = TestNode::spawn().await;
    let b = TestNode::spawn().await;
    let alice = ApiClient::new(&a, "alice").await;

    let alice_actor = alice.actor().clone();
    let carol = ApiClient::new(&a, "carol").await;

    let carol_actor = carol.actor().clone();
    let bob = ApiClient::new(&b, "bob").await.actor().clone();
    follows::follow(&a.data(), &carol_actor, &alice_actor)
        .await
        .unwrap();
    follow_across(&b, &bob, &a, "alice").await;

    let private = alice
        .post_status(json!({"status": "Pour mes abonnés", "visibility": "private"}))
        .await;
    let direct = alice
        .post_status(json!({"status": "@carol en privé", "visibility": "direct"}))
        .await;

    // Another account (a follower who can see it) may not boost it: 422 with an error.
    let (status, refused) = carol
        .post(
            &format!("/api/v1/statuses/{}/reblog", id(&private)),
            json!({}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"].as_str().unwrap().contains("author"));
    // Direct statuses: not even by their author.
    let (status, refused) = alice
        .post(
            &format!("/api/v1/statuses/{}/reblog", id(&direct)),
            json!({}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"].is_string());

    // The author may, and asking for a public boost still gives a followers-only one.
    let (status, boost) = alice
        .post(
            &format!("/api/v1/statuses/{}/reblog", id(&private)),
            json!({"visibility": "public"}),
        )
        .await;
    assert_eq!(status, 200, "{boost}");
    assert_eq!(boost["visibility"], "private");
    assert_eq!(boost["reblog"]["id"], private["id"]);
    assert_eq!(boost["reblog"]["reblogged"], true);

    // The Announce goes to followers, never to the public, and is not served publicly.
    let announces = sent(&a, "Announce", private["uri"].as_str().unwrap()).await;
    assert_eq!(announces.len(), 1);
    let announce = &announces[0];
    assert_eq!(announce["halqa_public"], false);
    let addressed = format!("{}{}", announce["to"], announce["cc"]);
    assert!(!addressed.contains("#Public"), "{announce}");
    assert!(addressed.contains("/users/alice/followers"), "{announce}");
    let response = reqwest::Client::new()
        .get(announce["id"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);

    // B takes it as a followers-only boost by the author.
    let data = b.data();
    let boost_uri = boost["uri"].as_str().unwrap().to_string();
    eventually("the self-boost on B", || {
        let data = data.clone();
        let boost_uri = boost_uri.clone();
        async move {
            db::posts::find_by_ap_id(&data.db.read, &boost_uri)
                .await
                .unwrap()
                .is_some_and(|p| p.visibility == "private" && p.reblog_of_id.is_some())
        }
    })
    .await;

    // A public status boosted as followers-only by someone else is allowed.
    let public = alice.post_status(json!({"status": "Pour tous"})).await;
    let (status, boost) = carol
        .post(
            &format!("/api/v1/statuses/{}/reblog", id(&public)),
            json!({"visibility": "private"}),
        )
        .await;
    assert_eq!(status, 200, "{boost}");
    assert_eq!(boost["visibility"], "private");
}

#[tokio::test]
async fn pins_are_limited_shown_listed_and_featured() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;

    let alice_actor = alice.actor().clone();
    let bob = ApiClient::new(&node, "bob").await;
    let mut posted = Vec::new();
    for (i, visibility) in [
        "public", "unlisted", "private", "public", "public", "public",
    ]
    .iter()
    .enumerate()
    {
        posted.push(
            alice
                .post_status(json!({"status": format!("Épinglé {i}"), "visibility": visibility}))
                .await,
        );
    }
    let direct = alice
        .post_status(json!({"status": "@bob secret", "visibility": "direct"}))
        .await;
    let bobs = bob.post_status(json!({"status": "Le mien"})).await;

    for p in &posted[..5] {
        let (status, pinned) = alice
            .post(&format!("/api/v1/statuses/{}/pin", id(p)), json!({}))
            .await;
        assert_eq!(status, 200, "{pinned}");
        assert_eq!(pinned["pinned"], true);
    }
    // Pinning again is fine; a sixth is over Mastodon's limit.
    let (status, _) = alice
        .post(
            &format!("/api/v1/statuses/{}/pin", id(&posted[0])),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, over) = alice
        .post(
            &format!("/api/v1/statuses/{}/pin", id(&posted[5])),
            json!({}),
        )
        .await;
    assert_eq!(status, 422, "{over}");
    assert!(over["error"].is_string());
    // Not one's own, or direct: 422.
    let (status, _) = alice
        .post(&format!("/api/v1/statuses/{}/pin", id(&bobs)), json!({}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = alice
        .post(&format!("/api/v1/statuses/{}/pin", id(&direct)), json!({}))
        .await;
    assert_eq!(status, 422);

    // The profile's pinned list, most recently pinned first; followers-only hidden from bob.
    let path = format!("/api/v1/accounts/{}/statuses?pinned=true", alice_actor.id);
    let (_, own) = alice.get(&path).await;
    let own_ids: Vec<String> = own.as_array().unwrap().iter().map(id).collect();
    let expected: Vec<String> = posted[..5].iter().rev().map(id).collect();
    assert_eq!(own_ids, expected);
    assert!(own.as_array().unwrap().iter().all(|s| s["pinned"] == true));
    let (_, seen) = bob.get(&path).await;
    assert_eq!(seen.as_array().unwrap().len(), 4);
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .all(|s| s["pinned"] == false)
    );

    // The actor advertises `featured`; it holds the public and unlisted pins as Notes.
    let http = reqwest::Client::new();
    let person: Value = http
        .get(format!("{}/users/alice", node.base))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let featured_url = person["featured"].as_str().unwrap().to_string();
    assert_eq!(
        featured_url,
        format!("{}/users/alice/collections/featured", node.base)
    );
    assert!(person["@context"].to_string().contains("toot:featured"));
    let featured: Value = http
        .get(&featured_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(featured["type"], "OrderedCollection");
    assert_eq!(featured["totalItems"], 4);
    assert_eq!(featured["orderedItems"][0]["type"], "Note");
    assert_eq!(featured["orderedItems"][0]["id"], posted[4]["uri"]);

    // Unpin: gone from the list, `pinned` false, a Remove sent (an Add was sent for it).
    let (_, unpinned) = alice
        .post(
            &format!("/api/v1/statuses/{}/unpin", id(&posted[4])),
            json!({}),
        )
        .await;
    assert_eq!(unpinned["pinned"], false);
    let (_, own) = alice.get(&path).await;
    assert_eq!(own.as_array().unwrap().len(), 4);
    let uri = posted[4]["uri"].as_str().unwrap();
    assert_eq!(sent(&node, "Add", uri).await.len(), 1);
    let removes = sent(&node, "Remove", uri).await;
    assert_eq!(removes.len(), 1);
    assert_eq!(removes[0]["target"], json!(featured_url));
    let (status, _) = alice
        .post(
            &format!("/api/v1/statuses/{}/pin", id(&posted[5])),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "a slot is free again");
}

/// The `uri`s of the pinned statuses `viewer` sees on account `account_id`, in order.
fn uris(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["uri"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn remote_pins_are_read_from_featured_and_follow_add_and_remove() {
    let [a, b] = crate::harness::cluster::<2>().await;
    let alice = ApiClient::new(&a, "alice").await;
    let carol = ApiClient::new(&a, "carol").await;
    let bob = ApiClient::new(&b, "bob").await;
    let first = alice.post_status(json!({"status": "Ma séquence"})).await;
    let second = alice.post_status(json!({"status": "Mon atelier"})).await;
    let carols = carol.post_status(json!({"status": "La mienne"})).await;
    let (status, _) = alice
        .post(&format!("/api/v1/statuses/{}/pin", id(&first)), json!({}))
        .await;
    assert_eq!(status, 200);

    // B meets alice (a follow): her profile's pins are read from her `featured` collection.
    let alice_on_b = follow_across(&b, bob.actor(), &a, "alice").await;
    let pinned_path = format!("/api/v1/accounts/{}/statuses?pinned=true", alice_on_b.id);
    let uri = |s: &Value| s["uri"].as_str().unwrap().to_string();
    bob.wait_for("alice's pin read on B", &pinned_path, |l| {
        uris(l) == [uri(&first)]
    })
    .await;

    // A new pin arrives as an Add, an unpin as a Remove.
    let (status, _) = alice
        .post(&format!("/api/v1/statuses/{}/pin", id(&second)), json!({}))
        .await;
    assert_eq!(status, 200);
    bob.wait_for("the Add on B", &pinned_path, |l| {
        uris(l) == [uri(&second), uri(&first)]
    })
    .await;
    let (status, _) = alice
        .post(&format!("/api/v1/statuses/{}/unpin", id(&first)), json!({}))
        .await;
    assert_eq!(status, 200);
    bob.wait_for("the Remove on B", &pinned_path, |l| {
        uris(l) == [uri(&second)]
    })
    .await;

    // Forged pins change nothing: carol pinning on alice's collection, alice pinning carol's.
    let featured = format!("{}/collections/featured", alice.actor().ap_id);
    let inbox = format!("{}/inbox", b.base);
    for (signer, object) in [(carol.actor(), uri(&first)), (alice.actor(), uri(&carols))] {
        let (status, body) = crate::api_client::post_signed(
            &inbox,
            signer,
            &json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{}#forged-{}", signer.ap_id, object.len()),
                "type": "Add",
                "actor": signer.ap_id,
                "object": object,
                "target": featured,
            }),
        )
        .await;
        assert!(status == 202 || status == 400, "{status} {body}");
    }
    assert_eq!(uris(&bob.ok(&pinned_path).await), [uri(&second)]);
}

#[tokio::test]
async fn muted_conversations_stop_their_notifications() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let bob = ApiClient::new(&node, "bob").await;
    let carol = ApiClient::new(&node, "carol").await;
    let root = alice.post_status(json!({"status": "Un fil"})).await;
    let reply = bob
        .post_status(json!({"status": "@alice une réponse", "in_reply_to_id": id(&root)}))
        .await;

    // Muting from a reply mutes the whole thread (its root).
    let (status, muted) = alice
        .post(&format!("/api/v1/statuses/{}/mute", id(&reply)), json!({}))
        .await;
    assert_eq!(status, 200, "{muted}");
    assert_eq!(muted["muted"], true);
    let (_, shown) = alice.get(&format!("/api/v1/statuses/{}", id(&root))).await;
    assert_eq!(shown["muted"], true);
    let (_, other) = bob.get(&format!("/api/v1/statuses/{}", id(&root))).await;
    assert_eq!(other["muted"], false, "a mute is the muter's own");

    let ids = |list: Vec<Value>| list.iter().map(id).collect::<Vec<_>>();
    let before = ids(notifications(&alice).await);
    carol
        .post(
            &format!("/api/v1/statuses/{}/favourite", id(&root)),
            json!({}),
        )
        .await;
    carol
        .post_status(json!({"status": "@alice moi aussi", "in_reply_to_id": id(&reply)}))
        .await;
    assert_eq!(
        ids(notifications(&alice).await),
        before,
        "nothing from a muted thread"
    );
    // Elsewhere, notifications still come.
    let elsewhere = alice.post_status(json!({"status": "Autre chose"})).await;
    carol
        .post(
            &format!("/api/v1/statuses/{}/favourite", id(&elsewhere)),
            json!({}),
        )
        .await;
    assert_eq!(notifications(&alice).await.len(), before.len() + 1);

    let (_, unmuted) = alice
        .post(&format!("/api/v1/statuses/{}/unmute", id(&root)), json!({}))
        .await;
    assert_eq!(unmuted["muted"], false);
    bob.post(
        &format!("/api/v1/statuses/{}/favourite", id(&root)),
        json!({}),
    )
    .await;
    let after = notifications(&alice).await;
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(after[0]["type"], "favourite");
    assert_eq!(after[0]["status"]["id"], root["id"]);
}

/// Every notification of the signed-in account, newest first.
async fn notifications(client: &ApiClient) -> Vec<Value> {
    let (status, list) = client.get("/api/v1/notifications").await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().clone()
}

#[tokio::test]
async fn notes_and_endorsements_show_in_relationships() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;

    let alice_actor = alice.actor().clone();
    let bob = ApiClient::new(&node, "bob").await.actor().clone();
    let carol = ApiClient::new(&node, "carol").await.actor().clone();

    let (status, rel) = alice
        .post(
            &format!("/api/v1/accounts/{}/note", bob.id),
            json!({"comment": "Rencontré au CRMEF"}),
        )
        .await;
    assert_eq!(status, 200, "{rel}");
    assert_eq!(rel["note"], "Rencontré au CRMEF");
    let (_, rels) = alice
        .get(&format!("/api/v1/accounts/relationships?id[]={}", bob.id))
        .await;
    assert_eq!(rels[0]["note"], "Rencontré au CRMEF");
    let (status, _) = alice
        .post(
            &format!("/api/v1/accounts/{}/note", bob.id),
            json!({"comment": "x".repeat(2001)}),
        )
        .await;
    assert_eq!(status, 422);

    // Endorsing needs a follow.
    let (status, refused) = alice
        .post(&format!("/api/v1/accounts/{}/pin", bob.id), json!({}))
        .await;
    assert_eq!(status, 422, "{refused}");
    for target in [&bob, &carol] {
        follows::follow(&node.data(), &alice_actor, target)
            .await
            .unwrap();
    }
    let (status, rel) = alice
        .post(&format!("/api/v1/accounts/{}/pin", bob.id), json!({}))
        .await;
    assert_eq!(status, 200, "{rel}");
    assert_eq!(rel["endorsed"], true);
    assert_eq!(rel["note"], "Rencontré au CRMEF");
    let (_, rel) = alice
        .post(&format!("/api/v1/accounts/{}/endorse", carol.id), json!({}))
        .await;
    assert_eq!(rel["endorsed"], true);

    // Paged, newest endorsement first, with a Link to the next page.
    let reply = alice.get_reply("/api/v1/endorsements?limit=1").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body[0]["username"], "carol");
    let next = reply.link("next").unwrap();
    let (_, page) = alice.get(&next).await;
    assert_eq!(page[0]["username"], "bob");

    let (_, rel) = alice
        .post(&format!("/api/v1/accounts/{}/unpin", bob.id), json!({}))
        .await;
    assert_eq!(rel["endorsed"], false);
    let (_, list) = alice.get("/api/v1/endorsements").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, rel) = alice
        .post(
            &format!("/api/v1/accounts/{}/note", bob.id),
            json!({"comment": ""}),
        )
        .await;
    assert_eq!(rel["note"], "");
}

#[tokio::test]
async fn history_shows_each_revisions_own_media_and_poll() {
    let dir = std::env::temp_dir().join(format!(
        "halqa-features-media-{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    ));
    let d = dir.clone();
    let node = TestNode::spawn_with(move |c| c.media.dir = d.display().to_string()).await;
    let alice = ApiClient::new(&node, "alice").await;
    let first = upload_png(&alice, "Première image").await;
    let second = upload_png(&alice, "Seconde image").await;
    let posted = alice
        .post_status(json!({"status": "v1", "media_ids": [id(&first)]}))
        .await;
    let path = format!("/api/v1/statuses/{}", id(&posted));
    let (status, _) = alice
        .put(&path, json!({"status": "v2", "media_ids": [id(&second)]}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = alice
        .put(
            &path,
            json!({"status": "v3", "media_ids": [], "poll": {"options": ["Oui", "Non"], "expires_in": 3600}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, edited) = alice
        .put(
            &path,
            json!({"status": "v4", "poll": {"options": ["Matin", "Soir"], "expires_in": 3600}}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");

    let (_, history) = alice.get(&format!("{path}/history")).await;
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 4);
    let media_of = |i: usize| -> Vec<(String, Value)> {
        history[i]["media_attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (id(m), m["description"].clone()))
            .collect()
    };
    assert_eq!(media_of(0), vec![(id(&first), json!("Première image"))]);
    assert!(history[0]["poll"].is_null());
    assert_eq!(media_of(1), vec![(id(&second), json!("Seconde image"))]);
    assert!(media_of(2).is_empty());
    assert_eq!(history[2]["poll"]["options"][0]["title"], "Oui");
    assert!(media_of(3).is_empty());
    assert_eq!(history[3]["poll"]["options"][1]["title"], "Soir");
    assert!(history[3]["content"].as_str().unwrap().contains("v4"));
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}

/// Moves the end of poll `post_id` on `node` into the past.
async fn end_poll(node: &TestNode, post_id: i64) {
    let data = node.data();
    let row = poll::Entity::find_by_id(post_id)
        .one(&data.db.read)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Some(Utc::now() - Duration::seconds(1)));
    row.update(&data.db.write).await.unwrap();
}

#[tokio::test]
async fn polls_send_one_coalesced_update_and_close_with_notifications() {
    let a = quiet_node().await;
    let b = quiet_node().await;
    let alice = ApiClient::new(&a, "alice").await;
    let carol = ApiClient::new(&a, "carol").await;
    let bob_client = ApiClient::new(&b, "bob").await;

    let bob = bob_client.actor().clone();
    follow_across(&b, &bob, &a, "alice").await;
    let posted = alice
        .post_status(json!({"status": "Quel jour ?", "poll": {"options": ["Lundi", "Mardi"], "expires_in": 3600}}))
        .await;
    let uri = posted["uri"].as_str().unwrap().to_string();
    let poll_id: i64 = id(&posted).parse().unwrap();

    // Bob votes from B; carol votes on A.
    let data_b = b.data();
    let remote = {
        let uri = uri.clone();
        let data_b = data_b.clone();
        let found = std::sync::Mutex::new(None);
        let found_ref = &found;
        eventually("the poll on B", || {
            let (uri, data_b) = (uri.clone(), data_b.clone());
            async move {
                let post = db::posts::find_by_ap_id(&data_b.db.read, &uri)
                    .await
                    .unwrap();
                let has_poll = match &post {
                    Some(p) => db::polls::get(&data_b.db.read, p.id)
                        .await
                        .unwrap()
                        .is_some(),
                    None => false,
                };
                if has_poll {
                    *found_ref.lock().unwrap() = post;
                }
                has_poll
            }
        })
        .await;
        found.into_inner().unwrap().unwrap()
    };
    let remote_id = remote.id;
    let (status, _) = bob_client
        .post(
            &format!("/api/v1/polls/{remote_id}/votes"),
            json!({"choices": [1]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = carol
        .post(
            &format!("/api/v1/polls/{poll_id}/votes"),
            json!({"choices": [0]}),
        )
        .await;
    assert_eq!(status, 200);
    let data_a = a.data();
    eventually("both votes counted on A", || {
        let data_a = data_a.clone();
        async move {
            db::polls::get(&data_a.db.read, poll_id)
                .await
                .unwrap()
                .is_some_and(|p| p.voters_count == 2)
        }
    })
    .await;

    // Two votes, no update yet: one is waiting; when due, exactly one goes, then none.
    let updates = || async { sent(&a, "Update", &uri).await.len() };
    assert_eq!(updates().await, 0, "votes do not send an update each");
    let row = db::polls::get(&data_a.db.read, poll_id)
        .await
        .unwrap()
        .unwrap();
    assert!(row.update_due_at.is_some());
    let later = Utc::now() + Duration::seconds(601);
    assert_eq!(polls::send_due_updates(&data_a, later).await.unwrap(), 1);
    assert_eq!(polls::send_due_updates(&data_a, later).await.unwrap(), 0);
    assert_eq!(updates().await, 1);
    wait_for_counts(&b, remote_id, 2).await;

    // The poll ends: author and local voter are told once, and the final counts go out.
    end_poll(&a, poll_id).await;
    let swept = jobs::statuses::sweep(&data_a, Utc::now()).await;
    assert!(swept.polls_closed <= 1);
    let again = jobs::statuses::sweep(&data_a, Utc::now()).await;
    assert_eq!(again.polls_closed, 0, "a poll closes once");
    assert_eq!(updates().await, 2);
    for client in [&alice, &carol] {
        let list = notifications(client).await;
        let polls: Vec<&Value> = list.iter().filter(|n| n["type"] == "poll").collect();
        assert_eq!(polls.len(), 1, "{list:?}");
        assert_eq!(polls[0]["status"]["id"], posted["id"]);
        assert_eq!(polls[0]["account"]["username"], "alice");
    }
    let (_, closed) = alice.get(&format!("/api/v1/polls/{poll_id}")).await;
    assert_eq!(closed["expired"], true);

    // B learns the end from the final update, and tells its own voter when it closes there.
    let data_b2 = data_b.clone();
    eventually("the poll closed on B", || {
        let data_b = data_b2.clone();
        async move {
            db::polls::get(&data_b.db.read, remote_id)
                .await
                .unwrap()
                .is_some_and(|p| p.expires_at.is_some_and(|e| e <= Utc::now()))
        }
    })
    .await;
    jobs::statuses::sweep(&data_b, Utc::now()).await;
    let list = notifications(&bob_client).await;
    assert_eq!(list.iter().filter(|n| n["type"] == "poll").count(), 1);
    assert!(
        sent(&b, "Update", &uri).await.is_empty(),
        "B never updates A's poll"
    );
}

/// Ballots cast at the same moment are all counted (each takes the poll row's lock; without
/// it, PostgreSQL lost concurrent updates of the counts).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_votes_are_all_counted() {
    let node = quiet_node().await;
    let alice = ApiClient::new(&node, "alice").await;
    let posted = alice
        .post_status(json!({"status": "Quel jour ?", "poll": {"options": ["Lundi", "Mardi"], "expires_in": 3600}}))
        .await;
    let poll_id: i64 = id(&posted).parse().unwrap();
    let mut voters = Vec::new();
    for i in 0..8 {
        voters.push(node.create_user(&format!("voter{i}")).await);
    }
    let data = node.data();
    let ballots = voters.iter().enumerate().map(|(i, voter)| {
        let (data, voter) = (data.clone(), voter.clone());
        tokio::spawn(async move {
            halqa::service::polls::vote(&data, &voter, poll_id, &[(i % 2) as i64]).await
        })
    });
    for ballot in futures_util::future::join_all(ballots).await {
        ballot.unwrap().expect("each ballot is accepted");
    }
    let poll = db::polls::get(&data.db.read, poll_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(poll.voters_count, 8);
    assert_eq!(db::polls::counts(&poll), vec![4, 4]);
}

/// Waits until B's copy of the poll `post_id` shows `votes` votes.
async fn wait_for_counts(node: &TestNode, post_id: i64, votes: i64) {
    let data = node.data();
    eventually("the new counts on B", || {
        let data = data.clone();
        async move {
            db::polls::get(&data.db.read, post_id)
                .await
                .unwrap()
                .is_some_and(|p| db::polls::counts(&p).iter().sum::<i64>() == votes)
        }
    })
    .await;
}

/// Moves scheduled status `id` on `node` into the past (the API refuses that).
async fn make_due(node: &TestNode, id: i64) {
    let data = node.data();
    let row = scheduled_status::Entity::find_by_id(id)
        .one(&data.db.read)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.scheduled_at = Set(Utc::now() - Duration::seconds(1));
    row.update(&data.db.write).await.unwrap();
}

#[tokio::test]
async fn scheduled_statuses_are_kept_moved_and_published_once() {
    let a = TestNode::spawn_with(|c| c.jobs.status_interval_secs = 1).await;
    let b = TestNode::spawn().await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob_client = ApiClient::new(&b, "bob").await;

    let bob = bob_client.actor().clone();
    follow_across(&b, &bob, &a, "alice").await;
    let media = upload_png(&alice, "Affiche").await;

    let at = Utc::now() + Duration::minutes(10);
    let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (status, too_soon) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Trop tôt", "scheduled_at": iso(Utc::now() + Duration::minutes(2))}),
        )
        .await;
    assert_eq!(status, 422, "{too_soon}");
    let (status, junk) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "x", "scheduled_at": "demain"}),
        )
        .await;
    assert_eq!(status, 422, "{junk}");
    let (status, first) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Réunion #pédagogie demain", "media_ids": [id(&media)], "visibility": "unlisted", "scheduled_at": iso(at)}),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["scheduled_at"], iso(at));
    assert_eq!(first["params"]["text"], "Réunion #pédagogie demain");
    assert_eq!(first["params"]["visibility"], "unlisted");
    assert_eq!(first["params"]["media_ids"], json!([id(&media)]));
    assert_eq!(first["media_attachments"][0]["id"], media["id"]);
    assert!(first["params"]["poll"].is_null());
    let second = alice
        .post_status(json!({"status": "Annulé", "scheduled_at": iso(at + Duration::hours(1))}))
        .await;

    // List (newest first), show, move, cancel.
    let (_, list) = alice.get("/api/v1/scheduled_statuses").await;
    let ids: Vec<String> = list.as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, vec![id(&second), id(&first)]);
    let (status, shown) = alice
        .get(&format!("/api/v1/scheduled_statuses/{}", id(&first)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(shown["id"], first["id"]);
    let moved_to = at + Duration::minutes(30);
    let (status, moved) = alice
        .put(
            &format!("/api/v1/scheduled_statuses/{}", id(&first)),
            json!({"scheduled_at": iso(moved_to)}),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["scheduled_at"], iso(moved_to));
    let (status, _) = alice
        .put(
            &format!("/api/v1/scheduled_statuses/{}", id(&first)),
            json!({"scheduled_at": iso(Utc::now())}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, gone) = alice
        .delete(&format!("/api/v1/scheduled_statuses/{}", id(&second)))
        .await;
    assert_eq!((status, gone), (200, json!({})));
    let (status, _) = alice
        .get(&format!("/api/v1/scheduled_statuses/{}", id(&second)))
        .await;
    assert_eq!(status, 404);
    let other = ApiClient::new(&a, "carol").await;
    let (status, _) = other
        .get(&format!("/api/v1/scheduled_statuses/{}", id(&first)))
        .await;
    assert_eq!(status, 404, "someone else's scheduled status is not found");
    // Due: the job publishes it through the normal path (timelines, federation), once.
    let scheduled_id: i64 = id(&first).parse().unwrap();
    make_due(&a, scheduled_id).await;
    let data = a.data();
    eventually("the scheduled status to be published", || {
        let data = data.clone();
        async move {
            db::posts::scheduled::due(&data.db.read, Utc::now(), 10)
                .await
                .unwrap()
                .is_empty()
        }
    })
    .await;
    let (_, home) = alice.get("/api/v1/timelines/home").await;
    let published: Vec<&Value> = home
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["content"].as_str().unwrap().contains("Réunion"))
        .collect();
    assert_eq!(published.len(), 1, "{home}");
    assert_eq!(published[0]["visibility"], "unlisted");
    assert_eq!(published[0]["media_attachments"][0]["id"], media["id"]);
    assert_eq!(published[0]["tags"][0]["name"], "pédagogie");
    assert_eq!(
        scheduled::publish_due(&data, Utc::now()).await.unwrap(),
        0,
        "nothing is published twice"
    );
    let uri = published[0]["uri"].as_str().unwrap().to_string();
    let data_b = b.data();
    eventually("the scheduled status on B", || {
        let data_b = data_b.clone();
        let uri = uri.clone();
        async move {
            db::posts::find_by_ap_id(&data_b.db.read, &uri)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    let (_, list) = alice.get("/api/v1/scheduled_statuses").await;
    assert_eq!(list, json!([]));
    let _ = bob_client;

    // A time already past publishes at once, as Mastodon does.
    let (status, now) = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Tout de suite", "scheduled_at": iso(Utc::now() - Duration::minutes(1))}),
        )
        .await;
    assert_eq!(status, 200, "{now}");
    assert!(now["content"].as_str().unwrap().contains("Tout de suite"));
}

#[tokio::test]
async fn a_due_scheduled_status_survives_a_restart_and_is_published_once() {
    let mut node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let at = Utc::now() + Duration::minutes(10);
    let scheduled = alice
        .post_status(json!({"status": "Après redémarrage", "scheduled_at": at.to_rfc3339()}))
        .await;
    make_due(&node, id(&scheduled).parse().unwrap()).await;
    node.restart().await;
    let data = node.data();
    eventually("the status published after the restart", || {
        let data = data.clone();
        async move {
            db::posts::scheduled::due(&data.db.read, Utc::now(), 10)
                .await
                .unwrap()
                .is_empty()
        }
    })
    .await;
    let (_, home) = alice.get("/api/v1/timelines/home").await;
    let count = home
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["content"].as_str().unwrap().contains("redémarrage"))
        .count();
    assert_eq!(count, 1);
}
