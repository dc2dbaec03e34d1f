//! Teaching resources on three nodes: a teacher on B sets a default licence and publishes
//! resources with a file and links; a trainee on A (a Halqa follower) receives each as a
//! resource with its licence and attribution and as a status with a card and `status.pln`, sees
//! edits and the deletion, and resolves an older one by URL; a follower on C, which B takes for a
//! Mastodon server, is sent only the plain Note (and C, being Halqa, fetches the Page it names). The resource URL answers a `Page` to
//! ActivityPub clients and HTML to browsers. Then every kind of bad input: unknown licences and
//! types, oversized and disallowed files, someone else's uploads or resource, and activities
//! from a domain that does not own the resource — clear errors, nothing changed.
use crate::images::noise_png;
use crate::{
    api_client::{ApiClient, follow_across, post_signed},
    harness::{TestNode, eventually},
    pln_shared::{knows_halqa, urlencode},
};
use chrono::Utc;
use halqa::db::entity::resource;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

/// A node whose uploads go to a fresh temporary directory (`max_image_bytes` when given).
async fn media_node(max_image_bytes: Option<usize>) -> TestNode {
    let dir = std::env::temp_dir().join(format!(
        "halqa-resources-{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    ));
    TestNode::spawn_with(move |c| {
        c.media.dir = dir.display().to_string();
        if let Some(max) = max_image_bytes {
            c.media.max_image_bytes = max;
        }
    })
    .await
}

/// Makes `node` take `peer` for a server that does not run Halqa (as a Mastodon server's
/// NodeInfo would say), once its own look at `peer`'s NodeInfo is done.
async fn takes_for_mastodon(node: &TestNode, peer: &TestNode) {
    use halqa::db::entity::institution;
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let data = node.data();
    let find = || {
        institution::Entity::find()
            .filter(institution::Column::Domain.eq(peer.domain.clone()))
            .one(&data.db.read)
    };
    // The peer runs Halqa: wait for the node's own NodeInfo read to say so, then overrule it.
    eventually("the peer's NodeInfo read", || async {
        find().await.unwrap().is_some_and(|row| row.is_halqa)
    })
    .await;
    let mut row: institution::ActiveModel = find().await.unwrap().unwrap().into();
    row.is_halqa = Set(false);
    row.software_name = Set(Some("mastodon".into()));
    row.update(&data.db.write).await.unwrap();
}

/// How many resource activities (`Page`s and their deletion) `node` addressed to `host`.
async fn resource_activities_sent(node: &TestNode, host: &str) -> usize {
    use halqa::db::entity::{delivery, outgoing_activity};
    use sea_orm::{ColumnTrait, QueryFilter};
    let db = &node.data().db.read;
    let ids: Vec<i64> = delivery::Entity::find()
        .filter(delivery::Column::Host.eq(host))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.activity_id)
        .collect();
    outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Id.is_in(ids))
        .all(db)
        .await
        .unwrap()
        .iter()
        .filter(|a| {
            let body: Value = serde_json::from_str(&a.body).unwrap();
            body["object"]["type"] == "Page" || body["object"]["formerType"] == "Page"
        })
        .count()
}

fn first(list: &Value, pred: impl Fn(&Value) -> bool) -> Option<&Value> {
    list.as_array()?.iter().find(|v| pred(v))
}

fn resource_body() -> Value {
    json!({
        "title": "Les fractions en 6e",
        "description": "Une séance complète sur les fractions.",
        "body": "## Déroulement\n\n1. Rappel\n2. Exercices",
        "resource_type": "lesson_plan",
        "subjects": ["mathematics"],
        "levels": ["middle"],
        "languages": ["fr"],
        "duration": 55,
        "prerequisites": ["La division"],
        "links": [{"url": "https://example.org/fractions", "title": "Vidéo"}],
    })
}

