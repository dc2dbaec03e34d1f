//! Grouped notifications (`/api/v2/notifications`, Mastodon 4.3) across two nodes: follows and
//! favourites from A and B fold into one group each (boosts, mentions stay apart), accounts
//! and statuses come once, paging by groups with Link headers, `grouped_types[]` and
//! `types[]`, one group and its accounts, the unread count against the marker, dismissing a
//! group, the v1 entity's `group_key`, the web page's grouped entries, and the 12-hour span of
//! a group.
use crate::api_client::{ApiClient, follow_across, id_of};
use crate::pln_shared::urlencode;
use halqa::db::entity::notification;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

/// The groups' keys and types on a page.
fn kinds(page: &Value) -> Vec<String> {
    page["notification_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["type"].as_str().unwrap().to_string())
        .collect()
}

fn group<'a>(page: &'a Value, kind: &str) -> &'a Value {
    page["notification_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} group in {page}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_group_by_kind_and_status_across_nodes() {
    let [a, b] = crate::harness::cluster::<2>().await;
    let alice = ApiClient::new(&a, "alice").await;
    let dan = ApiClient::new(&a, "dan").await;
    let bob = ApiClient::new(&b, "bob").await;
    let carol = ApiClient::new(&b, "carol").await;

    // Three follows (two from B), three favourites of one post (two from B), a boost and a
    // mention.
    follow_across(&b, bob.actor(), &a, "alice").await;
    follow_across(&b, carol.actor(), &a, "alice").await;
    dan.post_ok(
        &format!("/api/v1/accounts/{}/follow", alice.actor().id),
        json!({}),
    )
    .await;
    let post = alice
        .post_status(json!({"status": "Séquence sur les fractions, niveau 6e"}))
        .await;
    let uri = post["uri"].as_str().unwrap().to_string();
    // In a known order, so the pages below are known: B's favourites, dan's, bob's boost,
    // carol's mention.
    let mut on_b = Vec::new();
    for remote in [&bob, &carol] {
        // Polled: the post may be arriving by delivery at the same moment (both follow alice).
        let found = remote
            .wait_for(
                "alice's post found on B",
                &format!("/api/v2/search?resolve=true&q={}", urlencode(&uri)),
                |f| f["statuses"][0]["id"].is_string(),
            )
            .await;
        let id = id_of(&found["statuses"][0]);
        remote
            .post_ok(&format!("/api/v1/statuses/{id}/favourite"), json!({}))
            .await;
        on_b.push(id);
    }
    alice
        .wait_for(
            "B's favourites on A",
            "/api/v1/notifications?types[]=favourite",
            |l| l.as_array().is_some_and(|l| l.len() == 2),
        )
        .await;
    dan.post_ok(
        &format!("/api/v1/statuses/{}/favourite", id_of(&post)),
        json!({}),
    )
    .await;
    bob.post_ok(&format!("/api/v1/statuses/{}/reblog", on_b[0]), json!({}))
        .await;
    alice
        .wait_for(
            "bob's boost on A",
            "/api/v1/notifications?types[]=reblog",
            |l| l.as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    carol
        .post_status(json!({"status": format!("@{} merci pour la séquence !", a.handle("alice"))}))
        .await;
    let v1 = alice
        .wait_for("eight notifications on A", "/api/v1/notifications", |l| {
            l.as_array().is_some_and(|l| l.len() == 8)
        })
        .await;

    // The web page groups the same way, in each language's plural.
    let web = crate::web_browser::Browser::log_in(&a, "alice").await;
    let fr = web.get_in("/notifications", "fr").await.body;
    assert!(
        fr.contains("et 2 autres personnes ont aimé votre publication"),
        "{fr}"
    );
    assert!(fr.contains("et 2 autres personnes vous suivent"), "{fr}");
    assert!(fr.contains("a partagé votre publication"), "{fr}");
    assert_eq!(fr.matches("class=\"notification\"").count(), 4, "{fr}");
    let ar = web.get_in("/notifications", "ar").await.body;
    assert!(ar.contains("وشخصان آخران أعجبهم منشورك"), "{ar}");

    // Four groups, ordered by their latest notification.
    let page = alice.ok("/api/v2/notifications").await;
    assert_eq!(
        kinds(&page),
        ["mention", "reblog", "favourite", "follow"],
        "{page}"
    );
    let favourites = group(&page, "favourite");
    assert_eq!(favourites["notifications_count"], 3, "{favourites}");
    assert_eq!(favourites["status_id"], id_of(&post));
    assert_eq!(
        favourites["sample_account_ids"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        favourites["sample_account_ids"][0],
        dan.actor().id.to_string()
    );
    assert!(favourites["page_min_id"].is_string() && favourites["page_max_id"].is_string());
    assert_eq!(
        favourites["most_recent_notification_id"],
        favourites["page_max_id"]
    );
    assert!(
        favourites["latest_page_notification_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    let key = favourites["group_key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with(&format!("favourite-{}-", id_of(&post))),
        "{key}"
    );
    let follows = group(&page, "follow");
    assert_eq!(follows["notifications_count"], 3);
    assert!(follows.get("status_id").is_none(), "{follows}");
    let mention = group(&page, "mention");
    assert_eq!(mention["notifications_count"], 1);
    assert!(
        mention["group_key"]
            .as_str()
            .unwrap()
            .starts_with("ungrouped-")
    );
    assert_eq!(group(&page, "reblog")["notifications_count"], 1);
    // Each account and status once: bob, carol, dan; alice's post and carol's mention.
    let accounts = page["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 3, "{page}");
    for account in accounts {
        crate::api_contract::assert_account_shape(account);
    }
    assert_eq!(page["statuses"].as_array().unwrap().len(), 2, "{page}");
    // The v1 entity carries the same key.
    let v1_favourite = v1
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "favourite")
        .unwrap();
    assert_eq!(v1_favourite["group_key"], key.as_str());

    // Paging by groups: two, then the other two, whole; `prev` goes back.
    let first = alice.get_reply("/api/v2/notifications?limit=2").await;
    assert_eq!(kinds(&first.body), ["mention", "reblog"]);
    let next = first.link("next").expect("a next link");
    assert!(
        next.contains("limit=2") && next.contains("max_id="),
        "{next}"
    );
    let path = next.split_once(&a.base).unwrap().1.to_string();
    let second = alice.get_reply(&path).await;
    assert_eq!(kinds(&second.body), ["favourite", "follow"]);
    assert_eq!(group(&second.body, "favourite")["notifications_count"], 3);
    let prev = second.link("prev").expect("a prev link");
    let back = alice.ok(prev.split_once(&a.base).unwrap().1).await;
    assert_eq!(kinds(&back), kinds(&first.body));

    // grouped_types[] without follow: each follow is its own group; types[] narrows.
    let apart = alice
        .ok("/api/v2/notifications?grouped_types[]=favourite&grouped_types[]=reblog")
        .await;
    assert_eq!(
        kinds(&apart).iter().filter(|k| *k == "follow").count(),
        3,
        "{apart}"
    );
    let only = alice
        .ok("/api/v2/notifications?types[]=follow&types[]=quoted_update")
        .await;
    assert_eq!(kinds(&only), ["follow"]);
    let none = alice
        .ok("/api/v2/notifications?types[]=quoted_update")
        .await;
    assert_eq!(none["notification_groups"], json!([]));

    // One group, and its accounts.
    let one = alice.ok(&format!("/api/v2/notifications/{key}")).await;
    assert_eq!(one["notification_groups"][0]["notifications_count"], 3);
    assert!(one["notification_groups"][0].get("page_min_id").is_none());
    let who = alice
        .ok(&format!("/api/v2/notifications/{key}/accounts"))
        .await;
    assert_eq!(who.as_array().unwrap().len(), 3, "{who}");
    let (status, body) = alice.get("/api/v2/notifications/favourite-1-1").await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].is_string());

    // Unread groups against the marker.
    let unread = alice.ok("/api/v2/notifications/unread_count").await;
    assert_eq!(unread["count"], 4);
    let newest = v1[0]["id"].as_str().unwrap();
    alice
        .post_ok(
            "/api/v1/markers",
            json!({"notifications": {"last_read_id": newest}}),
        )
        .await;
    let unread = alice.ok("/api/v2/notifications/unread_count").await;
    assert_eq!(unread["count"], 0);

    // Mastodon 4.3's filtered-notification endpoints: nothing is ever held back.
    let policy = alice.ok("/api/v2/notifications/policy").await;
    assert_eq!(policy["for_not_following"], "accept", "{policy}");
    assert_eq!(alice.ok("/api/v1/notifications/requests").await, json!([]));
    assert_eq!(
        alice.ok("/api/v1/notifications/requests/merged").await,
        json!({"merged": true})
    );

    // Another user can neither see nor dismiss alice's group; alice dismisses it.
    let (status, _) = dan.get(&format!("/api/v2/notifications/{key}")).await;
    assert_eq!(status, 404);
    dan.post_ok(&format!("/api/v2/notifications/{key}/dismiss"), json!({}))
        .await;
    assert_eq!(
        alice.ok(&format!("/api/v2/notifications/{key}")).await["notification_groups"][0]["notifications_count"],
        3
    );
    alice
        .post_ok(&format!("/api/v2/notifications/{key}/dismiss"), json!({}))
        .await;
    let after = alice.ok("/api/v1/notifications").await;
    assert_eq!(after.as_array().unwrap().len(), 5, "{after}");
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["type"] != "favourite")
    );
    let (status, _) = alice.get(&format!("/api/v2/notifications/{key}")).await;
    assert_eq!(status, 404);
}

