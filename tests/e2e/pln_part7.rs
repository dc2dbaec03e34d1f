//! Issue 5, part 7 on three nodes, end to end: a teacher on B publishes resources (French and
//! Arabic) and collections; a trainee on A finds them by search with filters (an Arabic word
//! under its clitics too), follows a collection and sees a later addition and removal, with
//! notifications; an approval-required collection shows no items until approved; the trainee
//! remixes a resource of B (licence rules, attribution on the wire and the page). A circle on C
//! gains members from A and B, announces their posts, announces an edit
//! (`Announce(Update)`), owns a collection its moderator curates (attributed to the Group on
//! the wire, owned by the circle on A), propagates a moderator's removal, bans by Lemmy's
//! `Block`, and its deletion reaches the members' nodes. JSON-LD documents round-trip and the
//! FEP-1b12 fixtures parse.
use crate::{
    api_client::{ApiClient, follow_across, id_of, post_signed},
    harness::{TestNode, cluster, eventually},
    pln_shared::{circle_id_on, fetch_as2, get_as2, knows_halqa, publish_resource, urlencode},
};
use halqa::{
    db,
    federation::{
        activities::group_announce::{Announced, announced_activity},
        actors::person::Person,
        objects::{collection::CollectionObject, note::Note},
    },
};
use serde_json::{Value, json};

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn has_boost(home: &Value, booster_acct: &str, text: &str) -> bool {
    home.as_array().unwrap().iter().any(|s| {
        s["account"]["acct"] == booster_acct
            && s["reblog"]["content"]
                .as_str()
                .is_some_and(|c| c.contains(text))
    })
}

