//! Counter columns (migration 4: database triggers) through every change that moves them: post,
//! direct post, reply, boost, favourite, delete, follow, locked follow accepted or rejected,
//! unfollow, block, across two nodes, plus raw row changes (visibility, hard delete, every post
//! of an actor). After each step the API shows the expected numbers and every counter column
//! equals a recount from the rows, so the triggers cannot have drifted.
use crate::api_client::{ApiClient, id_of};
use crate::harness::{TestNode, cluster, eventually};
use halqa::db::{self, entity::actor};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

/// A local user and their API client.
async fn user(node: &TestNode, name: &str) -> (actor::Model, ApiClient) {
    let client = ApiClient::new(node, name).await;
    (client.actor().clone(), client)
}

/// `[statuses, followers, following]` of an account as `client` sees it.
async fn account_counts(client: &ApiClient, id: i64) -> [i64; 3] {
    let a = client.ok(&format!("/api/v1/accounts/{id}")).await;
    [
        a["statuses_count"].as_i64().unwrap(),
        a["followers_count"].as_i64().unwrap(),
        a["following_count"].as_i64().unwrap(),
    ]
}

/// `[replies, reblogs, favourites]` of a status as `client` sees it.
async fn status_counts(client: &ApiClient, id: &str) -> [i64; 3] {
    let s = client.ok(&format!("/api/v1/statuses/{id}")).await;
    [
        s["replies_count"].as_i64().unwrap(),
        s["reblogs_count"].as_i64().unwrap(),
        s["favourites_count"].as_i64().unwrap(),
    ]
}

/// Rows whose counter columns differ from a recount (the `COUNT` queries pages used to run).
const DRIFTED_ACTORS: &str = "SELECT a.id FROM actor a WHERE \
     a.statuses_count <> (SELECT COUNT(*) FROM post p WHERE p.author_id = a.id \
       AND p.deleted_at IS NULL AND p.visibility <> 'direct') \
     OR a.last_status_at IS DISTINCT FROM (SELECT MAX(p.published_at) FROM post p \
       WHERE p.author_id = a.id AND p.deleted_at IS NULL AND p.visibility <> 'direct') \
     OR a.followers_count <> (SELECT COUNT(*) FROM follow f WHERE f.followee_id = a.id \
       AND f.accepted = TRUE) \
     OR a.following_count <> (SELECT COUNT(*) FROM follow f WHERE f.follower_id = a.id \
       AND f.accepted = TRUE)";
const DRIFTED_POSTS: &str = "SELECT p.id FROM post p WHERE \
     p.replies_count <> (SELECT COUNT(*) FROM post r WHERE r.in_reply_to_id = p.id \
       AND r.deleted_at IS NULL) \
     OR p.reblogs_count <> (SELECT COUNT(*) FROM post r WHERE r.reblog_of_id = p.id \
       AND r.deleted_at IS NULL) \
     OR p.favourites_count <> (SELECT COUNT(*) FROM favourite f WHERE f.post_id = p.id)";

/// Fails if any counter column on `node` differs from a recount.
async fn assert_no_drift(node: &TestNode, step: &str) {
    let db: DatabaseConnection = node.data().db.read.clone();
    for sql in [DRIFTED_ACTORS, DRIFTED_POSTS] {
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64>("", "id").unwrap())
            .collect();
        assert!(ids.is_empty(), "after {step}: counters drifted on {ids:?}");
    }
}