/// A group spans at most 12 hours from the hour it started in: a favourite joins a group that
/// started 10 hours ago, and starts its own when the last one started 13 hours ago.
#[tokio::test]
async fn a_group_spans_at_most_twelve_hours() {
    let node = crate::harness::TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let post = alice
        .post_status(json!({"status": "Fiche d'exercices"}))
        .await;
    let post_id = id_of(&post);
    let db = node.data().db.write.clone();
    let hour = chrono::Utc::now().timestamp() / 3600;
    let favourite_by = |name: &'static str| {
        let node = &node;
        let post_id = post_id.clone();
        async move {
            let fan = ApiClient::new(node, name).await;
            fan.post_ok(&format!("/api/v1/statuses/{post_id}/favourite"), json!({}))
                .await;
        }
    };
    let keys = |db: sea_orm::DatabaseConnection| async move {
        let mut rows = notification::Entity::find()
            .filter(notification::Column::Kind.eq("favourite"))
            .all(&db)
            .await
            .unwrap();
        rows.sort_by_key(|r| r.id);
        rows.into_iter()
            .map(|r| r.group_key.unwrap())
            .collect::<Vec<_>>()
    };
    let restart_groups = |db: sea_orm::DatabaseConnection, started: i64| {
        let key = format!("favourite-{post_id}-{started}");
        async move {
            notification::Entity::update_many()
                .col_expr(notification::Column::GroupKey, Expr::value(key))
                .filter(notification::Column::Kind.eq("favourite"))
                .exec(&db)
                .await
                .unwrap();
        }
    };

    favourite_by("fan1").await;
    let first = keys(db.clone()).await;
    assert_eq!(first.len(), 1);
    let started: i64 = first[0].rsplit('-').next().unwrap().parse().unwrap();
    assert!(started >= hour, "{first:?}");

    restart_groups(db.clone(), hour - 10).await;
    favourite_by("fan2").await;
    let joined = keys(db.clone()).await;
    assert_eq!(joined[1], format!("favourite-{post_id}-{}", hour - 10));

    restart_groups(db.clone(), hour - 13).await;
    favourite_by("fan3").await;
    let apart = keys(db.clone()).await;
    assert_ne!(apart[2], apart[0], "{apart:?}");
    let own: i64 = apart[2].rsplit('-').next().unwrap().parse().unwrap();
    assert!(own >= hour, "{apart:?}");
}