async fn resource_count(node: &TestNode) -> u64 {
    resource::Entity::find()
        .count(&node.data().db.read)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_federate_across_three_nodes() {
    let a = TestNode::spawn().await;
    let b = media_node(None).await;
    let c = TestNode::spawn().await;
    let amina = ApiClient::new(&a, "amina").await; // trainee on A
    let bob = ApiClient::new(&b, "bob").await; // teacher on B
    let carol = ApiClient::new(&c, "carol").await; // follower on a server B does not know as Halqa
    for (node, peer) in [(&a, &b), (&b, &a), (&c, &b)] {
        knows_halqa(node, peer).await;
    }

    // Bob's default licence, used when a resource names none.
    let (status, profile) = bob
        .patch(
            "/api/v1/pln/profile",
            json!({"default_license": "cc-by-sa-4.0"}),
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["default_license"]["id"], "CC-BY-SA-4.0");
    assert_eq!(
        profile["default_license"]["url"],
        "https://creativecommons.org/licenses/by-sa/4.0/"
    );

    // An older resource, published before anyone followed Bob.
    let mut older = resource_body();
    older["title"] = json!("Fiche de lecture");
    older["resource_type"] = json!("reading");
    older["license"] = json!("CC0-1.0");
    let (status, older) = bob.post("/api/v1/pln/resources", older).await;
    assert_eq!(status, 200, "{older}");
    let older_uri = older["uri"].as_str().unwrap().to_string();

    follow_across(&a, amina.actor(), &b, "bob").await;
    follow_across(&c, carol.actor(), &b, "bob").await;
    takes_for_mastodon(&b, &c).await;

    // Bob publishes a lesson plan with a file, under his default licence.
    let (status, media) = bob
        .upload("/api/v2/media", "f.bin", &noise_png(64, 48), &[])
        .await;
    assert_eq!(status, 200, "{media}");
    let mut body = resource_body();
    body["media_ids"] = json!([media["id"]]);
    let (status, created) = bob.post("/api/v1/pln/resources", body).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["license"]["id"], "CC-BY-SA-4.0");
    assert_eq!(created["duration"], "PT55M");
    // Uploads are re-encoded (EXIF dropped): the stored type is the stored file's.
    assert!(
        created["attachments"][0]["media_type"]
            .as_str()
            .unwrap()
            .starts_with("image/"),
        "{created}"
    );
    assert!(created["attachments"][0]["size"].as_i64().unwrap() > 0);
    assert!(
        created["body"]
            .as_str()
            .unwrap()
            .contains("<li>Rappel</li>"),
        "{created}"
    );
    assert_eq!(created["attribution"]["original_url"], Value::Null);
    let uri = created["uri"].as_str().unwrap().to_string();
    let b_id = created["id"].as_str().unwrap().to_string();

    // On B it is also Bob's public status: hashtags, a card to the page, `pln`.
    let status_id = created["status_id"].as_str().unwrap();
    let (_, on_b) = bob.get(&format!("/api/v1/statuses/{status_id}")).await;
    assert_eq!(on_b["pln"]["kind"], "resource", "{on_b}");
    assert_eq!(on_b["pln"]["id"], b_id.as_str());
    assert_eq!(on_b["card"]["url"], uri.as_str());
    assert_eq!(on_b["media_attachments"].as_array().unwrap().len(), 1);
    let tags: Vec<&str> = on_b["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(tags.contains(&"teachingresource"), "{tags:?}");

    // A (a Halqa follower) gets the resource, with its licence and attribution, filtered.
    let list = amina
        .wait_for(
            "the resource on A",
            "/api/v1/pln/resources?subject=mathematics&level=middle&local=false",
            |l| first(l, |r| r["uri"] == uri.as_str()).is_some(),
        )
        .await;
    let on_a = first(&list, |r| r["uri"] == uri.as_str()).unwrap().clone();
    let a_id = on_a["id"].as_str().unwrap().to_string();
    assert_eq!(on_a["local"], false);
    assert_eq!(on_a["license"]["id"], "CC-BY-SA-4.0");
    assert_eq!(on_a["resource_type"], "lesson_plan");
    assert_eq!(on_a["account"]["acct"], format!("bob@{}", b.domain));
    assert_eq!(on_a["attribution"]["author"], format!("bob@{}", b.domain));
    assert_eq!(on_a["attribution"]["original_url"], uri.as_str());
    assert_eq!(on_a["prerequisites"], json!(["La division"]));
    assert_eq!(on_a["links"][0]["url"], "https://example.org/fractions");
    assert!(
        on_a["attachments"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with(&b.base),
        "{on_a}"
    );
    for miss in [
        "license=CC0-1.0",
        "resource_type=worksheet",
        "language=ar",
        "local=true",
    ] {
        let (_, other) = amina.get(&format!("/api/v1/pln/resources?{miss}")).await;
        assert!(
            first(&other, |r| r["uri"] == uri.as_str()).is_none(),
            "{miss}"
        );
    }
    // … and its status, which A shows with the card and `pln`.
    let home = amina
        .wait_for(
            "the resource's status on A",
            "/api/v1/timelines/home",
            |l| first(l, |s| s["pln"]["id"] == a_id.as_str()).is_some(),
        )
        .await;
    let status_a = first(&home, |s| s["pln"]["id"] == a_id.as_str()).unwrap();
    assert_eq!(status_a["pln"]["kind"], "resource");
    assert_eq!(status_a["card"]["title"], "Les fractions en 6e");

    // B takes C for a Mastodon server: it sends C the plain Note, never the Page …
    let home_c = carol
        .wait_for("the Note on C", "/api/v1/timelines/home", |l| {
            first(l, |s| s["content"].as_str().unwrap_or("").contains(&uri)).is_some()
        })
        .await;
    let note_c = first(&home_c, |s| s["content"].as_str().unwrap().contains(&uri)).unwrap();
    assert!(
        note_c["content"]
            .as_str()
            .unwrap()
            .contains("Les fractions en 6e")
    );
    assert_eq!(resource_activities_sent(&b, &c.domain).await, 0);
    assert!(resource_activities_sent(&b, &a.domain).await >= 1);
    // … and C, which does run Halqa, reads the Note's `teachingResource` and fetches the Page.
    let on_c = carol
        .wait_for("the resource fetched by C", "/api/v1/pln/resources", |l| {
            first(l, |r| r["uri"] == uri.as_str()).is_some()
        })
        .await;
    assert_eq!(
        first(&on_c, |r| r["uri"] == uri.as_str()).unwrap()["license"]["id"],
        "CC-BY-SA-4.0"
    );

    // The resource URL: a Page with LRMI terms for ActivityPub clients, HTML for browsers.
    let http = reqwest::Client::new();
    let page: Value = http
        .get(&uri)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["type"], "Page");
    assert_eq!(
        page["license"],
        "https://creativecommons.org/licenses/by-sa/4.0/"
    );
    assert_eq!(page["learningResourceType"], "lesson_plan");
    assert_eq!(page["about"], json!(["mathematics"]));
    assert_eq!(page["timeRequired"], "PT55M");
    assert!(
        page["@context"].to_string().contains("schema:license"),
        "{page}"
    );
    let html = http
        .get(&uri)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Les fractions en 6e"), "{html}");
    assert!(
        html.contains("Creative Commons Attribution-ShareAlike 4.0"),
        "{html}"
    );

    // A resolves the older resource by its URL: stored, found as its status.
    let (status, found) = amina
        .get(&format!(
            "/api/v2/search?resolve=true&type=statuses&q={}",
            urlencode(&older_uri)
        ))
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["statuses"][0]["pln"]["kind"], "resource", "{found}");
    let (_, all) = amina.get("/api/v1/pln/resources?license=CC0-1.0").await;
    let resolved = first(&all, |r| r["uri"] == older_uri.as_str()).expect("resolved");
    assert_eq!(resolved["resource_type"], "reading");

    // Someone on C forges an Update and a Delete of Bob's resource: A refuses both.
    let carol_id = &carol.actor().ap_id;
    let a_inbox = format!("{}/inbox", a.base);
    let forged_update = json!({
        "type": "Update", "id": format!("{carol_id}#u1"), "actor": carol_id,
        "object": {"type": "Page", "id": uri, "attributedTo": carol_id, "name": "Hijacked",
                   "license": "https://creativecommons.org/publicdomain/zero/1.0/",
                   "learningResourceType": "worksheet"}
    });
    let forged_delete = json!({
        "type": "Delete", "id": format!("{carol_id}#d1"), "actor": carol_id,
        "object": {"type": "Tombstone", "id": uri}
    });
    for activity in [forged_update, forged_delete] {
        let (status, err) = post_signed(&a_inbox, carol.actor(), &activity).await;
        assert!((400..500).contains(&status), "{status} {err}");
    }
    let (_, still) = amina.get(&format!("/api/v1/pln/resources/{a_id}")).await;
    assert_eq!(still["title"], "Les fractions en 6e");

    // Bob edits it: A sees the new title and licence, and the edited status.
    let (status, edited) = bob
        .patch(
            &format!("/api/v1/pln/resources/{b_id}"),
            json!({"title": "Les fractions, séance 1", "license": "CC-BY-4.0"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["attachments"].as_array().unwrap().len(), 1);
    amina
        .wait_for(
            "the edit on A",
            &format!("/api/v1/pln/resources/{a_id}"),
            |r| r["title"] == "Les fractions, séance 1" && r["license"]["id"] == "CC-BY-4.0",
        )
        .await;
    amina
        .wait_for("the edited status on A", "/api/v1/timelines/home", |l| {
            first(l, |s| {
                s["pln"]["id"] == a_id.as_str()
                    && s["content"]
                        .as_str()
                        .unwrap_or("")
                        .contains("Les fractions, séance 1")
            })
            .is_some()
        })
        .await;

    // Bob deletes it: gone on A (resource and status) and on C (the Note).
    let (status, _) = bob.delete(&format!("/api/v1/pln/resources/{b_id}")).await;
    assert_eq!(status, 200);
    let (status, _) = bob.get(&format!("/api/v1/pln/resources/{b_id}")).await;
    assert_eq!(status, 410);
    amina
        .wait_for("the deletion on A", "/api/v1/pln/resources", |l| {
            first(l, |r| r["uri"] == uri.as_str()).is_none()
        })
        .await;
    let (status, _) = amina.get(&format!("/api/v1/pln/resources/{a_id}")).await;
    assert_eq!(status, 410);
    amina
        .wait_for("the status gone on A", "/api/v1/timelines/home", |l| {
            first(l, |s| s["pln"]["id"] == a_id.as_str()).is_none()
        })
        .await;
    carol
        .wait_for("the Note gone on C", "/api/v1/timelines/home", |l| {
            first(l, |s| s["content"].as_str().unwrap_or("").contains(&uri)).is_none()
        })
        .await;
    // C got only Delete(Note), which takes the resource it fetched with it.
    carol
        .wait_for("the resource gone on C", "/api/v1/pln/resources", |l| {
            first(l, |r| r["uri"] == uri.as_str()).is_none()
        })
        .await;
    let gone = http
        .get(&uri)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 410);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_resource_input_is_refused_and_changes_nothing() {
    let a = TestNode::spawn().await;
    let b = media_node(Some(4096)).await;
    let bob = ApiClient::new(&b, "bob").await;
    let eve = ApiClient::new(&b, "eve").await;
    let amina = ApiClient::new(&a, "amina").await;

    // Unknown licence and type, no licence without a default, bad links and durations.
    for (change, needle) in [
        (json!({"license": "WTFPL"}), "CC-BY-SA-4.0"),
        (json!({"license": null}), "choose a licence"),
        (
            json!({"license": "CC0-1.0", "resource_type": "poster"}),
            "worksheet",
        ),
        (
            json!({"license": "CC0-1.0", "subjects": ["alchemy"]}),
            "mathematics",
        ),
        (
            json!({"license": "CC0-1.0", "links": ["javascript:alert(1)"]}),
            "links",
        ),
        (json!({"license": "CC0-1.0", "duration": 0}), "duration"),
        (json!({"license": "CC0-1.0", "title": " "}), "title"),
    ] {
        let mut body = resource_body();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, err) = bob.post("/api/v1/pln/resources", body).await;
        assert_eq!(status, 422, "{err}");
        assert!(err["error"].as_str().unwrap().contains(needle), "{err}");
    }
    let (status, err) = bob
        .patch("/api/v1/pln/profile", json!({"default_license": "WTFPL"}))
        .await;
    assert_eq!(status, 422, "{err}");
    let (_, profile) = bob.get("/api/v1/pln/profile").await;
    assert_eq!(profile["default_license"], Value::Null);

    // Oversized and disallowed files are refused at upload; others' uploads cannot be used.
    let (status, err) = bob
        .upload("/api/v2/media", "f.bin", &noise_png(200, 200), &[])
        .await;
    assert_eq!(status, 422, "{err}");
    let (status, err) = bob
        .upload(
            "/api/v2/media",
            "f.bin",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            &[],
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("not supported"),
        "{err}"
    );
    let (status, eves) = eve
        .upload("/api/v2/media", "f.bin", &noise_png(8, 8), &[])
        .await;
    assert_eq!(status, 200, "{eves}");
    let mut body = resource_body();
    body["license"] = json!("CC0-1.0");
    body["media_ids"] = json!([eves["id"]]);
    let (status, err) = bob.post("/api/v1/pln/resources", body).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(resource_count(&b).await, 0);

    // Someone else's resource cannot be edited or deleted.
    let mut body = resource_body();
    body["license"] = json!("CC0-1.0");
    let (status, created) = bob.post("/api/v1/pln/resources", body).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap();
    let uri = created["uri"].as_str().unwrap();
    let (status, err) = eve
        .patch(
            &format!("/api/v1/pln/resources/{id}"),
            json!({"title": "Mine now"}),
        )
        .await;
    assert_eq!(status, 403, "{err}");
    let (status, _) = eve.delete(&format!("/api/v1/pln/resources/{id}")).await;
    assert_eq!(status, 403);
    let (status, err) = bob
        .patch(
            &format!("/api/v1/pln/resources/{id}"),
            json!({"license": "WTFPL"}),
        )
        .await;
    assert_eq!(status, 422, "{err}");

    // Activities from A about B's resource, or Pages on B's domain by A's user: all refused.
    let amina_id = &amina.actor().ap_id;
    let b_inbox = format!("{}/inbox", b.base);
    let forged = [
        json!({"type": "Update", "id": format!("{amina_id}#u1"), "actor": amina_id,
               "object": {"type": "Page", "id": uri, "attributedTo": amina_id,
                   "name": "Hijacked", "learningResourceType": "worksheet",
                   "license": "https://creativecommons.org/publicdomain/zero/1.0/"}}),
        json!({"type": "Create", "id": format!("{amina_id}#c1"), "actor": amina_id,
               "object": {"type": "Page", "id": format!("{}/resources/999", b.base),
                   "attributedTo": amina_id, "name": "Planted",
                   "learningResourceType": "worksheet",
                   "license": "https://creativecommons.org/publicdomain/zero/1.0/"}}),
        json!({"type": "Delete", "id": format!("{amina_id}#d1"), "actor": amina_id,
               "object": uri}),
    ];
    for activity in forged {
        let (status, err) = post_signed(&b_inbox, amina.actor(), &activity).await;
        assert!(
            (400..500).contains(&status),
            "{status} {err} for {activity}"
        );
    }
    let (status, still) = bob.get(&format!("/api/v1/pln/resources/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(still["title"], "Les fractions en 6e");
    assert_eq!(still["license"]["id"], "CC0-1.0");
    assert_eq!(resource_count(&b).await, 1);

    // A remote Page with no known licence is not stored.
    let page_id = format!("{}/resources/1", a.base);
    let unlicensed = json!({"type": "Create", "id": format!("{amina_id}#c2"), "actor": amina_id,
        "object": {"type": "Page", "id": page_id, "attributedTo": amina_id, "name": "Mystery",
            "learningResourceType": "worksheet", "license": "https://example.com/all-rights"}});
    let (status, err) = post_signed(&b_inbox, amina.actor(), &unlicensed).await;
    assert!((400..500).contains(&status), "{status} {err}");
    assert_eq!(resource_count(&b).await, 1);
}
