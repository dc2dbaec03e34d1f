//! Account migration (Move) on three nodes: alice@A has followers on B and C, a list entry, a
//! mute and a mentorship with bob@C; she creates alice2@B, declares alice@A as its alias and
//! moves. Forged Moves (actor ≠ object, a target without the alias, an origin that does not
//! point at the target, a wrong signer) change nothing; the real one makes the followers on B
//! and C follow alice2@B (Follow → Accept), C's list, mute and notification follow, bob's
//! mentorship on C points at alice2@B and his next message goes to B, which accepts it without
//! storing anything (the agreement comes with the archive import); the old account cannot post
//! and shows `moved` in the Mastodon API.
use crate::api_client::{ApiClient, follow_across, post_signed, post_signed_with};
use crate::harness::{TestNode, cluster, eventually};
use crate::pln_shared::{get_as2, knows_halqa, urlencode};
use halqa::{
    db::{
        self,
        entity::{
            actor, delivery, held_activity, mentorship_agreement, mentorship_message, notification,
            outgoing_activity,
        },
    },
    service::{lists, moves, relationships},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

/// `node`'s copy of `handle` (fetched when unknown), re-read from its database.
async fn known(node: &TestNode, handle: &str) -> actor::Model {
    let actor = node.resolve(handle).await;
    db::actors::get_by_id(&node.data().db.read, actor.id)
        .await
        .unwrap()
}

/// Whether `follower` follows `followee` on `node` (accepted).
async fn follows(node: &TestNode, follower: i64, followee: i64) -> bool {
    db::follows::find(&node.data().db.read, follower, followee)
        .await
        .unwrap()
        .is_some_and(|f| f.accepted)
}

/// What a forged or premature Move must leave alone on C: carim still follows alice@A, who has
/// not moved there.
async fn nothing_moved(c: &TestNode, carim: &actor::Model, alice_on_c: &actor::Model) {
    let now = db::actors::get_by_id(&c.data().db.read, alice_on_c.id)
        .await
        .unwrap();
    assert!(now.moved_to_ap_id.is_none(), "{now:?}");
    assert!(follows(c, carim.id, alice_on_c.id).await);
}

fn move_activity(id: &str, actor: &str, object: &str, target: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id, "type": "Move", "actor": actor, "object": object, "target": target,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_moves_with_its_followers_and_mentorship() {
    let [a, b, c] = cluster::<3>().await;
    for (node, peer) in [(&a, &b), (&a, &c), (&b, &a), (&b, &c), (&c, &a), (&c, &b)] {
        knows_halqa(node, peer).await;
    }
    let alice = ApiClient::new(&a, "alice").await;
    let mallory = a.create_user("mallory").await;
    let alice2 = b.create_user("alice2").await;
    let fatima = b.create_user("fatima").await;
    let carim = ApiClient::new(&c, "carim").await;
    let bob = ApiClient::new(&c, "bob").await;

    // Followers on B and C; carim lists and mutes alice.
    let alice_on_b = follow_across(&b, &fatima, &a, "alice").await;
    let alice_on_c = follow_across(&c, carim.actor(), &a, "alice").await;
    let list = lists::create(
        &c.data(),
        carim.actor().id,
        lists::ListChanges {
            title: Some("CRMEF".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    lists::add_accounts(&c.data(), carim.actor().id, list.id, &[alice_on_c.id])
        .await
        .unwrap();
    relationships::mute(&c.data(), carim.actor(), &alice_on_c, false, None)
        .await
        .unwrap();

    // Bob@C mentors alice@A.
    let (status, offer) = bob
        .post(
            "/api/v1/pln/mentorship/offers",
            json!({
                "title": "Premières séquences", "description": "Un appel par semaine.",
                "subjects": ["mathematics"], "levels": ["secondary"], "languages": ["fr"],
                "format": "online", "capacity": 2,
            }),
        )
        .await;
    assert_eq!(status, 200, "{offer}");
    let offer_uri = offer["uri"].as_str().unwrap().to_string();
    let found = alice
        .ok(&format!(
            "/api/v2/search?resolve=true&q={}",
            urlencode(&offer_uri)
        ))
        .await;
    let a_offer = found["statuses"][0]["pln"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    alice
        .post_ok(
            &format!("/api/v1/pln/mentorship/offers/{a_offer}/requests"),
            json!({"message": "Bonjour"}),
        )
        .await;
    let pending = bob
        .wait_for(
            "alice's request on C",
            "/api/v1/pln/mentorship/requests?role=mentor&state=pending",
            |l| l.as_array().is_some_and(|a| a.len() == 1),
        )
        .await;
    let request_id = pending[0]["id"].as_str().unwrap().to_string();
    bob.post_ok(
        &format!("/api/v1/pln/mentorship/requests/{request_id}/accept"),
        json!({}),
    )
    .await;
    let c_mentorship = bob.ok("/api/v1/pln/mentorships").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    alice
        .wait_for("the mentorship on A", "/api/v1/pln/mentorships", |l| {
            l.as_array().is_some_and(|a| a.len() == 1)
        })
        .await;
    let offer_before = bob
        .ok(&format!(
            "/api/v1/pln/mentorship/offers/{}",
            offer["id"].as_str().unwrap()
        ))
        .await;

    // Moving before alice2 lists alice is refused, and changes nothing.
    let refused = moves::move_out(&a.data(), alice.actor(), &b.handle("alice2")).await;
    assert!(
        matches!(
            refused,
            Err(moves::MoveError::Refused(moves::Refusal::NotAnAlias))
        ),
        "{refused:?}"
    );
    let alice_now = db::actors::get_by_id(&a.data().db.read, alice.actor().id)
        .await
        .unwrap();
    assert!(alice_now.moved_to_ap_id.is_none());

    // Forged Moves to C's inbox change nothing.
    let alice_id = alice.actor().ap_id.clone();
    let alice2_id = alice2.ap_id.clone();
    let inbox = format!("{}/inbox", c.base);
    let forged_id = |n: u32| format!("{}/activities/forged-move-{n}", a.base);
    // actor ≠ object: mallory announces alice's move.
    let (status, body) = post_signed(
        &inbox,
        &mallory,
        &move_activity(&forged_id(1), &mallory.ap_id, &alice_id, &alice2_id),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("actor"), "{body}");
    // The target does not list alice yet.
    let (status, body) = post_signed(
        &inbox,
        alice.actor(),
        &move_activity(&forged_id(2), &alice_id, &alice_id, &alice2_id),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("alsoKnownAs"),
        "{body}"
    );
    // Signed with mallory's key in alice's name.
    let forged = move_activity(&forged_id(3), &alice_id, &alice_id, &alice2_id);
    let (status, body) = post_signed_with(
        &inbox,
        alice.actor(),
        mallory.private_key_pem.as_deref(),
        serde_json::to_vec(&forged).unwrap(),
        chrono::Utc::now(),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    // Junk: no target.
    let mut junk = move_activity(&forged_id(4), &alice_id, &alice_id, &alice2_id);
    junk.as_object_mut().unwrap().remove("target");
    let (status, body) = post_signed(&inbox, alice.actor(), &junk).await;
    assert_eq!(status, 400, "{body}");
    nothing_moved(&c, carim.actor(), &alice_on_c).await;

    // alice2 declares alice@A as an alias: served as alsoKnownAs, with the context term.
    moves::add_alias(&b.data(), &alice2, &a.handle("alice"))
        .await
        .unwrap();
    let doc = get_as2(&alice2_id).await;
    assert_eq!(doc["alsoKnownAs"], json!([alice_id]), "{doc}");
    assert!(
        doc["@context"].to_string().contains("as:alsoKnownAs"),
        "{doc}"
    );
    // A Move while alice's own document does not point at alice2 is still refused.
    let (status, body) = post_signed(
        &inbox,
        alice.actor(),
        &move_activity(&forged_id(5), &alice_id, &alice_id, &alice2_id),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("movedTo"),
        "{body}"
    );
    nothing_moved(&c, carim.actor(), &alice_on_c).await;

    // Alice also waits on a second request to Bob when she moves.
    let (status, second) = bob
        .post(
            "/api/v1/pln/mentorship/offers",
            json!({
                "title": "Évaluer sans noter", "description": "Un atelier par mois.",
                "subjects": ["mathematics"], "levels": ["secondary"], "languages": ["fr"],
                "format": "online", "capacity": 5,
            }),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let found = alice
        .ok(&format!(
            "/api/v2/search?resolve=true&q={}",
            urlencode(second["uri"].as_str().unwrap())
        ))
        .await;
    let a_second = found["statuses"][0]["pln"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    alice
        .post_ok(
            &format!("/api/v1/pln/mentorship/offers/{a_second}/requests"),
            json!({"message": "Et celle-ci ?"}),
        )
        .await;
    bob.wait_for(
        "alice's second request on C",
        "/api/v1/pln/mentorship/requests?role=mentor&state=pending",
        |l| l.as_array().is_some_and(|a| a.len() == 1),
    )
    .await;

    // Alice mentors too: carim@C asks for her offer, and is still waiting when she moves.
    let (status, alice_offer) = alice
        .post(
            "/api/v1/pln/mentorship/offers",
            json!({
                "title": "Gestion de classe", "description": "Deux séances par mois.",
                "subjects": ["french"], "levels": ["primary"], "languages": ["fr"],
                "format": "online", "capacity": 3,
            }),
        )
        .await;
    assert_eq!(status, 200, "{alice_offer}");
    // carim follows alice, so the offer's Note may be arriving on C at the same moment: its
    // post is stored before the offer is linked to it, and the search may see that instant.
    let found = carim
        .wait_for(
            "alice's offer found on C with its PLN fields",
            &format!(
                "/api/v2/search?resolve=true&q={}",
                urlencode(alice_offer["uri"].as_str().unwrap())
            ),
            |f| f["statuses"][0]["pln"]["id"].is_string(),
        )
        .await;
    let c_offer = found["statuses"][0]["pln"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    carim
        .post_ok(
            &format!("/api/v1/pln/mentorship/offers/{c_offer}/requests"),
            json!({"message": "Je débute en CE1"}),
        )
        .await;
    alice
        .wait_for(
            "carim's request on A",
            "/api/v1/pln/mentorship/requests?role=mentor&state=pending",
            |l| l.as_array().is_some_and(|a| a.len() == 1),
        )
        .await;

    // The move.
    let alice2_ref = moves::move_out(&a.data(), alice.actor(), &b.handle("alice2"))
        .await
        .unwrap();
    assert_eq!(alice2_ref.ap_id, alice2_id);
    let doc = get_as2(&alice_id).await;
    assert_eq!(doc["movedTo"], json!(alice2_id), "{doc}");
    // Moving again at once is refused (cooldown).
    let again = moves::move_out(&a.data(), alice.actor(), &b.handle("alice2")).await;
    assert!(
        matches!(
            again,
            Err(moves::MoveError::Refused(moves::Refusal::Cooldown(_)))
        ),
        "{again:?}"
    );

    // Followers on B (local to alice2) and C (a Follow, then B's Accept) follow alice2.
    let alice2_on_c = known(&c, &b.handle("alice2")).await;
    let (cd, bd) = (c.data(), b.data());
    let (carim_id, fatima_id) = (carim.actor().id, fatima.id);
    eventually("carim@C follows alice2@B", || {
        let cd = cd.clone();
        let id = alice2_on_c.id;
        async move {
            db::follows::find(&cd.db.read, carim_id, id)
                .await
                .unwrap()
                .is_some_and(|f| f.accepted)
        }
    })
    .await;
    eventually("fatima@B follows alice2", || {
        let bd = bd.clone();
        let id = alice2.id;
        async move {
            db::follows::find(&bd.db.read, fatima_id, id)
                .await
                .unwrap()
                .is_some_and(|f| f.accepted)
        }
    })
    .await;
    // C hands the rest over after the followers; its last step re-points bob's mentorship.
    eventually("C re-points bob's mentorship at alice2", || {
        let cd = cd.clone();
        let id = alice2_on_c.id;
        async move {
            mentorship_agreement::Entity::find()
                .filter(mentorship_agreement::Column::MenteeId.eq(id))
                .one(&cd.db.read)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    // On B, fatima's unfollow of alice and then her `move` notification follow her new follow.
    eventually("fatima@B told of the move", || {
        let bd = bd.clone();
        async move {
            notification::Entity::find()
                .filter(notification::Column::RecipientId.eq(fatima_id))
                .filter(notification::Column::Kind.eq("move"))
                .one(&bd.db.read)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    assert!(!follows(&c, carim_id, alice_on_c.id).await);
    assert!(!follows(&b, fatima_id, alice_on_b.id).await);
    let count = db::follows::count_accepted(&b.data().db.read, alice2.id, true)
        .await
        .unwrap();
    assert_eq!(count, 2, "alice2 has fatima and carim as followers");
    // C's copy of alice is marked moved; the list, the mute and a `move` notification follow.
    let alice_on_c = known(&c, &a.handle("alice")).await;
    assert_eq!(
        alice_on_c.moved_to_ap_id.as_deref(),
        Some(alice2_id.as_str())
    );
    let members = db::lists::member_ids(&c.data().db.read, list.id, None, None, None, 40)
        .await
        .unwrap();
    assert!(members.contains(&alice2_on_c.id) && !members.contains(&alice_on_c.id));
    assert!(
        db::relationships::find_mute(&c.data().db.read, carim_id, alice2_on_c.id)
            .await
            .unwrap()
            .is_some()
    );
    let notes = carim
        .wait_for(
            "the move notification",
            "/api/v1/notifications?types[]=move",
            |l| l.as_array().is_some_and(|a| !a.is_empty()),
        )
        .await;
    assert_eq!(notes[0]["type"], "move");
    assert_eq!(notes[0]["account"]["acct"], a.handle("alice"));
    assert_eq!(notes[0]["target"]["acct"], b.handle("alice2"));

    // Alice's offer closed on A and, through its Update, on C; carim's request was declined
    // with a reason that names where alice went.
    let offer_on_a = alice
        .ok(&format!(
            "/api/v1/pln/mentorship/offers/{}",
            alice_offer["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(offer_on_a["state"], "closed", "{offer_on_a}");
    let declined = carim
        .wait_for(
            "carim's request declined",
            "/api/v1/pln/mentorship/requests?role=mentee",
            |l| l[0]["state"] == "declined",
        )
        .await;
    let reason = declined[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains(&b.handle("alice2")), "{declined}");
    carim
        .wait_for(
            "alice's offer closed on C",
            &format!("/api/v1/pln/mentorship/offers/{c_offer}"),
            |o| o["state"] == "closed",
        )
        .await;

    // Alice's own pending request is withdrawn on both nodes (Bob is told); the accepted one
    // became the mentorship that follows her.
    let mine = alice
        .ok("/api/v1/pln/mentorship/requests?role=mentee&state=pending")
        .await;
    assert_eq!(mine, json!([]), "{mine}");
    // C withdraws it on the Move or on A's withdrawal, whichever arrives first; neither is
    // ordered with the offer's Update waited for above.
    let withdrawn = bob
        .wait_for(
            "alice's second request withdrawn on C",
            "/api/v1/pln/mentorship/requests?role=mentor&state=withdrawn",
            |l| l.as_array().is_some_and(|a| !a.is_empty()),
        )
        .await;
    assert_eq!(withdrawn.as_array().map(Vec::len), Some(1), "{withdrawn}");
    let waiting = bob
        .ok("/api/v1/pln/mentorship/requests?role=mentor&state=pending")
        .await;
    assert_eq!(waiting, json!([]), "{waiting}");
    assert_eq!(withdrawn[0]["message"], "Et celle-ci ?");
    let told = bob.ok("/api/v1/pln/mentorship/notifications").await;
    assert!(
        told.as_array()
            .unwrap()
            .iter()
            .any(|n| n["type"] == "request_withdrawn"),
        "{told}"
    );

    // The Mastodon API on C shows `moved`; the old account's own profile too.
    let account = carim
        .ok(&format!("/api/v1/accounts/{}", alice_on_c.id))
        .await;
    crate::api_contract::assert_account_shape(&account);
    assert_eq!(account["moved"]["acct"], b.handle("alice2"), "{account}");
    assert_eq!(account["moved"]["id"], alice2_on_c.id.to_string());
    let own = alice.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(own["moved"]["acct"], b.handle("alice2"), "{own}");
    let unmoved = carim
        .ok(&format!("/api/v1/accounts/{}", alice2_on_c.id))
        .await;
    assert!(unmoved.get("moved").is_none(), "{unmoved}");

    // The old account cannot post.
    let (status, body) = alice
        .post("/api/v1/statuses", json!({"status": "still here?"}))
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap().contains("moved"), "{body}");

    // Bob's mentorship on C now points at alice2@B; capacity is unchanged.
    let agreement = mentorship_agreement::Entity::find()
        .one(&c.data().db.read)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(agreement.mentee_id, alice2_on_c.id);
    assert_eq!(agreement.mentor_id, bob.actor().id);
    let offer_after = bob
        .ok(&format!(
            "/api/v1/pln/mentorship/offers/{}",
            offer["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(offer_after["available"], offer_before["available"]);
    let space = bob
        .ok(&format!("/api/v1/pln/mentorships/{c_mentorship}"))
        .await;
    assert!(space.to_string().contains(&b.handle("alice2")), "{space}");

    // Bob's next message goes to alice2's inbox on B, which accepts it and holds it: the
    // agreement arrives with the archive import, which applies it (account_archive).
    bob.post_ok(
        &format!("/api/v1/pln/mentorships/{c_mentorship}/messages"),
        json!({"content": "Bienvenue dans ta nouvelle école"}),
    )
    .await;
    let message = outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Body.contains("Bienvenue dans ta nouvelle"))
        .one(&c.data().db.read)
        .await
        .unwrap()
        .expect("the message activity");
    let b_domain = b.domain.clone();
    eventually("the message delivered to B", || {
        let cd = cd.clone();
        let b_domain = b_domain.clone();
        async move {
            delivery::Entity::find()
                .filter(delivery::Column::ActivityId.eq(message.id))
                .all(&cd.db.read)
                .await
                .unwrap()
                .iter()
                .any(|d| d.host == b_domain && d.state == delivery::state::DONE)
        }
    })
    .await;
    let stored = mentorship_message::Entity::find()
        .count(&b.data().db.read)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let held = held_activity::Entity::find()
        .all(&b.data().db.read)
        .await
        .unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0].recipient_id, alice2.id);
    assert!(held[0].body.contains("Bienvenue dans ta nouvelle"));
    // Nobody can fill the table: past 1,000 activities held for one account, more are
    // accepted and dropped.
    let filler: Vec<held_activity::ActiveModel> = (1..1000)
        .map(|i| held_activity::ActiveModel {
            id: Set(i),
            recipient_id: Set(alice2.id),
            context: Set(agreement.ap_id.clone()),
            body: Set("{}".into()),
            received_at: Set(chrono::Utc::now()),
        })
        .collect();
    held_activity::Entity::insert_many(filler)
        .exec(&b.data().db.write)
        .await
        .unwrap();
    let bob_id = bob.actor().ap_id.clone();
    let one_more = json!({
        "type": "Create", "id": format!("{bob_id}#create-one-more"), "actor": bob_id,
        "to": [alice2_id],
        "object": {"type": "MentorshipMessage", "id": format!("{bob_id}#one-more"),
                   "attributedTo": bob_id, "context": agreement.ap_id, "to": [alice2_id],
                   "content": "<p>Encore un</p>"},
    });
    let (status, body) = post_signed(&format!("{}/inbox", b.base), bob.actor(), &one_more).await;
    assert!((200..300).contains(&status), "{status} {body}");
    let held_now = held_activity::Entity::find()
        .count(&b.data().db.read)
        .await
        .unwrap();
    assert_eq!(held_now, 1000);
    assert_eq!(
        mentorship_agreement::Entity::find()
            .count(&b.data().db.read)
            .await
            .unwrap(),
        0
    );
    // A keeps its own copy of the mentorship with alice (the history the archive exports).
    let on_a = mentorship_agreement::Entity::find()
        .one(&a.data().db.read)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(on_a.mentee_id, alice.actor().id);
}

/// The client API (GoToSocial's endpoints) across two nodes: alice2@B sets her aliases with
/// `POST /api/v1/accounts/alias` (an unknown account, herself or a list that repeats one are
/// refused or folded, nothing changed), then alice@A moves with `POST /api/v1/accounts/move`
/// (no alias yet, a wrong password and a missing target refused first); clearing the aliases
/// afterwards empties the list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_moves_through_the_client_api() {
    let [a, b] = cluster::<2>().await;
    for (node, peer) in [(&a, &b), (&b, &a)] {
        knows_halqa(node, peer).await;
    }
    let alice = ApiClient::new(&a, "alice").await;
    let alice2 = ApiClient::new(&b, "alice2").await;
    let alice_id = alice.actor().ap_id.clone();
    let alice2_id = alice2.actor().ap_id.clone();
    let password = "correct horse battery";

    // Refused moves change nothing: no alias on alice2 yet, a wrong password, no target.
    let (status, body) = alice
        .post(
            "/api/v1/accounts/move",
            json!({"password": password, "moved_to_uri": alice2_id}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("alsoKnownAs"),
        "{body}"
    );
    let (status, body) = alice
        .post(
            "/api/v1/accounts/move",
            json!({"password": "wrong", "moved_to_uri": alice2_id}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = alice
        .post("/api/v1/accounts/move", json!({"password": password}))
        .await;
    assert_eq!(status, 422, "{body}");
    let own = alice.ok("/api/v1/accounts/verify_credentials").await;
    assert!(own.get("moved").is_none(), "{own}");

    // Aliases: an unknown account is a 404, herself a 422, and nothing is stored.
    let (status, body) = alice2
        .post(
            "/api/v1/accounts/alias",
            json!({"also_known_as_uris": [alice_id, format!("@nobody@{}", a.domain)]}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = alice2
        .post(
            "/api/v1/accounts/alias",
            json!({"also_known_as_uris": [alice2_id]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let own2 = alice2.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(own2["source"]["also_known_as_uris"], json!([]), "{own2}");
    // The same account by handle and by id counts once.
    let (status, set) = alice2
        .post(
            "/api/v1/accounts/alias",
            json!({"also_known_as_uris": [format!("@{}", a.handle("alice")), alice_id]}),
        )
        .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        set["source"]["also_known_as_uris"],
        json!([alice_id]),
        "{set}"
    );
    crate::api_contract::assert_account_shape(&set);
    let doc = get_as2(&alice2_id).await;
    assert_eq!(doc["alsoKnownAs"], json!([alice_id]), "{doc}");

    // The move: 202, and the old account shows where it went.
    let (status, body) = alice
        .post(
            "/api/v1/accounts/move",
            json!({"password": password, "moved_to_uri": alice2_id}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body, json!({"message": "accepted"}));
    let own = alice.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(own["moved"]["acct"], b.handle("alice2"), "{own}");
    let doc = get_as2(&alice_id).await;
    assert_eq!(doc["movedTo"], json!(alice2_id), "{doc}");

    // An empty list clears the aliases; here form-encoded, with one empty entry.
    let (status, cleared) = alice2
        .form(
            http::Method::POST,
            "/api/v1/accounts/alias",
            "also_known_as_uris%5B%5D=",
        )
        .await;
    assert_eq!(status, 200, "{cleared}");
    assert_eq!(cleared["source"]["also_known_as_uris"], json!([]));
}

/// The web page on one node, where an account moves to another account of the same node: the
/// alias form (CSRF, an unknown account refused in French with the input kept), the move form
/// (a wrong password refused, then the move), the moved notice on the profile, and the local
/// follower following the new account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_account_moves_through_the_web_page() {
    use crate::web_browser::Browser;
    let [node] = cluster::<1>().await;
    let amina = node.create_user("amina").await;
    let amina2 = node.create_user("amina2").await;
    let fatima = node.create_user("fatima").await;
    halqa::service::follows::follow(&node.data(), &fatima, &amina)
        .await
        .unwrap();
    let new = Browser::log_in(&node, "amina2").await;
    let settings = new.get("/settings").await;
    assert!(settings.body.contains("href=\"/settings/migration\""));
    let page = new.get("/settings/migration").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("action=\"/settings/migration/aliases\""));
    let csrf = page.csrf();

    let forged = new
        .post(
            "/settings/migration/aliases",
            &[("csrf", "forged"), ("alias", "@amina")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let unknown = format!("@nobody@{}", node.domain);
    let refused = new
        .post_in(
            "/settings/migration/aliases",
            &[("csrf", &csrf), ("alias", &unknown)],
            "fr",
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("Ce compte est introuvable"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(&format!("value=\"{unknown}\"")));
    let handle = format!("@{}", node.handle("amina"));
    let added = new
        .post(
            "/settings/migration/aliases",
            &[("csrf", &csrf), ("alias", &handle)],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = new.get("/settings/migration?done=alias-added").await;
    assert!(page.body.contains(&amina.ap_id), "{}", page.body);

    let old = Browser::log_in(&node, "amina").await;
    let csrf = old.get("/settings/migration").await.csrf();
    let target = format!("@{}", node.handle("amina2"));
    let wrong = old
        .post_in(
            "/settings/migration/move",
            &[("csrf", &csrf), ("target", &target), ("password", "nope")],
            "fr",
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(
        wrong.body.contains("Le mot de passe est incorrect"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains(&format!("value=\"{target}\"")));
    assert!(
        db::actors::get_by_id(&node.data().db.read, amina.id)
            .await
            .unwrap()
            .moved_to_ap_id
            .is_none()
    );
    let moved = old
        .post(
            "/settings/migration/move",
            &[
                ("csrf", &csrf),
                ("target", &target),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let page = old.get("/settings/migration?done=moved").await;
    assert!(page.body.contains("id=\"moved-notice\""), "{}", page.body);

    // The profile says where she went; her follower follows the new account.
    let profile = Browser::anonymous(&node).get_in("/@amina", "en").await;
    assert!(profile.body.contains("has moved to"), "{}", profile.body);
    assert!(
        profile.body.contains("href=\"/@amina2\""),
        "{}",
        profile.body
    );
    assert!(follows(&node, fatima.id, amina2.id).await);
    assert!(!follows(&node, fatima.id, amina.id).await);
    let told = notification::Entity::find()
        .filter(notification::Column::RecipientId.eq(fatima.id))
        .filter(notification::Column::Kind.eq("move"))
        .filter(notification::Column::FromActorId.eq(amina.id))
        .count(&node.data().db.read)
        .await
        .unwrap();
    assert_eq!(told, 1);
    let notes = Browser::log_in(&node, "fatima")
        .await
        .get("/notifications")
        .await;
    assert!(notes.body.contains("href=\"/@amina2\""), "{}", notes.body);
}

/// Real payloads: Mastodon's `Move` (its documentation's example) and FEP-7628's push mode read
/// as a believable shape; FEP-7628's pull mode (the new account announces, `actor` ≠ `object`)
/// is refused, as Mastodon refuses it; a real Mastodon actor's context spells `alsoKnownAs` and
/// `movedTo` as Halqa's does, and those fields are read from it.
#[test]
fn mastodon_and_fep_move_payloads() {
    use halqa::{
        federation::{activities::Move, actors::person::Person, context::default_context},
        service::moves::rules::{Forged, check_move_shape},
    };
    let shape = |m: &Move| check_move_shape(m.actor.as_str(), m.object.as_str(), m.target.as_str());
    let mastodon: Move = serde_json::from_str(include_str!(
        "../fixtures/activitypub/mastodon-docs/move.json"
    ))
    .unwrap();
    assert_eq!(mastodon.id.fragment(), Some("moves/1"));
    assert_eq!(shape(&mastodon), Ok(()));
    assert_eq!(
        mastodon.to[0].as_str(),
        "https://mastodon.example/users/alice/followers"
    );
    let push: Move = serde_json::from_str(include_str!(
        "../fixtures/activitypub/fep/7628_move_actor_push_mode.json"
    ))
    .unwrap();
    assert_eq!(shape(&push), Ok(()));
    let pull: Move = serde_json::from_str(include_str!(
        "../fixtures/activitypub/fep/7628_move_actor_pull_mode.json"
    ))
    .unwrap();
    assert_eq!(shape(&pull), Err(Forged::ActorIsNotObject));

    let mut actor: Value = serde_json::from_str(include_str!(
        "../fixtures/activitypub/fedify/mastodon_actor_activitypub.academy.json"
    ))
    .unwrap();
    let theirs = actor["@context"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c.is_object())
        .unwrap()
        .clone();
    let ours = default_context()[2].clone();
    for term in ["alsoKnownAs", "movedTo"] {
        assert_eq!(theirs[term], ours[term], "{term}");
    }
    // One alias as a plain string (as Mastodon sends a single one) and a move.
    actor["alsoKnownAs"] = json!("https://old.example/users/brauca");
    actor["movedTo"] = json!("https://new.example/users/brauca");
    let person: Person = serde_json::from_value(actor.clone()).unwrap();
    assert_eq!(person.also_known_as.len(), 1);
    assert_eq!(
        person.moved_to.as_ref().map(|u| u.as_str()),
        Some("https://new.example/users/brauca")
    );
    // Junk in either is read as absent, not as an error.
    actor["alsoKnownAs"] = json!(42);
    actor["movedTo"] = json!({"name": "no id"});
    let person: Person = serde_json::from_value(actor).unwrap();
    assert!(person.also_known_as.is_empty() && person.moved_to.is_none());
}
