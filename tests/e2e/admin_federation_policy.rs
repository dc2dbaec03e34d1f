//! Federation policy on in-process nodes: allowlist mode federates only with listed domains
//! (activities from others refused, nothing queued for them); a blocklist published by node A
//! and subscribed by node B takes effect on B (C's activities refused, queued deliveries to C
//! dropped, C's accounts removed) and lifts when A removes the entry and B refreshes (C's
//! accounts come back on their next contact); a limited
//! domain's posts stay out of public timelines and its follows wait for approval; non-admins
//! get 403 with nothing changed; bad subscriptions (private IP, garbage, oversized) answer clear
//! errors and keep the entries already in force.
use crate::{
    api_client::{ApiClient, follow_across, id_of},
    harness::{TestNode, cluster, eventually},
};
use halqa::{
    db::{self, entity::delivery},
    service::{accounts, follows},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const ADMIN_SCOPES: &str = "read write follow admin:read admin:write";

/// A local account with `role` and a client holding admin scopes.
async fn with_role(node: &TestNode, username: &str, role: &str) -> ApiClient {
    let data = node.data();
    let (_, actor) = accounts::create_user(
        &data.db,
        &data.ids,
        &data.urls,
        &data.config.instance.domain,
        accounts::NewUser {
            username: username.into(),
            email: format!("{username}@{}", node.port),
            password: "correct horse battery".into(),
            role: role.into(),
        },
    )
    .await
    .unwrap();
    ApiClient::for_actor(node, actor, ADMIN_SCOPES).await
}

/// Deliveries on `node` to `host` in `state` (any state when `None`).
async fn deliveries_to(node: &TestNode, host: &str, state: Option<&str>) -> u64 {
    let mut query = delivery::Entity::find().filter(delivery::Column::Host.eq(host));
    if let Some(state) = state {
        query = query.filter(delivery::Column::State.eq(state));
    }
    query.count(&node.data().db.read).await.unwrap()
}

/// Waits until `node` has a delivery to `host` that ended refused with 403.
async fn refused_with_403(node: &TestNode, host: &str) {
    let data = node.data();
    eventually("the delivery to be refused with 403", || {
        let data = data.clone();
        async move {
            delivery::Entity::find()
                .filter(delivery::Column::Host.eq(host))
                .filter(delivery::Column::State.eq(delivery::state::FAILED))
                .all(&data.db.read)
                .await
                .unwrap()
                .iter()
                .any(|d| d.last_error.as_deref().unwrap_or("").contains("403"))
        }
    })
    .await;
}

async fn post_status(client: &ApiClient, text: &str) -> Value {
    let (status, body) = client
        .post(
            "/api/v1/statuses",
            json!({"status": text, "visibility": "public"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn allowlist_mode_federates_only_with_listed_domains() {
    let [a, b, c] = cluster::<3>().await;
    let admin = with_role(&a, "admin_a", "admin").await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob = b.create_user("bob").await;
    let carol = c.create_user("carol").await;

    let (status, allow) = admin
        .post("/api/v1/admin/domain_allows", json!({"domain": b.domain}))
        .await;
    assert_eq!(status, 200, "{allow}");
    assert_eq!(allow["domain"], b.domain);
    let (status, policy) = admin
        .put("/api/v1/pln/admin/federation", json!({"mode": "allowlist"}))
        .await;
    assert_eq!(status, 200, "{policy}");
    assert_eq!(policy["mode"], "allowlist");
    let (status, bad) = admin
        .put("/api/v1/pln/admin/federation", json!({"mode": "closed"}))
        .await;
    assert_eq!(status, 422, "{bad}");

    // B is listed: its follow of alice goes through.
    follow_across(&b, &bob, &a, "alice").await;

    // C is not: its Follow is refused at A's inbox and A stores nothing of C.
    let alice_on_c = c.resolve(&a.handle("alice")).await;
    follows::follow(&c.data(), &carol, &alice_on_c)
        .await
        .unwrap();
    refused_with_403(&c, &a.domain).await;
    assert!(
        db::actors::find_by_ap_id(&a.data().db.read, &carol.ap_id)
            .await
            .unwrap()
            .is_none(),
        "A stored nothing of C's account"
    );
    // A cannot reach C (WebFinger and actor fetches are refused) and queues nothing for it.
    assert!(
        accounts::resolve_handle(&a.data(), &c.handle("carol"))
            .await
            .is_err()
    );
    post_status(&alice, "only for the consortium").await;
    eventually("alice's post to reach B", || async {
        deliveries_to(&a, &b.domain, Some(delivery::state::DONE)).await > 0
    })
    .await;
    assert_eq!(deliveries_to(&a, &c.domain, None).await, 0);
    let peers = alice.ok("/api/v1/instance/peers").await;
    assert!(!peers.to_string().contains(&c.domain), "{peers}");

    // Back to open: C is admitted again.
    let (status, _) = admin
        .put("/api/v1/pln/admin/federation", json!({"mode": "open"}))
        .await;
    assert_eq!(status, 200);
    assert!(!a.data().domain_policy.is_blocked(&c.domain));
}

#[tokio::test]
async fn a_subscribed_blocklist_takes_effect_and_lifts() {
    let [a, b, mut c] = cluster::<3>().await;
    let admin_a = with_role(&a, "admin_a", "admin").await;
    let admin_b = with_role(&b, "admin_b", "admin").await;
    let bob = ApiClient::new(&b, "bob").await;
    let carol = ApiClient::new(&c, "carol").await;

    // Carol (C) follows bob (B) and bob follows carol.
    follow_across(&c, carol.actor(), &b, "bob").await;
    follow_across(&b, bob.actor(), &c, "carol").await;

    // A publishes a block of C.
    let (status, block) = admin_a
        .post(
            "/api/v1/admin/domain_blocks",
            json!({"domain": c.domain, "severity": "suspend",
                   "private_comment": "staff only", "public_comment": "spam wave"}),
        )
        .await;
    assert_eq!(status, 200, "{block}");
    assert_eq!(block["severity"], "suspend");
    let csv = reqwest::get(format!("{}/api/v1/pln/federation/blocklist.csv", a.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("#domain,#severity"), "{csv}");
    assert!(
        csv.contains(&c.domain) && csv.contains("spam wave"),
        "{csv}"
    );
    assert!(!csv.contains("staff only"), "no private comments: {csv}");
    let public = ApiClient::anonymous(&a)
        .ok("/api/v1/pln/federation/blocklist")
        .await;
    assert_eq!(public[0]["domain"], c.domain);

    // C goes quiet; bob posts: a delivery to C waits in B's queue.
    c.stop().await;
    post_status(&bob, "before the block").await;
    eventually("a delivery to C pending on B", || async {
        deliveries_to(&b, &c.domain, Some(delivery::state::PENDING)).await > 0
    })
    .await;

    // B subscribes to A's list: C is blocked on B, its queued deliveries dropped, its data gone.
    let (status, sub) = admin_b
        .post(
            "/api/v1/pln/admin/domain_subscriptions",
            json!({"url": format!("{}/api/v1/pln/federation/blocklist.csv", a.base),
                   "kind": "block", "priority": 5, "title": "consortium"}),
        )
        .await;
    assert_eq!(status, 200, "{sub}");
    assert_eq!(sub["first_fetch"]["ok"], true, "{sub}");
    assert_eq!(sub["entry_count"], 1);
    let sub_id = id_of(&sub);
    assert!(b.data().domain_policy.is_blocked(&c.domain));
    assert_eq!(
        deliveries_to(&b, &c.domain, Some(delivery::state::PENDING)).await,
        0
    );
    let carol_on_b = db::actors::find_by_ap_id(&b.data().db.read, &carol.actor().ap_id)
        .await
        .unwrap()
        .unwrap();
    assert!(carol_on_b.deleted_at.is_some(), "C's account removed on B");
    assert!(
        db::follows::find(&b.data().db.read, bob.actor().id, carol_on_b.id)
            .await
            .unwrap()
            .is_none()
    );
    let blocks = admin_b.ok("/api/v1/admin/domain_blocks").await;
    assert_eq!(blocks[0]["domain"], c.domain);
    assert_eq!(blocks[0]["subscription_id"], sub_id);
    let instance_blocks = bob.ok("/api/v1/instance/domain_blocks").await;
    assert_eq!(instance_blocks[0]["domain"], c.domain);
    // A subscribed entry is changed at its source, not on B.
    let (status, _) = admin_b
        .delete(&format!(
            "/api/v1/admin/domain_blocks/{}",
            id_of(&blocks[0])
        ))
        .await;
    assert_eq!(status, 422);

    // Nothing new is queued for C; C's activities are refused by B.
    let before = deliveries_to(&b, &c.domain, None).await;
    post_status(&bob, "after the block").await;
    assert_eq!(deliveries_to(&b, &c.domain, None).await, before);
    c.restart().await;
    post_status(&carol, "hello bob").await;
    refused_with_403(&c, &b.domain).await;

    // A lifts the block; B's refresh removes the subscribed entry and C is admitted again.
    let (status, _) = admin_a
        .delete(&format!("/api/v1/admin/domain_blocks/{}", id_of(&block)))
        .await;
    assert_eq!(status, 200);
    let (status, refreshed) = admin_b
        .post(
            &format!("/api/v1/pln/admin/domain_subscriptions/{sub_id}/refresh"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(refreshed["entry_count"], 0);
    assert!(!b.data().domain_policy.is_blocked(&c.domain));
    assert_eq!(admin_b.ok("/api/v1/admin/domain_blocks").await, json!([]));
    let dave = c.create_user("dave").await;
    follow_across(&c, &dave, &b, "bob").await;
    // Carol, removed from B by the block, comes back on her next contact (B fetches her again).
    post_status(&carol, &format!("@{} me revoilà", b.handle("bob"))).await;
    let data_b = b.data();
    let carol_url = carol.actor().ap_id.clone();
    eventually("carol to come back on B", || {
        let (data, url) = (data_b.clone(), carol_url.clone());
        async move {
            db::actors::find_by_ap_id(&data.db.read, &url)
                .await
                .ok()
                .flatten()
                .is_some_and(|a| a.deleted_at.is_none())
        }
    })
    .await;
    assert_eq!(
        bob.get(&format!("/api/v1/accounts/{}", carol_on_b.id))
            .await
            .0,
        200
    );

    // Unsubscribing leaves local entries alone.
    let (status, _) = admin_b
        .delete(&format!("/api/v1/pln/admin/domain_subscriptions/{sub_id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        admin_b.ok("/api/v1/pln/admin/domain_subscriptions").await,
        json!([])
    );
}

#[tokio::test]
async fn a_limited_domain_stays_out_of_public_timelines_and_its_follows_wait() {
    let [a, b] = cluster::<2>().await;
    let admin = with_role(&a, "admin_a", "admin").await;
    let alice = ApiClient::new(&a, "alice").await;
    let amina = a.create_user("amina").await;
    let bob = ApiClient::new(&b, "bob").await;
    follow_across(&a, alice.actor(), &b, "bob").await;
    let post = post_status(&bob, "a remote lesson plan").await;
    let uri = post["uri"].as_str().unwrap().to_string();
    let has_it = |v: &Value| v.to_string().contains(&uri);
    alice
        .wait_for(
            "bob's post on A's public timeline",
            "/api/v1/timelines/public",
            has_it,
        )
        .await;

    let (status, block) = admin
        .post(
            "/api/v1/admin/domain_blocks",
            json!({"domain": b.domain, "severity": "silence", "reject_media": "true"}),
        )
        .await;
    assert_eq!(status, 200, "{block}");
    assert_eq!(block["severity"], "silence");
    assert_eq!(block["reject_media"], true);
    assert!(!a.data().domain_policy.is_blocked(&b.domain));
    let public = alice.ok("/api/v1/timelines/public").await;
    assert!(!has_it(&public), "limited: out of the public timeline");
    let home = alice.ok("/api/v1/timelines/home").await;
    assert!(has_it(&home), "followers still see it");

    // A follow from the limited domain waits for approval.
    let amina_on_b = b.resolve(&a.handle("amina")).await;
    follows::follow(&b.data(), bob.actor(), &amina_on_b)
        .await
        .unwrap();
    let data = a.data();
    let bob_ap_id = bob.actor().ap_id.clone();
    eventually("the follow request on A", || {
        let data = data.clone();
        let bob_ap_id = bob_ap_id.clone();
        async move {
            let Some(bob_on_a) = db::actors::find_by_ap_id(&data.db.read, &bob_ap_id)
                .await
                .unwrap()
            else {
                return false;
            };
            db::follows::find(&data.db.read, bob_on_a.id, amina.id)
                .await
                .unwrap()
                .is_some_and(|f| !f.accepted)
        }
    })
    .await;

    // The admin changes it to noop: back in the public timeline.
    let (status, changed) = admin
        .put(
            &format!("/api/v1/admin/domain_blocks/{}", id_of(&block)),
            json!({"severity": "noop"}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert!(has_it(&alice.ok("/api/v1/timelines/public").await));
}

#[tokio::test]
async fn only_admins_change_the_policy_and_moderators_may_read_it() {
    let a = TestNode::spawn().await;
    let admin = with_role(&a, "admin_a", "admin").await;
    let moderator = with_role(&a, "mod_a", "moderator").await;
    let user = with_role(&a, "user_a", "user").await;
    let plain = ApiClient::new(&a, "plain").await;
    let (status, block) = admin
        .post(
            "/api/v1/admin/domain_blocks",
            json!({"domain": "spam.example"}),
        )
        .await;
    assert_eq!(status, 200, "{block}");
    assert_eq!(block["severity"], "silence", "Mastodon's default severity");

    for (client, path) in [
        (&user, "/api/v1/admin/domain_blocks"),
        (&user, "/api/v1/admin/domain_allows"),
        (&user, "/api/v1/pln/admin/federation"),
        (&user, "/api/v1/pln/admin/domain_subscriptions"),
        (&plain, "/api/v1/admin/domain_blocks"),
    ] {
        let (status, body) = client.get(path).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body["error"].is_string());
    }
    assert_eq!(moderator.get("/api/v1/admin/domain_blocks").await.0, 200);
    assert_eq!(moderator.get("/api/v1/pln/admin/federation").await.0, 200);
    for client in [&moderator, &user] {
        let (status, _) = client
            .post(
                "/api/v1/admin/domain_blocks",
                json!({"domain": "other.example"}),
            )
            .await;
        assert_eq!(status, 403);
        let (status, _) = client
            .delete(&format!("/api/v1/admin/domain_blocks/{}", id_of(&block)))
            .await;
        assert_eq!(status, 403);
        let (status, _) = client
            .put("/api/v1/pln/admin/federation", json!({"mode": "allowlist"}))
            .await;
        assert_eq!(status, 403);
    }
    let blocks = admin.ok("/api/v1/admin/domain_blocks").await;
    assert_eq!(blocks.as_array().unwrap().len(), 1, "nothing changed");
    assert_eq!(
        admin.ok("/api/v1/pln/admin/federation").await["mode"],
        "open"
    );

    // Bad values: clear errors.
    for body in [
        json!({"domain": "not a domain"}),
        json!({"domain": a.domain}),
        json!({"domain": "ok.example", "severity": "obliterate"}),
        json!({"domain": "spam.example"}),
        json!({}),
    ] {
        let (status, answer) = admin
            .post("/api/v1/admin/domain_blocks", body.clone())
            .await;
        assert_eq!(status, 422, "{body}: {answer}");
    }
    assert_eq!(admin.get("/api/v1/admin/domain_blocks/12345").await.0, 404);

    // Every policy change is in the audit log, with who made it; refused attempts are not.
    let (status, allow) = admin
        .post(
            "/api/v1/admin/domain_allows",
            json!({"domain": "ens.example"}),
        )
        .await;
    assert_eq!(status, 200, "{allow}");
    let (status, _) = admin
        .delete(&format!("/api/v1/admin/domain_allows/{}", id_of(&allow)))
        .await;
    assert_eq!(status, 200);
    let log = admin.ok("/api/v1/pln/admin/audit_log").await;
    let entries: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["account_id"], admin.actor().id.to_string(), "{e}");
            (
                e["action"].as_str().unwrap().to_string(),
                e["target_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        ("domain_allow.delete", "ens.example"),
        ("domain_allow.create", "ens.example"),
        ("domain_block.create", "spam.example"),
    ];
    assert_eq!(
        entries
            .iter()
            .map(|(a, t)| (a.as_str(), t.as_str()))
            .collect::<Vec<_>>(),
        expected,
        "{log}"
    );
}

/// A tiny HTTP server publishing whatever list the test puts in it.
async fn list_server(body: Arc<Mutex<String>>) -> String {
    use axum::{Router, routing::get};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route(
        "/list",
        get(move || {
            let body = body.clone();
            async move { body.lock().unwrap().clone() }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://localhost:{port}/list")
}

#[tokio::test]
async fn bad_subscription_payloads_answer_clear_errors_and_keep_entries() {
    let b = TestNode::spawn_with(|c| c.federation.subscription_max_bytes = 2048).await;
    let admin = with_role(&b, "admin_b", "admin").await;
    let list = Arc::new(Mutex::new(
        "[{\"domain\":\"spam.example\",\"severity\":\"suspend\",\"comment\":\"spam\"},\
          {\"domain\":\"loud.example\",\"severity\":\"silence\"}]"
            .to_string(),
    ));
    let url = list_server(list.clone()).await;

    // Private addresses are refused before anything is stored.
    for bad in [
        "http://127.0.0.1:9/list",
        "http://10.0.0.8/list",
        "ftp://x.example/l",
    ] {
        let (status, body) = admin
            .post(
                "/api/v1/pln/admin/domain_subscriptions",
                json!({"url": bad}),
            )
            .await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body["error"].as_str().unwrap().contains("address") || bad.starts_with("ftp"));
    }
    assert_eq!(
        admin.ok("/api/v1/pln/admin/domain_subscriptions").await,
        json!([])
    );

    let (status, sub) = admin
        .post(
            "/api/v1/pln/admin/domain_subscriptions",
            json!({"url": url}),
        )
        .await;
    assert_eq!(status, 200, "{sub}");
    assert_eq!(sub["entry_count"], 2, "{sub}");
    let sub_id = id_of(&sub);
    let policy = b.data().domain_policy.clone();
    assert!(policy.is_blocked("spam.example") && policy.is_limited("loud.example"));
    let (status, dup) = admin
        .post(
            "/api/v1/pln/admin/domain_subscriptions",
            json!({"url": url}),
        )
        .await;
    assert_eq!(status, 409, "{dup}");

    let refresh = format!("/api/v1/pln/admin/domain_subscriptions/{sub_id}/refresh");
    for (payload, expected) in [
        (
            "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".to_string(),
            422,
        ),
        ("{\"domain\":\"a.example\"}".to_string(), 422),
        ("#domain,#severity\nx.example,obliterate\n".to_string(), 422),
        ("a.example\n".repeat(400), 413),
    ] {
        *list.lock().unwrap() = payload.clone();
        let (status, body) = admin.post(&refresh, json!({})).await;
        assert_eq!(status, expected, "{payload:.40}: {body}");
        assert!(body["error"].is_string());
        let shown = admin
            .ok(&format!("/api/v1/pln/admin/domain_subscriptions/{sub_id}"))
            .await;
        assert!(shown["last_error"].is_string(), "{shown}");
        assert_eq!(shown["entry_count"], 2, "entries kept");
        assert!(policy.is_blocked("spam.example"), "entries kept in force");
        assert_eq!(
            admin
                .ok("/api/v1/admin/domain_blocks")
                .await
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    // A good list again: the vanished entry goes, the new one comes, a local entry wins.
    let (status, _) = admin
        .post(
            "/api/v1/admin/domain_blocks",
            json!({"domain": "loud.example", "severity": "noop"}),
        )
        .await;
    assert_eq!(status, 200);
    *list.lock().unwrap() = "#domain,#severity\nloud.example,suspend\nnew.example,suspend\n".into();
    let (status, body) = admin.post(&refresh, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["last_error"], Value::Null);
    assert!(!policy.is_blocked("spam.example"));
    assert!(policy.is_blocked("new.example"));
    assert!(!policy.is_blocked("loud.example") && !policy.is_limited("loud.example"));
}

#[tokio::test]
async fn the_dashboard_and_metrics_show_aggregates_to_staff_and_token_holders_only() {
    let a = TestNode::spawn_with(|c| c.metrics.token = "metrics-s3cret".into()).await;
    let admin = with_role(&a, "admin_a", "admin").await;
    let user = ApiClient::new(&a, "alice").await;
    post_status(&user, "a post for the figures").await;
    let figures = admin.ok("/api/v1/pln/admin/dashboard").await;
    assert_eq!(figures["local_posts"], 1, "{figures}");
    for key in [
        "active_users_week",
        "active_users_month",
        "sign_ups_week",
        "mentorships_active",
        "resources_shared",
        "nodes_by_kind",
        "deliveries_by_state",
        "failing_hosts",
    ] {
        assert!(!figures[key].is_null(), "{key} in {figures}");
    }
    assert!(!figures.to_string().contains("alice"), "aggregates only");
    assert_eq!(user.get("/api/v1/pln/admin/dashboard").await.0, 403);

    let http = reqwest::Client::new();
    let url = format!("{}/metrics", a.base);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    let wrong = http.get(&url).bearer_auth("guess").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let ok = http
        .get(&url)
        .bearer_auth("metrics-s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let text = ok.text().await.unwrap();
    assert!(text.contains("# TYPE halqa_active_users gauge"), "{text}");
    assert!(text.contains("halqa_local_posts 1"), "{text}");

    let closed = TestNode::spawn().await;
    let status = http
        .get(format!("{}/metrics", closed.base))
        .bearer_auth("")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404, "no token configured: no metrics");
}
