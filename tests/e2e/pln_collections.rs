//! Resource collections on three nodes: a teacher on B publishes resources and a public
//! collection (its readable status carries a card and `status.pln`); its AS2 document
//! round-trips and browsers get a page; a trainee on A, who follows the teacher, finds the
//! collection by search with filters, follows it, and sees a later addition, a reorder and a
//! removal in the items on A, with PLN notifications. An approval-required collection resolved
//! by URL from C shows no items until the teacher approves the follow, then it does. Then the
//! bad input: unknown visibility or subject, someone else's or a private collection, a private
//! item, a deleted or repeated one, garbage and huge bodies, and `Add`/`Remove` from a domain
//! that does not own the collection or to a collection nobody knows — clear errors, nothing
//! changed.
use crate::{
    api_client::{ApiClient, follow_across, id_of, post_signed},
    harness::{TestNode, cluster},
    pln_shared::{fetch_as2, knows_halqa, publish_resource, urlencode},
};
use halqa::{
    db::entity::{collection_item, mentorship_event},
    federation::objects::collection::CollectionObject,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

fn item_uris(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["resource"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// How many items `node` stores for the collection `uri`.
async fn stored_items(node: &TestNode, uri: &str) -> u64 {
    let data = node.data();
    let Some(c) = halqa::db::collections::find_by_ap_id(&data.db.read, uri)
        .await
        .unwrap()
    else {
        return 0;
    };
    collection_item::Entity::find()
        .filter(collection_item::Column::CollectionId.eq(c.id))
        .count(&data.db.read)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collections_are_found_followed_and_kept_in_step_across_nodes() {
    let [a, b, c] = cluster::<3>().await;
    let amina = ApiClient::new(&a, "amina").await; // trainee on A
    let bob = ApiClient::new(&b, "bob").await; // teacher on B
    let carol = ApiClient::new(&c, "carol").await; // teacher on C
    for (node, peer) in [(&a, &b), (&b, &a), (&c, &b), (&b, &c)] {
        knows_halqa(node, peer).await;
    }
    follow_across(&a, amina.actor(), &b, "bob").await;

    let r1 = publish_resource(&bob, "Les fractions : introduction").await;
    let r2 = publish_resource(&bob, "Fractions équivalentes").await;
    let r3 = publish_resource(&bob, "Comparer des fractions").await;

    // A public collection with two items (one by id with a note, one by URL).
    let coll = bob
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Fractions au collège", "description": "Un parcours en trois séances.",
                   "subjects": ["mathematics"], "levels": ["middle"], "languages": ["fr"]}),
        )
        .await;
    assert_eq!(coll["visibility"], "public");
    assert_eq!(coll["items_count"], 0);
    let cid = id_of(&coll);
    let uri = coll["uri"].as_str().unwrap().to_string();
    let items_path = format!("/api/v1/pln/collections/{cid}/items");
    let first = bob
        .post_ok(
            &items_path,
            json!({"resource_id": id_of(&r1), "note": "Pour commencer"}),
        )
        .await;
    assert_eq!(first["note"], "Pour commencer");
    assert_eq!(first["resource"]["title"], "Les fractions : introduction");
    let second = bob.post_ok(&items_path, json!({"url": r2["url"]})).await;
    assert_eq!(second["position"], 2);

    // Reorder: the second first.
    let (status, reordered) = bob
        .put(
            &format!("{items_path}/order"),
            json!({"item_ids": [id_of(&second), id_of(&first)]}),
        )
        .await;
    assert_eq!(status, 200, "{reordered}");
    assert_eq!(
        item_uris(&reordered),
        [r2["uri"].as_str().unwrap(), r1["uri"].as_str().unwrap()]
    );
    // Paging walks the collection in order, with Link headers.
    let page = bob
        .call(
            http::Method::GET,
            &format!("{items_path}?limit=1"),
            Value::Null,
        )
        .await;
    assert_eq!(item_uris(&page.body), [r2["uri"].as_str().unwrap()]);
    let next = page.link("next").expect("a next link");
    let rest = bob.ok(&next.replace(&b.base, "")).await;
    assert_eq!(item_uris(&rest), [r1["uri"].as_str().unwrap()]);

    // The readable status: a card and status.pln.
    let statuses = bob
        .ok(&format!("/api/v1/accounts/{}/statuses", bob.actor().id))
        .await;
    let status = statuses
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["pln"]["kind"] == "collection")
        .expect("the collection's status");
    assert_eq!(status["pln"]["id"], cid.as_str());
    assert_eq!(status["card"]["title"], "Fractions au collège");
    assert!(
        status["content"]
            .as_str()
            .unwrap()
            .contains("ResourceCollection")
    );

    // The AS2 document round-trips; browsers get a page.
    let (status, doc) = fetch_as2(&uri).await;
    assert_eq!(status, 200, "{doc}");
    let parsed: CollectionObject = serde_json::from_value(doc.clone()).unwrap();
    let again: CollectionObject =
        serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
    assert_eq!(again, parsed);
    assert_eq!(parsed.attributed_to.as_str(), bob.actor().ap_id);
    assert_eq!(parsed.total_items, Some(2));
    assert_eq!(doc["orderedItems"], json!([r2["uri"], r1["uri"]]));
    assert_eq!(doc["itemNotes"][0]["content"], "Pour commencer");
    assert!(doc["followers"].as_str().unwrap().ends_with("/followers"));
    let html = reqwest::get(&uri).await.unwrap().text().await.unwrap();
    assert!(html.contains("Fractions au collège") && html.contains("Fractions équivalentes"));

    // A finds it by search with filters (it came as Create(OrderedCollection) to bob's
    // followers), and a filter that does not match leaves it out.
    let found = amina
        .wait_for(
            "the collection in A's search",
            "/api/v1/pln/search?type=collections&q=fractions&subject=mathematics&level=middle",
            |v| v["collections"].as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    let on_a = &found["collections"][0];
    assert_eq!(on_a["uri"], uri.as_str());
    assert_eq!(on_a["local"], false);
    assert_eq!(on_a["account"]["acct"], b.handle("bob"));
    let none = amina
        .ok("/api/v1/pln/search?type=collections&q=fractions&level=primary")
        .await;
    assert_eq!(none["collections"], json!([]));
    let a_id = id_of(on_a);
    let a_items = format!("/api/v1/pln/collections/{a_id}/items");
    amina
        .wait_for("both items on A", &a_items, |v| {
            v.as_array().is_some_and(|l| l.len() == 2)
        })
        .await;

    // Amina follows it from A; B accepts at once (public).
    let followed = amina
        .post_ok(&format!("/api/v1/pln/collections/{a_id}/follow"), json!({}))
        .await;
    assert_eq!(followed["requested"], true);
    amina
        .wait_for(
            "the follow to be accepted",
            &format!("/api/v1/pln/collections/{a_id}"),
            |v| v["following"] == true,
        )
        .await;
    bob.wait_for(
        "one follower on B",
        &format!("/api/v1/pln/collections/{cid}"),
        |v| v["followers_count"] == 1,
    )
    .await;

    // A later addition reaches A, with a notification.
    bob.post_ok(
        &items_path,
        json!({"resource_id": id_of(&r3), "note": "Pour finir"}),
    )
    .await;
    let items = amina
        .wait_for("the addition on A", &a_items, |v| {
            v.as_array().is_some_and(|l| l.len() == 3)
        })
        .await;
    assert_eq!(items[2]["resource"]["uri"], r3["uri"]);
    assert_eq!(items[2]["note"], "Pour finir");
    let notes = amina
        .wait_for(
            "the addition's notification",
            "/api/v1/pln/mentorship/notifications",
            |v| {
                v.as_array()
                    .is_some_and(|l| l.iter().any(|n| n["type"] == "collection_item_added"))
            },
        )
        .await;
    let added = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "collection_item_added")
        .unwrap();
    assert_eq!(added["collection_id"], a_id.as_str());
    assert_eq!(added["account"]["acct"], b.handle("bob"));
    // The same `Add` again (a redelivery) tells nobody twice. An `Add` of an item that A
    // stored first by fetching the whole collection (the fetch after the follow's acceptance
    // can overtake it) still tells the followers, once.
    let a_inbox = format!("{}/inbox", a.base);
    let bob_id = bob.actor().ap_id.clone();
    let added_count = || async {
        let notes = amina.ok("/api/v1/pln/mentorship/notifications").await;
        notes
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["type"] == "collection_item_added")
            .count()
    };
    let add_again = |n: u32| {
        json!({"type": "Add", "id": format!("{bob_id}#add-again-{n}"), "actor": bob_id,
               "object": r3["uri"], "target": uri, "content": "Pour finir"})
    };
    let (status, err) = post_signed(&a_inbox, bob.actor(), &add_again(1)).await;
    assert!((200..300).contains(&status), "{status} {err}");
    assert_eq!(added_count().await, 1);
    mentorship_event::Entity::delete_many()
        .filter(mentorship_event::Column::Kind.eq("collection_item_added"))
        .exec(&a.data().db.write)
        .await
        .unwrap();
    assert_eq!(added_count().await, 0);
    let (status, err) = post_signed(&a_inbox, bob.actor(), &add_again(2)).await;
    assert!((200..300).contains(&status), "{status} {err}");
    assert_eq!(added_count().await, 1);
    assert_eq!(stored_items(&a, &uri).await, 3);

    // A removal too.
    let (status, _) = bob.delete(&format!("{items_path}/{}", id_of(&first))).await;
    assert_eq!(status, 200);
    let items = amina
        .wait_for("the removal on A", &a_items, |v| {
            v.as_array().is_some_and(|l| l.len() == 2)
        })
        .await;
    assert_eq!(
        item_uris(&items),
        [r2["uri"].as_str().unwrap(), r3["uri"].as_str().unwrap()]
    );
    amina
        .wait_for(
            "the removal's notification",
            "/api/v1/pln/mentorship/notifications",
            |v| {
                v.as_array()
                    .is_some_and(|l| l.iter().any(|n| n["type"] == "collection_item_removed"))
            },
        )
        .await;

    // A metadata edit reaches A as Update.
    let (status, edited) = bob
        .patch(
            &format!("/api/v1/pln/collections/{cid}"),
            json!({"title": "Fractions en 1re année collège"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    amina
        .wait_for(
            "the edit on A",
            &format!("/api/v1/pln/collections/{a_id}"),
            |v| v["title"] == "Fractions en 1re année collège",
        )
        .await;

    // An approval-required collection: C resolves it by URL and sees no items until approved.
    let closed = bob
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Évaluation formative", "subjects": ["mathematics"],
                   "visibility": "approval"}),
        )
        .await;
    let closed_id = id_of(&closed);
    let closed_uri = closed["uri"].as_str().unwrap().to_string();
    bob.post_ok(
        &format!("/api/v1/pln/collections/{closed_id}/items"),
        json!({"resource_id": id_of(&r2)}),
    )
    .await;
    let (_, anonymous) = fetch_as2(&closed_uri).await;
    assert_eq!(anonymous["collectionVisibility"], "approval");
    assert_eq!(anonymous["manuallyApprovesFollowers"], true);
    assert_eq!(anonymous["totalItems"], 1);
    assert!(anonymous.get("orderedItems").is_none(), "{anonymous}");
    let resolved = carol
        .ok(&format!(
            "/api/v1/pln/search?resolve=true&q={}",
            urlencode(&closed_uri)
        ))
        .await;
    let on_c = &resolved["collections"][0];
    assert_eq!(on_c["uri"], closed_uri.as_str());
    assert_eq!(on_c["items_visible"], false);
    let c_id = id_of(on_c);
    let c_items = format!("/api/v1/pln/collections/{c_id}/items");
    let (status, err) = carol.get(&c_items).await;
    assert_eq!(status, 403, "{err}");
    assert!(err["error"].as_str().unwrap().contains("approved"));
    assert_eq!(stored_items(&c, &closed_uri).await, 0);

    let asked = carol
        .post_ok(&format!("/api/v1/pln/collections/{c_id}/follow"), json!({}))
        .await;
    assert_eq!(asked["requested"], true);
    let waiting = bob
        .wait_for(
            "carol's request on B",
            &format!("/api/v1/pln/collections/{closed_id}/follow_requests"),
            |v| v.as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    assert_eq!(waiting[0]["acct"], c.handle("carol"));
    // Still nothing for carol while it waits.
    let (status, _) = carol.get(&c_items).await;
    assert_eq!(status, 403);
    let carol_on_b = id_of(&waiting[0]);
    bob.post_ok(
        &format!("/api/v1/pln/collections/{closed_id}/follow_requests/{carol_on_b}/authorize"),
        json!({}),
    )
    .await;
    let items = carol
        .wait_for("the items once approved", &c_items, |v| {
            v.as_array().is_some_and(|l| l.len() == 1)
        })
        .await;
    assert_eq!(items[0]["resource"]["uri"], r2["uri"]);
    let shown = carol.ok(&format!("/api/v1/pln/collections/{c_id}")).await;
    assert_eq!(shown["following"], true);
    assert_eq!(shown["items_visible"], true);
    carol
        .wait_for(
            "the approval's notification",
            "/api/v1/pln/mentorship/notifications",
            |v| {
                v.as_array()
                    .is_some_and(|l| l.iter().any(|n| n["type"] == "collection_follow_accepted"))
            },
        )
        .await;
    // An anonymous fetch still gets no items.
    let (_, anonymous) = fetch_as2(&closed_uri).await;
    assert!(anonymous.get("orderedItems").is_none());

    // Unfollowing on A stops it on B; deleting on B removes it on C.
    amina
        .post_ok(
            &format!("/api/v1/pln/collections/{a_id}/unfollow"),
            json!({}),
        )
        .await;
    bob.wait_for(
        "no follower on B",
        &format!("/api/v1/pln/collections/{cid}"),
        |v| v["followers_count"] == 0,
    )
    .await;
    let (status, _) = bob
        .delete(&format!("/api/v1/pln/collections/{closed_id}"))
        .await;
    assert_eq!(status, 200);
    crate::harness::eventually("the deletion on C", || async {
        carol
            .get(&format!("/api/v1/pln/collections/{c_id}"))
            .await
            .0
            == 410
    })
    .await;
    let (status, _) = fetch_as2(&closed_uri).await;
    assert_eq!(status, 410);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_collection_input_is_refused_and_changes_nothing() {
    let [a, b] = cluster::<2>().await;
    let amina = ApiClient::new(&a, "amina").await;
    let bob = ApiClient::new(&b, "bob").await;
    let dina = ApiClient::new(&b, "dina").await;
    let r1 = publish_resource(&bob, "Les fractions").await;
    let coll = bob
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Fractions", "subjects": ["mathematics"]}),
        )
        .await;
    let cid = id_of(&coll);
    let items_path = format!("/api/v1/pln/collections/{cid}/items");
    bob.post_ok(&items_path, json!({"resource_id": id_of(&r1)}))
        .await;

    // Unknown visibility, subject, a blank title.
    for (body, field) in [
        (json!({"title": "X", "visibility": "friends"}), "visibility"),
        (json!({"title": "X", "subjects": ["astrology"]}), "subjects"),
        (json!({"title": " "}), "title"),
    ] {
        let (status, err) = bob.post("/api/v1/pln/collections", body).await;
        assert_eq!(status, 422, "{err}");
        assert!(err["error"].as_str().unwrap().contains(field), "{err}");
    }
    let (status, err) = bob
        .patch(
            &format!("/api/v1/pln/collections/{cid}"),
            json!({"visibility": "secret"}),
        )
        .await;
    assert_eq!(status, 422, "{err}");

    // Garbage and huge bodies.
    let garbage = bob
        .send(
            bob.http
                .post(bob.url("/api/v1/pln/collections"))
                .header("content-type", "application/json")
                .body("{\"title\": [nope"),
        )
        .await;
    assert!((400..500).contains(&garbage.status), "{}", garbage.status);
    assert!(garbage.body["error"].is_string());
    let huge = "x".repeat(3 * 1024 * 1024);
    let (status, _) = bob
        .post("/api/v1/pln/collections", json!({"title": huge}))
        .await;
    assert!((400..500).contains(&status), "{status}");

    // Someone else's collection: no adding, editing, deleting, reordering.
    let (status, err) = dina
        .post(&items_path, json!({"resource_id": id_of(&r1)}))
        .await;
    assert_eq!(status, 403, "{err}");
    let (status, _) = dina
        .patch(
            &format!("/api/v1/pln/collections/{cid}"),
            json!({"title": "Mine"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = dina.delete(&format!("/api/v1/pln/collections/{cid}")).await;
    assert_eq!(status, 403);
    // A private collection does not exist for others.
    let private = bob
        .post_ok(
            "/api/v1/pln/collections",
            json!({"title": "Brouillons", "visibility": "private"}),
        )
        .await;
    let pid = id_of(&private);
    assert_eq!(
        dina.get(&format!("/api/v1/pln/collections/{pid}")).await.0,
        404
    );
    assert_eq!(
        dina.post(&format!("/api/v1/pln/collections/{pid}/follow"), json!({}))
            .await
            .0,
        404
    );
    let (status, _) = fetch_as2(private["uri"].as_str().unwrap()).await;
    assert_eq!(status, 404);
    let mine = bob
        .ok(&format!(
            "/api/v1/pln/collections?account_id={}",
            bob.actor().id
        ))
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let theirs = dina
        .ok(&format!(
            "/api/v1/pln/collections?account_id={}",
            bob.actor().id
        ))
        .await;
    assert_eq!(theirs.as_array().unwrap().len(), 1);

    // A private item (a followers-only status), a status that is no resource, a repeat, a
    // deleted resource, neither id nor URL.
    let secret = dina
        .post_ok(
            "/api/v1/statuses",
            json!({"status": "Pour mes abonnés", "visibility": "private"}),
        )
        .await;
    let (status, err) = bob.post(&items_path, json!({"url": secret["uri"]})).await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("not public"),
        "{err}"
    );
    let plain = dina
        .post_ok("/api/v1/statuses", json!({"status": "Bonjour"}))
        .await;
    let (status, err) = bob.post(&items_path, json!({"url": plain["uri"]})).await;
    assert_eq!(status, 422, "{err}");
    let (status, err) = bob
        .post(&items_path, json!({"resource_id": id_of(&r1)}))
        .await;
    assert_eq!(status, 422, "{err}");
    assert!(err["error"].as_str().unwrap().contains("already"), "{err}");
    let gone = publish_resource(&bob, "Supprimée").await;
    bob.delete(&format!("/api/v1/pln/resources/{}", id_of(&gone)))
        .await;
    let (status, err) = bob
        .post(&items_path, json!({"resource_id": id_of(&gone)}))
        .await;
    assert_eq!(status, 422, "{err}");
    let (status, _) = bob.post(&items_path, json!({"note": "?"})).await;
    assert_eq!(status, 422);
    let (status, _) = bob
        .put(&format!("{items_path}/order"), json!({"item_ids": ["1"]}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(stored_items(&b, coll["uri"].as_str().unwrap()).await, 1);

    // Add/Remove from a domain that does not own the collection, and to an unknown one.
    let b_inbox = format!("{}/inbox", b.base);
    let amina_id = amina.actor().ap_id.clone();
    let forged = [
        json!({"type": "Add", "id": format!("{amina_id}#add1"), "actor": amina_id,
               "object": r1["uri"], "target": coll["uri"]}),
        json!({"type": "Remove", "id": format!("{amina_id}#rm1"), "actor": amina_id,
               "object": r1["uri"], "target": coll["uri"]}),
        json!({"type": "Add", "id": format!("{amina_id}#add2"), "actor": amina_id,
               "object": r1["uri"], "target": format!("{}/collections/77", a.base)}),
        json!({"type": "Update", "id": format!("{amina_id}#up1"), "actor": amina_id,
               "object": {"type": "OrderedCollection", "id": coll["uri"],
                          "attributedTo": amina_id, "name": "Volée",
                          "collectionVisibility": "public", "orderedItems": []}}),
    ];
    for activity in forged {
        let (status, err) = post_signed(&b_inbox, amina.actor(), &activity).await;
        assert!(
            (400..500).contains(&status),
            "{status} {err} for {activity}"
        );
    }
    assert_eq!(stored_items(&b, coll["uri"].as_str().unwrap()).await, 1);
    let still = bob.ok(&format!("/api/v1/pln/collections/{cid}")).await;
    assert_eq!(still["title"], "Fractions");
    // Mastodon's featured-post Add is not ours: a pin of a status that cannot be read is
    // accepted and dropped.
    let pin = json!({"type": "Add", "id": format!("{amina_id}#pin"), "actor": amina_id,
        "object": format!("{amina_id}/statuses/1"),
        "target": format!("{amina_id}/collections/featured")});
    let (status, err) = post_signed(&b_inbox, amina.actor(), &pin).await;
    assert!((200..300).contains(&status), "{status} {err}");
}
