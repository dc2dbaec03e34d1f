//! Circles (FEP-1b12 groups) on three nodes: a teacher on C creates a circle; a trainee on A
//! joins through the PLN API and a teacher on B through the Mastodon follow endpoint; members'
//! posts (to the circle endpoint, or a mention through `POST /api/v1/statuses`) are announced by
//! the circle and reach the other members' home timelines as boosts by the group; a moderator's
//! removal of a post and of a member propagates; the circle is a `Group` on the wire (with its
//! moderators collection) that round-trips, found by search on every node. An approval circle
//! admits only after a moderator authorizes. Then bad input: non-members posting, non-moderators
//! moderating, a forged group Announce, a Follow of a circle that does not exist.
use crate::{
    api_client::{ApiClient, id_of, post_signed},
    harness::{TestNode, cluster, eventually},
    pln_shared::{circle_id_on, get_as2},
};
use chrono::Utc;
use halqa::{
    db::{self, entity::circle_post},
    federation::actors::person::Person,
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

/// Whether `home` (a home timeline) holds a boost by `booster_acct` of a post containing `text`.
fn has_boost(home: &Value, booster_acct: &str, text: &str) -> bool {
    home.as_array().unwrap().iter().any(|s| {
        s["account"]["acct"] == booster_acct
            && s["reblog"]["content"]
                .as_str()
                .is_some_and(|c| c.contains(text))
    })
}

fn mentions_text(home: &Value, text: &str) -> bool {
    home.as_array().unwrap().iter().any(|s| {
        s["content"].as_str().is_some_and(|c| c.contains(text))
            || s["reblog"]["content"]
                .as_str()
                .is_some_and(|c| c.contains(text))
    })
}

async fn shared_posts(node: &TestNode) -> u64 {
    circle_post::Entity::find()
        .count(&node.data().db.read)
        .await
        .unwrap()
}

async fn membership(client: &ApiClient, circle_id: &str) -> String {
    let (status, body) = client
        .get(&format!("/api/v1/pln/circles/{circle_id}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["membership"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn circles_federate_across_three_nodes() {
    let [a, b, c] = cluster::<3>().await;
    let amina = ApiClient::new(&a, "amina").await; // trainee on A, joins through the PLN API
    let zora = ApiClient::new(&a, "zora").await; // on A, never joins
    let bilal = ApiClient::new(&b, "bilal").await; // teacher on B, joins as a Mastodon user would
    let carol = ApiClient::new(&c, "carol").await; // creator and moderator, on C
    let dave = ApiClient::new(&c, "dave").await; // on C, not a member

    // Carol creates a public circle; its name is taken from the people's namespace.
    let created = carol
        .post_ok(
            "/api/v1/pln/circles",
            json!({
                "name": "maths_oriental",
                "display_name": "Maths — Oriental",
                "description": "Professeurs de mathématiques de l'Oriental",
                "subjects": ["mathematics"],
                "levels": ["middle"],
                "region": "Oriental",
                "visibility": "public",
            }),
        )
        .await;
    let cid = id_of(&created);
    assert_eq!(created["visibility"], "public");
    assert_eq!(created["membership"], "member");
    assert_eq!(created["moderators"], json!([carol.actor().id.to_string()]));
    assert_eq!(created["account"]["group"], true);
    assert_eq!(created["members_count"], 1);
    for (name, want) in [("carol", 409), ("maths_oriental", 409), ("Bad Name!", 422)] {
        let (status, body) = carol
            .post(
                "/api/v1/pln/circles",
                json!({"name": name, "display_name": "x"}),
            )
            .await;
        assert_eq!(status, want, "{name}: {body}");
    }
    let (status, body) = carol
        .post(
            "/api/v1/pln/circles",
            json!({"name": "other", "visibility": "secret"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("visibility"),
        "{body}"
    );

    // On the wire: a Group with its moderators collection, which round-trips.
    let group_url = format!("{}/users/maths_oriental", c.base);
    let doc = get_as2(&group_url).await;
    assert_eq!(doc["type"], "Group");
    assert_eq!(doc["preferredUsername"], "maths_oriental");
    assert_eq!(doc["moderators"], format!("{group_url}/moderators"));
    assert_eq!(doc["attributedTo"], format!("{group_url}/moderators"));
    assert_eq!(doc["postingRestrictedToMods"], false);
    assert_eq!(doc["followers"], format!("{group_url}/followers"));
    assert_eq!(doc["subjects"], json!(["mathematics"]));
    let mut bare = doc.clone();
    bare.as_object_mut().unwrap().remove("@context");
    let parsed: Person = serde_json::from_value(bare.clone()).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap(), bare);
    let moderators = get_as2(&format!("{group_url}/moderators")).await;
    assert_eq!(moderators["type"], "OrderedCollection");
    assert_eq!(moderators["orderedItems"], json!([carol.actor().ap_id]));

    // Amina joins from A through the PLN API (pending until the circle's Accept arrives).
    let a_cid = circle_id_on(&a, &c, "maths_oriental").await;
    let joined = amina
        .post_ok(&format!("/api/v1/pln/circles/{a_cid}/join"), json!({}))
        .await;
    assert!(
        ["requested", "member"].contains(&joined["membership"].as_str().unwrap()),
        "{joined}"
    );
    amina
        .wait_for(
            "amina admitted",
            &format!("/api/v1/pln/circles/{a_cid}"),
            |v| v["membership"] == "member",
        )
        .await;
    // Bilal follows it from B through the Mastodon API: a group account, followed = joined.
    let b_cid = circle_id_on(&b, &c, "maths_oriental").await;
    let (status, account) = bilal.get(&format!("/api/v1/accounts/{b_cid}")).await;
    assert_eq!(status, 200);
    assert_eq!(account["group"], true, "{account}");
    let (status, rel) = bilal
        .post(&format!("/api/v1/accounts/{b_cid}/follow"), json!({}))
        .await;
    assert_eq!(status, 200, "{rel}");
    bilal
        .wait_for(
            "bilal admitted",
            &format!("/api/v1/pln/circles/{b_cid}"),
            |v| v["membership"] == "member",
        )
        .await;
    let (_, members) = carol
        .get(&format!("/api/v1/pln/circles/{cid}/members"))
        .await;
    let mut accts: Vec<String> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["acct"].as_str().unwrap().to_string())
        .collect();
    accts.sort();
    assert_eq!(
        accts,
        [a.handle("amina"), b.handle("bilal"), "carol".to_string()]
    );

    // Search finds the circle on its node and on the members' nodes, with filters.
    for (client, node) in [(&carol, &c), (&amina, &a)] {
        for (params, hit) in [
            ("type=circles&q=oriental", true),
            ("type=circles&q=math%C3%A9matiques", true),
            ("type=circles&subject=mathematics&region=oriental", true),
            ("type=circles&subject=arabic", false),
            ("type=circles&q=physique", false),
            ("q=oriental", true),
        ] {
            let (status, body) = client.get(&format!("/api/v1/pln/search?{params}")).await;
            assert_eq!(status, 200, "{params}: {body}");
            let found = body["circles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "maths_oriental");
            assert_eq!(found, hit, "{} {params}: {body}", node.domain);
        }
        let (_, listed) = client.get("/api/v1/pln/circles?subject=mathematics").await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    }
    let (status, body) = amina.get("/api/v1/pln/circles?subject=alchemy").await;
    assert_eq!(status, 422, "{body}");

    // Amina posts to the circle from A; the circle announces it to Bilal's home on B and
    // Carol's on C, as a boost by the group of Amina's post.
    let group_acct_b = c.handle("maths_oriental");
    let posted = amina
        .post_ok(
            &format!("/api/v1/pln/circles/{a_cid}/statuses"),
            json!({"status": "Une fiche sur les fractions"}),
        )
        .await;
    assert_eq!(posted["visibility"], "public");
    let amina_uri = posted["uri"].as_str().unwrap().to_string();
    bilal
        .wait_for(
            "amina's post announced on B",
            "/api/v1/timelines/home",
            |h| has_boost(h, &group_acct_b, "Une fiche sur les fractions"),
        )
        .await;
    carol
        .wait_for(
            "amina's post announced on C",
            "/api/v1/timelines/home",
            |h| has_boost(h, "maths_oriental", "Une fiche sur les fractions"),
        )
        .await;
    // The Note carries the circle as its FEP-1b12 audience.
    let note = get_as2(&amina_uri).await;
    assert_eq!(note["audience"], group_url, "{note}");
    // An edit keeps the post in the circle, though the circle is not named in its text.
    let (status, edited) = amina
        .put(
            &format!("/api/v1/statuses/{}", id_of(&posted)),
            json!({"status": "Une fiche sur les fractions (corrigée)"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    let note = get_as2(&amina_uri).await;
    assert_eq!(note["audience"], group_url, "{note}");
    assert!(note["content"].as_str().unwrap().contains("corrigée"));

    // Bilal posts from a Mastodon client, mentioning the circle: announced to Amina on A.
    let (status, body) = bilal
        .post(
            "/api/v1/statuses",
            json!({"status": format!("@maths_oriental@{} Qui a un barème ?", c.domain)}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    amina
        .wait_for(
            "bilal's post announced on A",
            "/api/v1/timelines/home",
            |h| has_boost(h, &group_acct_b, "Qui a un barème"),
        )
        .await;

    // Non-members cannot post to it: a clear 403 and nothing published.
    for (client, path, body) in [
        (
            &dave,
            format!("/api/v1/pln/circles/{cid}/statuses"),
            json!({"status": "hors cercle"}),
        ),
        (
            &dave,
            "/api/v1/statuses".to_string(),
            json!({"status": "@maths_oriental hors cercle"}),
        ),
        (
            &zora,
            "/api/v1/statuses".to_string(),
            json!({"status": format!("@maths_oriental@{} hors cercle", c.domain)}),
        ),
    ] {
        let (status, err) = client.post(&path, body).await;
        assert_eq!(status, 403, "{path}: {err}");
        assert!(
            err["error"].as_str().unwrap().contains("not a member"),
            "{err}"
        );
    }
    for client in [&dave, &zora] {
        let id = client.actor().id;
        let (_, statuses) = client.get(&format!("/api/v1/accounts/{id}/statuses")).await;
        assert_eq!(statuses, json!([]));
    }
    let (status, err) = amina
        .post(
            &format!("/api/v1/pln/circles/{a_cid}/statuses"),
            json!({"status": "privé", "visibility": "private"}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    // A non-member's post arriving over federation is stored but not announced.
    let before = shared_posts(&c).await;
    let zora_note = format!("{}/users/zora/statuses/4242", a.base);
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create",
        "id": format!("{}/activities/4242", a.base),
        "actor": zora.actor().ap_id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [group_url],
        "object": {
            "type": "Note",
            "id": zora_note,
            "attributedTo": zora.actor().ap_id,
            "content": "<p>hors cercle par la fédération</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [group_url],
            "audience": group_url,
            "published": Utc::now(),
        },
    });
    let (status, body) = post_signed(&format!("{}/inbox", c.base), zora.actor(), &create).await;
    assert_eq!(status, 202, "{body}");
    assert!(
        db::posts::find_by_ap_id(&c.data().db.read, &zora_note)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(shared_posts(&c).await, before);

    // Moderation by non-moderators is refused, nothing changed.
    let c_post = db::posts::find_by_ap_id(&c.data().db.read, &amina_uri)
        .await
        .unwrap()
        .unwrap();
    let bilal_on_c = c.resolve(&b.handle("bilal")).await;
    for (path, method_delete) in [
        (
            format!("/api/v1/pln/circles/{cid}/statuses/{}", c_post.id),
            true,
        ),
        (
            format!("/api/v1/pln/circles/{cid}/members/{}/remove", bilal_on_c.id),
            false,
        ),
    ] {
        let (status, err) = if method_delete {
            dave.delete(&path).await
        } else {
            dave.post(&path, json!({})).await
        };
        assert_eq!(status, 403, "{path}: {err}");
        assert!(
            err["error"].as_str().unwrap().contains("moderator"),
            "{err}"
        );
    }
    // A member of a remote circle cannot moderate it from their own node either.
    let b_post = db::posts::find_by_ap_id(&b.data().db.read, &amina_uri)
        .await
        .unwrap()
        .unwrap();
    let (status, err) = bilal
        .delete(&format!(
            "/api/v1/pln/circles/{b_cid}/statuses/{}",
            b_post.id
        ))
        .await;
    assert_eq!(status, 403, "{err}");

    // An Announce claiming to be the circle's but signed by someone else is refused.
    let forged = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Announce",
        "id": format!("{}/activities/forged", c.base),
        "actor": group_url,
        "object": {"type": "Delete", "actor": carol.actor().ap_id, "object": amina_uri},
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let (status, err) = post_signed(&format!("{}/inbox", b.base), dave.actor(), &forged).await;
    assert_eq!(status, 401, "{err}");
    assert!(
        db::posts::get_by_id(&b.data().db.read, b_post.id)
            .await
            .unwrap()
            .deleted_at
            .is_none()
    );

    // A Follow of a circle that does not exist: 404, no follow stored.
    let follows_before = halqa::db::entity::follow::Entity::find()
        .count(&c.data().db.read)
        .await
        .unwrap();
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Follow",
        "id": format!("{}/activities/follow-ghost", a.base),
        "actor": amina.actor().ap_id,
        "object": format!("{}/users/no_such_circle", c.base),
    });
    let (status, err) = post_signed(&format!("{}/inbox", c.base), amina.actor(), &follow).await;
    assert_eq!(status, 404, "{err}");
    assert_eq!(
        halqa::db::entity::follow::Entity::find()
            .count(&c.data().db.read)
            .await
            .unwrap(),
        follows_before
    );

    // Carol removes Amina's post: gone from Bilal's home and hidden on B; Amina keeps her own
    // post on A, but the circle's boost of it goes.
    let removed = carol
        .delete(&format!("/api/v1/pln/circles/{cid}/statuses/{}", c_post.id))
        .await;
    assert_eq!(removed.0, 200, "{}", removed.1);
    let (status, _) = carol
        .delete(&format!("/api/v1/pln/circles/{cid}/statuses/{}", c_post.id))
        .await;
    assert_eq!(status, 404, "a post is removed once");
    bilal
        .wait_for("the removal on B", "/api/v1/timelines/home", |h| {
            !mentions_text(h, "Une fiche sur les fractions")
        })
        .await;
    let b_data = b.data();
    eventually("amina's post hidden on B", || {
        let b_data = b_data.clone();
        async move {
            db::posts::get_by_id(&b_data.db.read, b_post.id)
                .await
                .unwrap()
                .deleted_at
                .is_some()
        }
    })
    .await;
    let a_post_id = id_of(&posted);
    amina
        .wait_for(
            "the circle's boost gone on A",
            "/api/v1/timelines/home",
            |h| !has_boost(h, &group_acct_b, "Une fiche sur les fractions"),
        )
        .await;
    let (status, _) = amina.get(&format!("/api/v1/statuses/{a_post_id}")).await;
    assert_eq!(status, 200, "the author's own post stays on her node");

    // Carol removes Bilal: B drops the membership.
    let (status, body) = carol
        .post(
            &format!("/api/v1/pln/circles/{cid}/members/{}/remove", bilal_on_c.id),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["membership"], "none");
    bilal
        .wait_for(
            "bilal removed on B",
            &format!("/api/v1/pln/circles/{b_cid}"),
            |v| v["membership"] == "none",
        )
        .await;
    assert_eq!(membership(&amina, &a_cid).await, "member");
    let (_, members) = carol
        .get(&format!("/api/v1/pln/circles/{cid}/members"))
        .await;
    assert_eq!(members.as_array().unwrap().len(), 2, "{members}");
    // Now a non-member, Bilal's posts to it are refused on B.
    let (status, _) = bilal
        .post(
            &format!("/api/v1/pln/circles/{b_cid}/statuses"),
            json!({"status": "encore moi"}),
        )
        .await;
    assert_eq!(status, 403);

    // Amina leaves; the creator cannot.
    let left = amina
        .post_ok(&format!("/api/v1/pln/circles/{a_cid}/leave"), json!({}))
        .await;
    assert_eq!(left["membership"], "none");
    let (status, err) = carol
        .post(&format!("/api/v1/pln/circles/{cid}/leave"), json!({}))
        .await;
    assert_eq!(status, 422, "{err}");
    let c_data = c.data();
    let circle_actor = created["id"].as_str().unwrap().parse::<i64>().unwrap();
    eventually("amina's Undo(Follow) on C", || {
        let c_data = c_data.clone();
        async move {
            db::follows::count_accepted(&c_data.db.read, circle_actor, true)
                .await
                .unwrap()
                == 1
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_circle_admits_only_after_a_moderator_authorizes() {
    let [a, c] = cluster::<2>().await;
    let amina = ApiClient::new(&a, "amina").await;
    let carol = ApiClient::new(&c, "carol").await;
    let dave = ApiClient::new(&c, "dave").await;
    let eve = ApiClient::new(&c, "eve").await;
    let created = carol
        .post_ok(
            "/api/v1/pln/circles",
            json!({"name": "cohorte_2026", "display_name": "Cohorte CRMEF 2026",
                   "visibility": "approval", "subjects": ["arabic"]}),
        )
        .await;
    let cid = id_of(&created);
    assert_eq!(created["visibility"], "approval");
    let doc = get_as2(&format!("{}/users/cohorte_2026", c.base)).await;
    assert_eq!(doc["manuallyApprovesFollowers"], true);

    // Amina asks from A: a join request, not a membership.
    let a_cid = circle_id_on(&a, &c, "cohorte_2026").await;
    let joined = amina
        .post_ok(&format!("/api/v1/pln/circles/{a_cid}/join"), json!({}))
        .await;
    assert_eq!(joined["membership"], "requested");
    let amina_on_c = c.resolve(&a.handle("amina")).await;
    let requests = carol
        .wait_for(
            "amina's request on C",
            &format!("/api/v1/pln/circles/{cid}/join_requests"),
            |v| v.as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    assert_eq!(requests[0]["id"], amina_on_c.id.to_string());
    // Dave joins locally: requested too.
    let dave_join = dave
        .post_ok(&format!("/api/v1/pln/circles/{cid}/join"), json!({}))
        .await;
    assert_eq!(dave_join["membership"], "requested");
    // Not yet a member: Amina cannot post to it.
    let (status, err) = amina
        .post(
            &format!("/api/v1/pln/circles/{a_cid}/statuses"),
            json!({"status": "bonjour"}),
        )
        .await;
    assert_eq!(status, 403, "{err}");

    // Only moderators see and answer join requests.
    let authorize = format!(
        "/api/v1/pln/circles/{cid}/join_requests/{}/authorize",
        amina_on_c.id
    );
    let (status, _) = eve
        .get(&format!("/api/v1/pln/circles/{cid}/join_requests"))
        .await;
    assert_eq!(status, 403);
    let (status, err) = eve.post(&authorize, json!({})).await;
    assert_eq!(status, 403, "{err}");
    assert_eq!(membership(&amina, &a_cid).await, "requested");
    // A request that does not exist: 404.
    let (status, _) = carol
        .post(
            &format!(
                "/api/v1/pln/circles/{cid}/join_requests/{}/authorize",
                eve.actor().id
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);

    // Carol admits Amina: A learns it from the Accept.
    let done = carol.post_ok(&authorize, json!({})).await;
    assert_eq!(done["membership"], "member");
    amina
        .wait_for(
            "amina admitted",
            &format!("/api/v1/pln/circles/{a_cid}"),
            |v| v["membership"] == "member",
        )
        .await;
    // Carol turns Dave down.
    let rejected = carol
        .post_ok(
            &format!(
                "/api/v1/pln/circles/{cid}/join_requests/{}/reject",
                dave.actor().id
            ),
            json!({}),
        )
        .await;
    assert_eq!(rejected["membership"], "none");

    // Moderators are local members: Amina (remote) and Eve (not a member) are refused.
    for (who, needle) in [
        (amina_on_c.id, "local person"),
        (eve.actor().id, "not a member"),
    ] {
        let (status, err) = carol
            .patch(
                &format!("/api/v1/pln/circles/{cid}"),
                json!({"moderators": [who.to_string()]}),
            )
            .await;
        assert_eq!(status, 422, "{err}");
        assert!(err["error"].as_str().unwrap().contains(needle), "{err}");
    }
    eve.post_ok(&format!("/api/v1/pln/circles/{cid}/join"), json!({}))
        .await;
    carol
        .post_ok(
            &format!(
                "/api/v1/pln/circles/{cid}/join_requests/{}/authorize",
                eve.actor().id
            ),
            json!({}),
        )
        .await;
    let (status, patched) = carol
        .patch(
            &format!("/api/v1/pln/circles/{cid}"),
            json!({"moderators": [eve.actor().id.to_string()], "rules": "Bienveillance"}),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        patched["moderators"],
        json!([carol.actor().id.to_string(), eve.actor().id.to_string()])
    );
    assert_eq!(patched["rules"], "Bienveillance");
    let (status, _) = eve
        .get(&format!("/api/v1/pln/circles/{cid}/join_requests"))
        .await;
    assert_eq!(status, 200);
    // The moderators collection on the wire follows, creator first.
    let moderators = get_as2(&format!("{}/users/cohorte_2026/moderators", c.base)).await;
    assert_eq!(
        moderators["orderedItems"],
        json!([carol.actor().ap_id, eve.actor().ap_id])
    );
    // Dave (not a moderator) cannot change the circle.
    let (status, _) = dave
        .patch(&format!("/api/v1/pln/circles/{cid}"), json!({"rules": "x"}))
        .await;
    assert_eq!(status, 403);
}
