//! Federation between real nodes: follows, posts, replies, likes, boosts, edits, deletes and
//! undos crossing nodes, shared-inbox de-duplication, concurrent first fetches of one actor,
//! and delivery to a node that was down.
use crate::api_client::follow_across;
use crate::harness::{TestNode, cluster, eventually, production_delivery_timing};
use halqa::{
    db::{
        self,
        entity::{actor, delivery},
    },
    service::{follows, posts},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn text(s: &str) -> posts::NewPost {
    posts::NewPost {
        text: s.into(),
        visibility: "public".into(),
        ..Default::default()
    }
}

async fn remote_post(node: &TestNode, ap_id: &str) -> Option<halqa::db::entity::post::Model> {
    db::posts::find_by_ap_id(&node.data().db.read, ap_id)
        .await
        .expect("query")
}

async fn wait_for_post(node: &TestNode, ap_id: &str) -> halqa::db::entity::post::Model {
    let data = node.data();
    let id = ap_id.to_string();
    eventually(&format!("{ap_id} to arrive"), || {
        let (data, id) = (data.clone(), id.clone());
        async move {
            db::posts::find_by_ap_id(&data.db.read, &id)
                .await
                .ok()
                .flatten()
                .is_some()
        }
    })
    .await;
    remote_post(node, ap_id).await.expect("arrived")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_is_accepted_and_posts_reach_the_remote_follower() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    follow_across(&a, &alice, &b, "bob").await;

    // Bob's node records Alice as an accepted follower.
    let alice_on_b = db::actors::find_by_ap_id(&b.data().db.read, &alice.ap_id)
        .await
        .unwrap()
        .expect("alice known on B");
    let row = db::follows::find(&b.data().db.read, alice_on_b.id, bob.id)
        .await
        .unwrap()
        .expect("follow on B");
    assert!(row.accepted);

    let post = posts::create_post(
        &b.data(),
        &bob,
        posts::NewPost {
            text: "Séance de lecture demain #Lecture @alice@".to_string() + &a.domain,
            spoiler_text: Some("annonce".into()),
            sensitive: true,
            visibility: "public".into(),
            language: Some("fr".into()),
            in_reply_to_id: None,
        },
    )
    .await
    .unwrap();
    let copy = wait_for_post(&a, &post.ap_id).await;
    assert!(!copy.local);
    assert_eq!(copy.visibility, "public");
    assert_eq!(copy.summary.as_deref(), Some("annonce"));
    assert!(copy.sensitive);
    assert_eq!(copy.language.as_deref(), Some("fr"));
    assert!(
        copy.content.contains("Séance de lecture"),
        "{}",
        copy.content
    );
    assert_eq!(
        db::posts::tags(&a.data().db.read, copy.id).await.unwrap(),
        vec!["lecture".to_string()]
    );
    let mentioned = db::posts::mentioned_actors(&a.data().db.read, copy.id)
        .await
        .unwrap();
    assert_eq!(
        mentioned.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![alice.id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_likes_boosts_edits_deletes_and_undos_propagate() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    follow_across(&a, &alice, &b, "bob").await;
    let original = posts::create_post(
        &b.data(),
        &bob,
        text("Qui partage une fiche sur les fractions ?"),
    )
    .await
    .unwrap();
    let on_a = wait_for_post(&a, &original.ap_id).await;

    // Reply: reaches Bob (author of the parent) even though Bob doesn't follow Alice.
    let reply = posts::create_post(
        &a.data(),
        &alice,
        posts::NewPost {
            in_reply_to_id: Some(on_a.id),
            ..text("Oui, je l'envoie ce soir")
        },
    )
    .await
    .unwrap();
    let reply_on_b = wait_for_post(&b, &reply.ap_id).await;
    assert_eq!(reply_on_b.in_reply_to_id, Some(original.id));

    // Like.
    posts::favourite(&a.data(), &alice, on_a.id).await.unwrap();
    let bdata = b.data();
    let oid = original.id;
    eventually("the like to reach Bob", || {
        let bdata = bdata.clone();
        async move {
            db::posts::count_favourites(&bdata.db.read, oid)
                .await
                .unwrap()
                == 1
        }
    })
    .await;

    // Boost.
    posts::reblog(&a.data(), &alice, on_a.id).await.unwrap();
    eventually("the boost to reach Bob", || {
        let bdata = bdata.clone();
        async move {
            db::posts::count_reblogs_and_replies(&bdata.db.read, oid)
                .await
                .unwrap()
                == (1, 1)
        }
    })
    .await;

    // Edit of the original reaches Alice.
    posts::edit_post(
        &b.data(),
        &bob,
        original.id,
        text("Qui partage une fiche sur les fractions ? (CM1)"),
    )
    .await
    .unwrap();
    let adata = a.data();
    let ap_id = original.ap_id.clone();
    eventually("the edit to reach Alice", || {
        let (adata, ap_id) = (adata.clone(), ap_id.clone());
        async move {
            db::posts::find_by_ap_id(&adata.db.read, &ap_id)
                .await
                .unwrap()
                .is_some_and(|p| p.content.contains("(CM1)") && p.edited_at.is_some())
        }
    })
    .await;

    // Undo like and boost.
    posts::unfavourite(&a.data(), &alice, on_a.id)
        .await
        .unwrap();
    posts::unreblog(&a.data(), &alice, on_a.id).await.unwrap();
    eventually("the undos to reach Bob", || {
        let bdata = bdata.clone();
        async move {
            db::posts::count_favourites(&bdata.db.read, oid)
                .await
                .unwrap()
                == 0
                && db::posts::count_reblogs_and_replies(&bdata.db.read, oid)
                    .await
                    .unwrap()
                    == (0, 1)
        }
    })
    .await;

    // Delete of the reply.
    posts::delete_post(&a.data(), &alice, reply.id)
        .await
        .unwrap();
    let reply_ap_id = reply.ap_id.clone();
    eventually("the delete to reach Bob", || {
        let (bdata, id) = (bdata.clone(), reply_ap_id.clone());
        async move {
            db::posts::find_by_ap_id(&bdata.db.read, &id)
                .await
                .unwrap()
                .is_some_and(|p| p.deleted_at.is_some() && p.content.is_empty())
        }
    })
    .await;

    // Deleted posts answer 410 with a Tombstone.
    let response = reqwest::Client::new()
        .get(&reply.ap_id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfollow_removes_the_follow_on_both_nodes() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    let bob_on_a = follow_across(&a, &alice, &b, "bob").await;
    follows::unfollow(&a.data(), &alice, &bob_on_a)
        .await
        .unwrap();
    assert!(
        db::follows::find(&a.data().db.read, alice.id, bob_on_a.id)
            .await
            .unwrap()
            .is_none()
    );
    let bdata = b.data();
    let alice_ap = alice.ap_id.clone();
    eventually("the Undo(Follow) to reach Bob", || {
        let (bdata, alice_ap) = (bdata.clone(), alice_ap.clone());
        async move {
            let alice_on_b = db::actors::find_by_ap_id(&bdata.db.read, &alice_ap)
                .await
                .unwrap()
                .expect("known");
            db::follows::count_accepted(&bdata.db.read, bob.id, true)
                .await
                .unwrap()
                == 0
                && db::follows::find(&bdata.db.read, alice_on_b.id, bob.id)
                    .await
                    .unwrap()
                    .is_none()
        }
    })
    .await;
}

/// Several requests meeting one unknown actor at once (activities from a new peer arriving
/// together) each fetch it; all succeed and one row is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_fetches_of_an_actor_store_one_row() {
    let [a, b] = cluster::<2>().await;
    let bob = b.create_user("bob").await;
    let data = a.data();
    let fetches = (0..6).map(|_| {
        let data = data.clone();
        let id = url::Url::parse(&bob.ap_id).unwrap();
        tokio::spawn(async move {
            activitypub_federation::fetch::object_id::ObjectId::<
                halqa::federation::actors::person::DbActor,
            >::from(id)
            .dereference(&data)
            .await
            .map(|a| a.model.id)
        })
    });
    let ids: Vec<i64> = futures_util::future::join_all(fetches)
        .await
        .into_iter()
        .map(|joined| joined.unwrap().expect("every fetch succeeds"))
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let rows = actor::Entity::find()
        .filter(actor::Column::ApId.eq(bob.ap_id.as_str()))
        .count(&data.db.read)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_reach_only_mentioned_accounts_and_followers_share_one_inbox() {
    let [a, b, c] = cluster::<3>().await;
    let alice = a.create_user("alice").await;
    let dave = a.create_user("dave").await;
    let bob = b.create_user("bob").await;
    let carol = c.create_user("carol").await;
    follow_across(&a, &alice, &b, "bob").await;
    follow_across(&a, &dave, &b, "bob").await;
    follow_across(&c, &carol, &b, "bob").await;

    // A public post: one delivery per node (A's two followers share its shared inbox).
    let public = posts::create_post(&b.data(), &bob, text("Bonjour la halqa"))
        .await
        .unwrap();
    wait_for_post(&a, &public.ap_id).await;
    wait_for_post(&c, &public.ap_id).await;
    let inboxes: Vec<String> = delivery::Entity::find()
        .filter(delivery::Column::State.eq(delivery::state::DONE))
        .all(&b.data().db.read)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.inbox.ends_with("/inbox") && !d.inbox.contains("/users/"))
        .map(|d| d.inbox)
        .collect();
    assert!(inboxes.iter().filter(|i| i.contains(&a.domain)).count() >= 1);
    let create_rows = delivery::Entity::find()
        .filter(delivery::Column::Inbox.eq(format!("{}/inbox", a.base)))
        .count(&b.data().db.read)
        .await
        .unwrap();
    // Accepts for two follows + one Create… all on the same shared inbox, one row per activity.
    assert!(create_rows >= 1);

    // A direct message to Carol only.
    let dm = posts::create_post(
        &b.data(),
        &bob,
        posts::NewPost {
            visibility: "direct".into(),
            ..text(&format!("@carol@{} ta séquence est prête", c.domain))
        },
    )
    .await
    .unwrap();
    let on_c = wait_for_post(&c, &dm.ap_id).await;
    assert_eq!(on_c.visibility, "direct");
    let mentioned = db::posts::mentioned_actors(&c.data().db.read, on_c.id)
        .await
        .unwrap();
    assert_eq!(
        mentioned.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![carol.id]
    );
    // Alice's node never gets it: every delivery of that activity went to C.
    let activity = halqa::db::entity::outgoing_activity::Entity::find()
        .filter(halqa::db::entity::outgoing_activity::Column::Body.contains(dm.ap_id.as_str()))
        .one(&b.data().db.read)
        .await
        .unwrap()
        .expect("stored activity");
    let targets: Vec<String> = delivery::Entity::find()
        .filter(delivery::Column::ActivityId.eq(activity.id))
        .all(&b.data().db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.host)
        .collect();
    assert_eq!(targets, vec![c.domain.clone()]);
    assert!(remote_post(&a, &dm.ap_id).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_survives_a_node_that_is_down_and_comes_back() {
    // Alice's node waits as in production (a 30 s retry, a minute's cool-down), so only the
    // revival can bring the post across in time.
    let a = TestNode::spawn_with(production_delivery_timing).await;
    let mut b = TestNode::spawn().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    // Bob follows Alice and gets her first post; then Bob's node goes down.
    follow_across(&b, &bob, &a, "alice").await;
    let before = posts::create_post(&a.data(), &alice, text("Avant la panne"))
        .await
        .unwrap();
    let before_on_b = wait_for_post(&b, &before.ap_id).await;
    b.stop().await;

    let post = posts::create_post(&a.data(), &alice, text("Publié pendant la panne"))
        .await
        .unwrap();
    let adata = a.data();
    let host = b.domain.clone();
    eventually("a failed attempt to the down node", || {
        let (adata, host) = (adata.clone(), host.clone());
        async move {
            delivery::Entity::find()
                .filter(delivery::Column::Host.eq(host))
                .all(&adata.db.read)
                .await
                .unwrap()
                .iter()
                .any(|d| {
                    d.attempts >= 1 && d.state == delivery::state::PENDING && d.last_error.is_some()
                })
        }
    })
    .await;

    // Bob's node comes back and talks to Alice's node (Bob likes her earlier post): Alice's node
    // takes that as a sign of life and delivers what was waiting, without waiting for backoff.
    b.restart().await;
    posts::favourite(&b.data(), &bob, before_on_b.id)
        .await
        .unwrap();
    let data_b = b.data();
    let id = post.ap_id.clone();
    eventually("the post to reach the revived node", || {
        let (data_b, id) = (data_b.clone(), id.clone());
        async move {
            db::posts::find_by_ap_id(&data_b.db.read, &id)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_account_reaches_its_followers() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    let bob_on_a = follow_across(&a, &alice, &b, "bob").await;
    let post = posts::create_post(&b.data(), &bob, text("Au revoir"))
        .await
        .unwrap();
    wait_for_post(&a, &post.ap_id).await;

    halqa::service::accounts::delete_account(&b.data(), &bob)
        .await
        .unwrap();
    let adata = a.data();
    let (bob_id, post_id) = (bob_on_a.id, post.ap_id.clone());
    eventually("the account deletion to reach Alice's node", || {
        let (adata, post_id) = (adata.clone(), post_id.clone());
        async move {
            let bob = db::actors::get_by_id(&adata.db.read, bob_id).await.unwrap();
            let post = db::posts::find_by_ap_id(&adata.db.read, &post_id)
                .await
                .unwrap()
                .unwrap();
            bob.deleted_at.is_some()
                && post.deleted_at.is_some()
                && db::follows::count_accepted(&adata.db.read, alice.id, false)
                    .await
                    .unwrap()
                    == 0
        }
    })
    .await;
    let response = reqwest::Client::new()
        .get(&bob.ap_id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_eq!(status, 410, "{}", response.text().await.unwrap_or_default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pln_facets_federate_on_the_actor() {
    let [a, b] = cluster::<2>().await;
    let alice = a.create_user("alice").await;
    let bob = b.create_user("bob").await;
    let bob_on_a = follow_across(&a, &alice, &b, "bob").await;
    assert!(bob_on_a.stage.is_none());
    halqa::service::accounts::set_facets(
        &b.data(),
        bob.id,
        halqa::service::accounts::Facets {
            stage: Some("teacher".into()),
            subjects: vec!["mathematics".into(), "physics_chemistry".into()],
            levels: vec!["secondary".into()],
            languages: vec!["ar".into(), "fr".into()],
            region: Some("Rabat-Salé-Kénitra".into()),
            open_to_mentor: true,
            seeking_mentor: false,
        },
    )
    .await
    .unwrap();
    let adata = a.data();
    let id = bob_on_a.id;
    eventually("the profile update to reach Alice's node", || {
        let adata = adata.clone();
        async move {
            let bob = db::actors::get_by_id(&adata.db.read, id).await.unwrap();
            bob.stage.as_deref() == Some("teacher")
                && actor::Model::facet_list(&bob.subjects)
                    == vec!["mathematics", "physics_chemistry"]
                && bob.open_to_mentor
                && bob.region.as_deref() == Some("Rabat-Salé-Kénitra")
        }
    })
    .await;
}