async fn execute(node: &TestNode, sql: &str) {
    let db = &node.data().db.write;
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

#[tokio::test]
async fn counters_follow_posts_boosts_favourites_follows_and_blocks() {
    let node = TestNode::spawn().await;
    let (alice_actor, alice) = user(&node, "alice").await;
    let (bob_actor, bob) = user(&node, "bob").await;
    let (carol_actor, carol) = user(&node, "carol").await;
    let (alice_id, bob_id, carol_id) = (alice_actor.id, bob_actor.id, carol_actor.id);
    assert_eq!(account_counts(&alice, bob_id).await, [0, 0, 0]);

    // Posts: public and unlisted count, direct does not.
    let first = bob
        .post_ok("/api/v1/statuses", json!({"status": "first"}))
        .await;
    let first_id = id_of(&first);
    bob.post_ok(
        "/api/v1/statuses",
        json!({"status": "quiet", "visibility": "unlisted"}),
    )
    .await;
    bob.post_ok(
        "/api/v1/statuses",
        json!({"status": "@alice psst", "visibility": "direct"}),
    )
    .await;
    assert_eq!(account_counts(&alice, bob_id).await, [2, 0, 0]);
    let shown = alice.ok(&format!("/api/v1/accounts/{bob_id}")).await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(shown["last_status_at"], json!(today));
    assert_no_drift(&node, "posts").await;

    // Follows (unlocked: accepted at once).
    alice
        .post_ok(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;
    carol
        .post_ok(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;
    assert_eq!(account_counts(&alice, bob_id).await, [2, 2, 0]);
    assert_eq!(account_counts(&alice, alice_id).await, [0, 0, 1]);
    assert_no_drift(&node, "follows").await;

    // Reply, boost, favourite: the status counters and the actors' statuses.
    let reply = alice
        .post_ok(
            "/api/v1/statuses",
            json!({"status": "@bob nice", "in_reply_to_id": first_id}),
        )
        .await;
    let boost = carol
        .post_ok(&format!("/api/v1/statuses/{first_id}/reblog"), json!({}))
        .await;
    alice
        .post_ok(&format!("/api/v1/statuses/{first_id}/favourite"), json!({}))
        .await;
    carol
        .post_ok(&format!("/api/v1/statuses/{first_id}/favourite"), json!({}))
        .await;
    assert_eq!(status_counts(&bob, &first_id).await, [1, 1, 2]);
    assert_eq!(account_counts(&bob, alice_id).await, [1, 0, 1]);
    assert_eq!(
        account_counts(&bob, carol_id).await,
        [1, 0, 1],
        "a boost counts"
    );
    // The home timeline shows the same numbers (the page path reads the same columns).
    let home = alice.ok("/api/v1/timelines/home").await;
    let on_home = home
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == json!(first_id))
        .unwrap();
    assert_eq!(on_home["favourites_count"], 2);
    assert_eq!(on_home["account"]["followers_count"], 2);
    assert_no_drift(&node, "reply, boost, favourites").await;

    // Undo them.
    carol
        .post_ok(&format!("/api/v1/statuses/{first_id}/unreblog"), json!({}))
        .await;
    carol
        .post_ok(
            &format!("/api/v1/statuses/{first_id}/unfavourite"),
            json!({}),
        )
        .await;
    alice
        .delete_ok(&format!("/api/v1/statuses/{}", id_of(&reply)))
        .await;
    assert_eq!(status_counts(&bob, &first_id).await, [0, 0, 1]);
    assert_eq!(account_counts(&bob, alice_id).await, [0, 0, 1]);
    assert_eq!(account_counts(&bob, carol_id).await, [0, 0, 1]);
    assert_ne!(id_of(&boost), first_id);
    assert_no_drift(&node, "unboost, unfavourite, delete reply").await;

    // Deleting a post takes it (and its boosts) out of the count.
    carol
        .post_ok(&format!("/api/v1/statuses/{first_id}/reblog"), json!({}))
        .await;
    assert_eq!(account_counts(&bob, carol_id).await, [1, 0, 1]);
    bob.delete_ok(&format!("/api/v1/statuses/{first_id}")).await;
    assert_eq!(account_counts(&alice, bob_id).await, [1, 2, 0]);
    assert_eq!(account_counts(&alice, carol_id).await, [0, 0, 1]);
    assert_no_drift(&node, "delete a boosted post").await;

    // Locked account: a request counts only once authorised; a rejected one never.
    let (status, patched) = alice
        .patch(
            "/api/v1/accounts/update_credentials",
            json!({"locked": true}),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["locked"], true);
    bob.post_ok(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    carol
        .post_ok(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    assert_eq!(account_counts(&bob, alice_id).await, [0, 0, 1]);
    assert_eq!(account_counts(&bob, bob_id).await, [1, 2, 0]);
    alice
        .post_ok(
            &format!("/api/v1/follow_requests/{bob_id}/authorize"),
            json!({}),
        )
        .await;
    alice
        .post_ok(
            &format!("/api/v1/follow_requests/{carol_id}/reject"),
            json!({}),
        )
        .await;
    assert_eq!(account_counts(&bob, alice_id).await, [0, 1, 1]);
    assert_eq!(account_counts(&bob, bob_id).await, [1, 2, 1]);
    assert_eq!(account_counts(&bob, carol_id).await, [0, 0, 1]);
    assert_no_drift(&node, "authorise and reject").await;

    // Unfollow, then a block that ends follows both ways.
    carol
        .post_ok(&format!("/api/v1/accounts/{bob_id}/unfollow"), json!({}))
        .await;
    assert_eq!(account_counts(&alice, bob_id).await, [1, 1, 1]);
    bob.post_ok(&format!("/api/v1/accounts/{alice_id}/block"), json!({}))
        .await;
    assert_eq!(account_counts(&carol, bob_id).await, [1, 0, 0]);
    assert_eq!(account_counts(&carol, alice_id).await, [0, 0, 0]);
    assert_no_drift(&node, "unfollow and block").await;

    // Row changes no service makes today still keep the counters right.
    let listed = bob.ok(&format!("/api/v1/accounts/{bob_id}/statuses")).await;
    let quiet_id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["visibility"] == "unlisted")
        .map(id_of)
        .unwrap();
    execute(
        &node,
        &format!("UPDATE post SET visibility = 'direct' WHERE id = {quiet_id}"),
    )
    .await;
    assert_eq!(account_counts(&carol, bob_id).await, [0, 0, 0]);
    let shown = carol.ok(&format!("/api/v1/accounts/{bob_id}")).await;
    assert_eq!(shown["last_status_at"], Value::Null);
    execute(
        &node,
        &format!("UPDATE post SET visibility = 'public' WHERE id = {quiet_id}"),
    )
    .await;
    assert_eq!(account_counts(&carol, bob_id).await, [1, 0, 0]);
    assert_no_drift(&node, "visibility changes").await;
    let again = alice
        .post_ok("/api/v1/statuses", json!({"status": "again"}))
        .await;
    carol
        .post_ok(
            &format!("/api/v1/statuses/{}/favourite", id_of(&again)),
            json!({}),
        )
        .await;
    assert_eq!(status_counts(&carol, &id_of(&again)).await, [0, 0, 1]);
    execute(
        &node,
        &format!("DELETE FROM post WHERE id = {}", id_of(&again)),
    )
    .await;
    assert_eq!(account_counts(&bob, alice_id).await, [0, 0, 0]);
    assert_no_drift(&node, "hard delete with a favourite").await;
    for text in ["one", "two", "three"] {
        carol
            .post_ok("/api/v1/statuses", json!({"status": text}))
            .await;
    }
    assert_eq!(account_counts(&bob, carol_id).await, [3, 0, 0]);
    db::posts::mark_all_deleted_by(&node.data().db.write, carol_id)
        .await
        .unwrap();
    assert_eq!(account_counts(&bob, carol_id).await, [0, 0, 0]);
    assert_no_drift(&node, "every post of an actor deleted").await;
}

#[tokio::test]
async fn counters_follow_federated_follows_boosts_and_deletes() {
    let [a, b] = cluster::<2>().await;
    let (_, alice) = user(&a, "alice").await;
    let (bob_actor, bob) = user(&b, "bob").await;
    let bob_at_a = a.resolve(&b.handle("bob")).await.id;
    alice
        .post_ok(&format!("/api/v1/accounts/{bob_at_a}/follow"), json!({}))
        .await;
    eventually("bob to have a follower on his node", || {
        let bob = bob.clone();
        async move { account_counts(&bob, bob_actor.id).await[1] == 1 }
    })
    .await;
    eventually("the follow to be accepted on alice's node", || {
        let alice = alice.clone();
        async move { account_counts(&alice, bob_at_a).await[1] == 1 }
    })
    .await;

    let post = bob
        .post_ok("/api/v1/statuses", json!({"status": "hello fediverse"}))
        .await;
    let uri = post["uri"].as_str().unwrap().to_string();
    let data = a.data();
    eventually("bob's post to reach alice's node", || {
        let (data, uri) = (data.clone(), uri.clone());
        async move {
            db::posts::find_by_ap_id(&data.db.read, &uri)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    let there = db::posts::find_by_ap_id(&data.db.read, &uri)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account_counts(&alice, bob_at_a).await, [1, 1, 0]);
    alice
        .post_ok(
            &format!("/api/v1/statuses/{}/favourite", there.id),
            json!({}),
        )
        .await;
    alice
        .post_ok(&format!("/api/v1/statuses/{}/reblog", there.id), json!({}))
        .await;
    let bob_post = id_of(&post);
    eventually("the favourite and boost to reach bob's node", || {
        let (bob, id) = (bob.clone(), bob_post.clone());
        async move { status_counts(&bob, &id).await == [0, 1, 1] }
    })
    .await;
    assert_no_drift(&a, "remote post, favourite, boost").await;
    assert_no_drift(&b, "inbound favourite and boost").await;

    bob.delete_ok(&format!("/api/v1/statuses/{bob_post}")).await;
    eventually("the delete to reach alice's node", || {
        let alice = alice.clone();
        async move { account_counts(&alice, bob_at_a).await[0] == 0 }
    })
    .await;
    alice
        .post_ok(&format!("/api/v1/accounts/{bob_at_a}/unfollow"), json!({}))
        .await;
    assert_eq!(account_counts(&alice, bob_at_a).await, [0, 0, 0]);
    eventually("the unfollow to reach bob's node", || {
        let bob = bob.clone();
        async move { account_counts(&bob, bob_actor.id).await == [0, 0, 0] }
    })
    .await;
    assert_no_drift(&a, "remote delete and unfollow").await;
    assert_no_drift(&b, "undo follow").await;
}