fn has_notification(list: &Value, kind: &str) -> bool {
    list.as_array()
        .is_some_and(|l| l.iter().any(|n| n["type"] == kind))
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/activitypub/fep/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The three nodes with their people, each knowing the others run Halqa.
struct World {
    a: TestNode,
    b: TestNode,
    c: TestNode,
    amina: ApiClient,
    bob: ApiClient,
    carol: ApiClient,
    dave: ApiClient,
}

async fn world() -> World {
    let [a, b, c] = cluster::<3>().await;
    for (node, peer) in [(&a, &b), (&b, &a), (&a, &c), (&c, &a), (&b, &c), (&c, &b)] {
        knows_halqa(node, peer).await;
    }
    World {
        amina: ApiClient::new(&a, "amina").await, // trainee on A
        bob: ApiClient::new(&b, "bob").await,     // teacher on B
        carol: ApiClient::new(&c, "carol").await, // circle creator on C
        dave: ApiClient::new(&c, "dave").await,   // on C, in no circle
        a,
        b,
        c,
    }
}

/// Resources, search, collections and remix between A and B.
async fn resources_search_collections_and_remix(w: &World) {
    let (a, b, amina, bob) = (&w.a, &w.b, &w.amina, &w.bob);
    follow_across(a, amina.actor(), b, "bob").await;
    let sa = bob
        .post_ok(
            "/api/v1/pln/resources",
            json!({"title": "Les fractions en 6e", "description": "Une séance complète.",
                   "license": "CC-BY-SA-4.0", "resource_type": "lesson_plan",
                   "subjects": ["mathematics"], "levels": ["middle"], "languages": ["fr"],
                   "links": [{"url": "https://example.org/fractions", "title": "Vidéo"}]}),
        )
        .await;
    bob.post_ok(
        "/api/v1/pln/resources",
        json!({"title": "والدرس الأول في الكسور", "description": "بطاقة للتلميذ",
                   "license": "CC-BY-ND-4.0", "resource_type": "worksheet",
                   "subjects": ["mathematics"], "levels": ["primary"], "languages": ["ar"]}),
    )
    .await;

    // A finds both by search with filters; an Arabic word finds its form with clitics.
    amina
        .wait_for(
            "both resources on A",
            "/api/v1/pln/search?type=resources&subject=mathematics",
            |v| v["resources"].as_array().is_some_and(|l| l.len() == 2),
        )
        .await;
    for (params, want) in [
        (
            "q=fractions&license=CC-BY-SA-4.0",
            vec!["Les fractions en 6e"],
        ),
        ("q=fractions&license=CC-BY-ND-4.0", vec![]),
        (
            &format!("q={}", urlencode("درس")) as &str,
            vec!["والدرس الأول في الكسور"],
        ),
        (
            &format!("q={}&level=primary", urlencode("الدرس")),
            vec!["والدرس الأول في الكسور"],
        ),
        (&format!("q={}&level=middle", urlencode("درس")), vec![]),
        (
            "resource_type=worksheet&language=ar",
            vec!["والدرس الأول في الكسور"],
        ),
    ] {
        let found = amina
            .ok(&format!("/api/v1/pln/search?type=resources&{params}"))
            .await;
        assert_eq!(titles(&found["resources"]), want, "{params}");
    }
    let sa_on_a = amina
        .ok("/api/v1/pln/search?type=resources&q=fractions&license=CC-BY-SA-4.0")
        .await["resources"][0]
        .clone();
    let nd_on_a = amina
        .ok("/api/v1/pln/search?type=resources&resource_type=worksheet")
        .await["resources"][0]
        .clone();

    // A collection on B, found on A, followed; an addition and a removal reach A, notified.
    let coll = bob
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Fractions au collège", "subjects": ["mathematics"],
                   "levels": ["middle"], "languages": ["fr"]}),
        )
        .await;
    let items_path = format!("/api/v1/pln/collections/{}/items", id_of(&coll));
    bob.post_ok(&items_path, json!({"resource_id": id_of(&sa)}))
        .await;
    let found = amina
        .wait_for(
            "the collection in A's search",
            "/api/v1/pln/search?type=collections&q=fractions&subject=mathematics",
            |v| v["collections"].as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    let a_coll = id_of(&found["collections"][0]);
    amina
        .post_ok(
            &format!("/api/v1/pln/collections/{a_coll}/follow"),
            json!({}),
        )
        .await;
    amina
        .wait_for(
            "the follow accepted",
            &format!("/api/v1/pln/collections/{a_coll}"),
            |v| v["following"] == true,
        )
        .await;
    let later = publish_resource(bob, "Comparer des fractions").await;
    let added = bob
        .post_ok(
            &items_path,
            json!({"resource_id": id_of(&later), "note": "Ensuite"}),
        )
        .await;
    let a_items = format!("/api/v1/pln/collections/{a_coll}/items");
    amina
        .wait_for("the addition on A", &a_items, |v| {
            v.as_array().is_some_and(|l| l.len() == 2)
        })
        .await;
    amina
        .wait_for(
            "notified of the addition",
            "/api/v1/pln/mentorship/notifications",
            |v| has_notification(v, "collection_item_added"),
        )
        .await;
    bob.delete_ok(&format!("{items_path}/{}", id_of(&added)))
        .await;
    amina
        .wait_for("the removal on A", &a_items, |v| {
            v.as_array().is_some_and(|l| l.len() == 1)
        })
        .await;
    amina
        .wait_for(
            "notified of the removal",
            "/api/v1/pln/mentorship/notifications",
            |v| has_notification(v, "collection_item_removed"),
        )
        .await;

    // An approval-required collection: its items are invisible on A until bob approves.
    let closed = bob
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Évaluations (sur demande)", "visibility": "approval"}),
        )
        .await;
    bob.post_ok(
        &format!("/api/v1/pln/collections/{}/items", id_of(&closed)),
        json!({"resource_id": id_of(&sa)}),
    )
    .await;
    let found = amina
        .ok(&format!(
            "/api/v1/pln/search?type=collections&resolve=true&q={}",
            urlencode(closed["uri"].as_str().unwrap())
        ))
        .await;
    let a_closed = id_of(&found["collections"][0]);
    let (status, body) = amina
        .get(&format!("/api/v1/pln/collections/{a_closed}/items"))
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        amina
            .ok(&format!("/api/v1/pln/collections/{a_closed}"))
            .await["items_visible"],
        false
    );
    amina
        .post_ok(
            &format!("/api/v1/pln/collections/{a_closed}/follow"),
            json!({}),
        )
        .await;
    bob.wait_for(
        "amina's request on B",
        &format!("/api/v1/pln/collections/{}/follow_requests", id_of(&closed)),
        |v| v.as_array().is_some_and(|l| l.len() == 1),
    )
    .await;
    bob.post_ok(
        &format!(
            "/api/v1/pln/collections/{}/follow_requests/{}/authorize",
            id_of(&closed),
            id_of(
                &bob.ok(&format!(
                    "/api/v1/pln/collections/{}/follow_requests",
                    id_of(&closed)
                ))
                .await[0]
            )
        ),
        json!({}),
    )
    .await;
    amina
        .wait_for(
            "the approved collection's items on A",
            &format!("/api/v1/pln/collections/{a_closed}/items"),
            |v| v.as_array().is_some_and(|l| l.len() == 1),
        )
        .await;

    // Remix: NoDerivatives refuses; ShareAlike forces its licence; attribution is kept.
    let (status, body) = amina
        .post(
            &format!("/api/v1/pln/resources/{}/remix", id_of(&nd_on_a)),
            json!({}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("CC-BY-ND-4.0"),
        "{body}"
    );
    let (status, body) = amina
        .post(
            &format!("/api/v1/pln/resources/{}/remix", id_of(&sa_on_a)),
            json!({"license": "CC0-1.0"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("CC-BY-SA-4.0"),
        "{body}"
    );
    let remix = amina
        .post_ok(
            &format!("/api/v1/pln/resources/{}/remix", id_of(&sa_on_a)),
            json!({"title": "Les fractions en 6e (version courte)"}),
        )
        .await;
    assert_eq!(remix["license"]["id"], "CC-BY-SA-4.0");
    assert_eq!(remix["local"], true);
    assert_eq!(remix["description"], "Une séance complète.");
    assert_eq!(remix["links"][0]["url"], "https://example.org/fractions");
    assert_eq!(remix["attribution"]["based_on"], sa["uri"]);
    assert_eq!(
        remix["attribution"]["based_on_resource"]["title"],
        "Les fractions en 6e"
    );
    assert_eq!(
        remix["attribution"]["based_on_resource"]["author"],
        b.handle("bob")
    );
    let page = get_as2(remix["uri"].as_str().unwrap()).await;
    assert_eq!(page["isBasedOn"], sa["uri"], "{page}");
    assert_eq!(
        page["license"],
        "https://creativecommons.org/licenses/by-sa/4.0/"
    );
    let html = reqwest::Client::new()
        .get(remix["url"].as_str().unwrap())
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("D&#39;après « Les fractions en 6e » de @bob@"),
        "{html}"
    );
}

/// A circle on C with members from A and B: announces, edits, a circle-owned collection,
/// removal, a Lemmy-style ban and the circle's deletion.
async fn circle_on_c(w: &World) {
    let (a, b, c) = (&w.a, &w.b, &w.c);
    let (amina, bob, carol, dave) = (&w.amina, &w.bob, &w.carol, &w.dave);
    let created = carol
        .post_ok(
            "/api/v1/pln/circles",
            json!({"name": "maths_oriental", "display_name": "Maths — Oriental",
                   "subjects": ["mathematics"], "region": "Oriental"}),
        )
        .await;
    let cid = id_of(&created);
    let group_url = format!("{}/users/maths_oriental", c.base);
    let a_cid = circle_id_on(a, c, "maths_oriental").await;
    let b_cid = circle_id_on(b, c, "maths_oriental").await;
    for (client, id) in [(amina, &a_cid), (bob, &b_cid)] {
        client
            .post_ok(&format!("/api/v1/pln/circles/{id}/join"), json!({}))
            .await;
        client
            .wait_for("admitted", &format!("/api/v1/pln/circles/{id}"), |v| {
                v["membership"] == "member"
            })
            .await;
    }

    // Amina's post is announced to Bob on B; her edit follows as Announce(Update) (Bob does
    // not follow her: the circle is how he hears of it).
    let group_acct = c.handle("maths_oriental");
    let posted = amina
        .post_ok(
            &format!("/api/v1/pln/circles/{a_cid}/statuses"),
            json!({"status": "Une fiche sur les fractions"}),
        )
        .await;
    bob.wait_for("the post announced on B", "/api/v1/timelines/home", |h| {
        has_boost(h, &group_acct, "Une fiche sur les fractions")
    })
    .await;
    let (status, body) = amina
        .put(
            &format!("/api/v1/statuses/{}", id_of(&posted)),
            json!({"status": "Une fiche sur les fractions, corrigée"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    bob.wait_for("the edit on B", "/api/v1/timelines/home", |h| {
        has_boost(h, &group_acct, "corrigée")
    })
    .await;

    // A circle-owned collection: the moderator creates and curates it; others get 403.
    let (status, body) = dave
        .post(
            "/api/v1/pln/collections",
            json!({"title": "Du cercle", "circle_id": cid}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let coll = carol
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Ressources du cercle", "subjects": ["mathematics"], "circle_id": cid}),
        )
        .await;
    assert_eq!(coll["circle_id"], cid.as_str());
    assert_eq!(coll["account"]["acct"], "maths_oriental");
    assert_eq!(coll["can_edit"], true);
    let r = publish_resource(carol, "Fractions : exercices du cercle").await;
    let items_path = format!("/api/v1/pln/collections/{}/items", id_of(&coll));
    let (status, body) = dave
        .post(&items_path, json!({"resource_id": id_of(&r)}))
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(carol.ok(&items_path).await, json!([]), "nothing changed");
    carol
        .post_ok(&items_path, json!({"resource_id": id_of(&r)}))
        .await;
    let listed = carol
        .ok(&format!("/api/v1/pln/circles/{cid}/collections"))
        .await;
    assert_eq!(titles(&listed), ["Ressources du cercle"]);
    let doc = get_as2(coll["uri"].as_str().unwrap()).await;
    assert_eq!(doc["attributedTo"], group_url, "{doc}");
    let parsed: CollectionObject = serde_json::from_value(doc.clone()).unwrap();
    let again: CollectionObject =
        serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
    assert_eq!(again, parsed);
    // On A (a member's node) the collection arrives and its owner is the circle.
    let on_a = amina
        .wait_for(
            "the circle's collection on A",
            &format!("/api/v1/pln/circles/{a_cid}/collections"),
            |v| v.as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    assert_eq!(on_a[0]["circle_id"], a_cid.as_str());
    assert_eq!(on_a[0]["account"]["acct"], group_acct);
    assert_eq!(on_a[0]["account"]["group"], true);
    assert_eq!(on_a[0]["can_edit"], false);

    // A moderator's removal of Bob's post propagates to A.
    let bobs = bob
        .post_ok(
            &format!("/api/v1/pln/circles/{b_cid}/statuses"),
            json!({"status": "Hors sujet : vends voiture"}),
        )
        .await;
    // (Amina follows Bob too, so her home may show his post itself rather than the boost.)
    amina
        .wait_for("bob's post on A", "/api/v1/timelines/home", |h| {
            h.to_string().contains("vends voiture")
        })
        .await;
    eventually("the circle's boost of bob's post stored on A", || async {
        let data = a.data();
        let Some(post) = db::posts::find_by_ap_id(&data.db.read, bobs["uri"].as_str().unwrap())
            .await
            .unwrap()
        else {
            return false;
        };
        let group = db::actors::get_by_id(&data.db.read, a_cid.parse().unwrap())
            .await
            .unwrap();
        db::circles::ever_boosted(&data.db.read, group.id, post.id)
            .await
            .unwrap()
            .is_some()
    })
    .await;
    let on_c = db::posts::find_by_ap_id(&c.data().db.read, bobs["uri"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    carol
        .delete_ok(&format!("/api/v1/pln/circles/{cid}/statuses/{}", on_c.id))
        .await;
    amina
        .wait_for("the removal on A", "/api/v1/timelines/home", |h| {
            !h.to_string().contains("vends voiture")
        })
        .await;

    // Lemmy's ban: a Block with the circle as target ends Amina's membership on A (and is
    // not a personal block of Amina by the circle).
    let group = db::actors::find_local(&c.data().db.read, "maths_oriental")
        .await
        .unwrap()
        .unwrap();
    let ban = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Block",
        "id": format!("{group_url}/bans/1"),
        "actor": group_url,
        "object": amina.actor().ap_id,
        "target": group_url,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "removeData": false,
        "summary": "hors sujet",
    });
    let (status, body) = post_signed(&format!("{}/inbox", a.base), &group, &ban).await;
    assert!(status < 300, "{status} {body}");
    assert_eq!(
        amina.ok(&format!("/api/v1/pln/circles/{a_cid}")).await["membership"],
        "none"
    );
    let rel = amina
        .ok(&format!("/api/v1/accounts/relationships?id[]={a_cid}"))
        .await;
    assert_eq!(rel[0]["blocked_by"], false, "{rel}");

    // Deleting the circle: only its creator or staff; B drops it and Bob's membership.
    let (status, body) = dave.delete(&format!("/api/v1/pln/circles/{cid}")).await;
    assert_eq!(status, 403, "{body}");
    carol.delete_ok(&format!("/api/v1/pln/circles/{cid}")).await;
    let (status, _) = carol.get(&format!("/api/v1/pln/circles/{cid}")).await;
    assert_eq!(status, 404);
    let (status, _) = fetch_as2(&group_url).await;
    assert_eq!(status, 410);
    eventually("the circle gone on B", || async {
        bob.get(&format!("/api/v1/pln/circles/{b_cid}")).await.0 == 404
    })
    .await;
    let b_group = db::actors::get_by_id(&b.data().db.read, b_cid.parse().unwrap())
        .await
        .unwrap();
    assert!(
        db::follows::find(&b.data().db.read, bob.actor().id, b_group.id)
            .await
            .unwrap()
            .is_none()
    );
    // A gets its own Delete, not ordered with B's: the circle's collection goes with it there.
    let collection_on_a = format!("/api/v1/pln/collections/{}", id_of(&on_a[0]));
    eventually("the circle's collection gone on A", || async {
        amina.get(&collection_on_a).await.0 == 410
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn part_7_across_three_nodes() {
    let w = world().await;
    resources_search_collections_and_remix(&w).await;
    circle_on_c(&w).await;

    // The FEP-1b12 payloads of Lemmy-style groups parse.
    let group: Person =
        serde_json::from_value(fixture("1b12_group_federation_group_actor")).unwrap();
    assert_eq!(group.kind, "Group");
    for name in [
        "1b12_group_federation_reply_note",
        "1b12_group_federation_thread_page",
    ] {
        let note: Note = serde_json::from_value(fixture(name)).unwrap();
        assert!(note.audience.is_some(), "{name}");
    }
    let announce = fixture("1b12_group_federation_announce_create");
    assert!(matches!(
        announced_activity(&announce["object"]),
        Some(Announced::Create { object }) if object.as_str() == "https://sally.example.org/p/1"
    ));
    let add_moderator = fixture("1b12_group_federation_announce_add_moderator");
    assert_eq!(
        announced_activity(&add_moderator["object"]),
        Some(Announced::Other("Add".into()))
    );
}
