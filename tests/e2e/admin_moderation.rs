//! Moderation end to end: the admin API refuses non-staff (nothing changes), roles change
//! only by admins, a local report resolved with suspension removes the account's content on a
//! second node (Delete federated) and kills its token, a report sent as a Flag from node A
//! lands in node B's queue (and is dropped when B rejects reports from A's domain),
//! silence/disable/enable/assign/reopen with the audit log, lifting a local suspension (the
//! account logs in, is served, and the other node takes it back), and warnings delivered as
//! `moderation_warning` notifications.
use crate::{
    admin_registration::{ADMIN_SCOPES, user_with_role},
    api_client::{ApiClient, follow_across, id_of},
    harness::{TestNode, cluster, eventually},
};
use halqa::db;
use serde_json::{Value, json};

#[tokio::test]
async fn non_staff_get_403_and_only_admins_change_roles() {
    let node = TestNode::spawn().await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    let moderator = user_with_role(&node, "moderatrice", "moderator", ADMIN_SCOPES).await;
    let user = user_with_role(&node, "lambda", "user", ADMIN_SCOPES).await;
    let target = ApiClient::new(&node, "cible").await;
    let target_id = target.actor().id;

    for (path, post) in [
        ("/api/v1/admin/accounts".to_string(), false),
        ("/api/v2/admin/accounts".to_string(), false),
        ("/api/v1/admin/reports".to_string(), false),
        ("/api/v1/pln/admin/audit_log".to_string(), false),
        (format!("/api/v1/admin/accounts/{target_id}"), false),
        (format!("/api/v1/admin/accounts/{target_id}/action"), true),
    ] {
        let (status, body) = if post {
            user.post(&path, json!({"type": "suspend"})).await
        } else {
            user.get(&path).await
        };
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body["error"].is_string(), "{path}");
    }
    // A staff member's token without admin scopes is refused too.
    let narrow = ApiClient::for_actor(&node, admin.actor().clone(), "read write").await;
    assert_eq!(narrow.get("/api/v1/admin/accounts").await.0, 403);
    // Nothing changed: the target still works.
    assert_eq!(
        target.get("/api/v1/accounts/verify_credentials").await.0,
        200
    );
    assert!(
        admin
            .ok("/api/v1/pln/admin/audit_log")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Moderators cannot change roles; admins can, and it is audited.
    let path = format!("/api/v1/pln/admin/accounts/{target_id}/role");
    assert_eq!(
        moderator.post(&path, json!({"role": "moderator"})).await.0,
        403
    );
    assert_eq!(admin.post(&path, json!({"role": "overlord"})).await.0, 422);
    let changed = admin.post_ok(&path, json!({"role": "moderator"})).await;
    assert_eq!(changed["role"]["name"], "Moderator");
    let staff = admin.ok("/api/v1/admin/accounts?staff=true").await;
    assert_eq!(staff.as_array().unwrap().len(), 3);
    let v2 = admin
        .ok("/api/v2/admin/accounts?permissions=staff&origin=local")
        .await;
    assert_eq!(v2.as_array().unwrap().len(), 3);
    // The last admin keeps the role.
    let admin_id = admin.actor().id;
    let (status, _) = admin
        .post(
            &format!("/api/v1/pln/admin/accounts/{admin_id}/role"),
            json!({"role": "user"}),
        )
        .await;
    assert_eq!(status, 403);
    // A moderator cannot act on staff.
    let (status, _) = moderator
        .post(
            &format!("/api/v1/admin/accounts/{target_id}/action"),
            json!({"type": "disable"}),
        )
        .await;
    assert_eq!(status, 403);
    let log = admin.ok("/api/v1/pln/admin/audit_log").await;
    assert_eq!(log[0]["action"], "account.role");
    assert_eq!(log[0]["note"], "user → moderator");
    assert_eq!(log[0]["account_id"], admin_id.to_string());
}

#[tokio::test]
async fn disable_silence_and_their_undo_are_reversible_and_audited() {
    let node = TestNode::spawn().await;
    let moderator = user_with_role(&node, "moderatrice", "moderator", ADMIN_SCOPES).await;
    let target = ApiClient::new(&node, "cible").await;
    let id = target.actor().id;
    let act = |kind: &'static str| {
        let moderator = moderator.clone();
        async move {
            moderator
                .post_ok(
                    &format!("/api/v1/admin/accounts/{id}/action"),
                    json!({"type": kind, "text": format!("note {kind}")}),
                )
                .await
        }
    };
    act("disable").await;
    let (status, body) = target.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "Your login is currently disabled");
    let shown = moderator.ok(&format!("/api/v1/admin/accounts/{id}")).await;
    assert_eq!(shown["disabled"], true);
    assert_eq!(
        moderator
            .ok("/api/v1/admin/accounts?disabled=true")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    moderator
        .post_ok(&format!("/api/v1/admin/accounts/{id}/enable"), Value::Null)
        .await;
    assert_eq!(
        target.get("/api/v1/accounts/verify_credentials").await.0,
        200
    );
    let post = target
        .post_ok(
            "/api/v1/statuses",
            json!({"status": "#annonce vente de cours"}),
        )
        .await;
    let on_public = |timeline: &Value| {
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == post["id"])
    };
    assert!(on_public(&moderator.ok("/api/v1/timelines/public").await));
    act("silence").await;
    assert_eq!(
        moderator.ok(&format!("/api/v1/admin/accounts/{id}")).await["silenced"],
        true
    );
    // Silenced: off the public and hashtag timelines.
    assert!(!on_public(&moderator.ok("/api/v1/timelines/public").await));
    assert!(!on_public(
        &moderator.ok("/api/v1/timelines/tag/annonce").await
    ));
    let unsilenced = moderator
        .post_ok(
            &format!("/api/v1/admin/accounts/{id}/unsilence"),
            Value::Null,
        )
        .await;
    assert_eq!(unsilenced["silenced"], false);
    assert!(on_public(&moderator.ok("/api/v1/timelines/public").await));
    let (status, _) = moderator
        .post(
            &format!("/api/v1/admin/accounts/{id}/action"),
            json!({"type": "explode"}),
        )
        .await;
    assert_eq!(status, 422);
    let log = moderator.ok("/api/v1/pln/admin/audit_log").await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "account.unsilence",
            "account.silence",
            "account.enable",
            "account.disable"
        ]
    );
    assert_eq!(log[3]["note"], "note disable");
}

#[tokio::test]
async fn a_report_resolved_with_suspension_removes_the_account_everywhere() {
    let [a, b] = cluster::<2>().await;
    // zakaria on B posts; fatima on A follows him and receives the post.
    let zakaria = ApiClient::new(&b, "zakaria").await;
    let fatima = ApiClient::new(&a, "fatima").await;
    follow_across(&a, fatima.actor(), &b, "zakaria").await;
    let post = zakaria
        .post_ok("/api/v1/statuses", json!({"status": "publicité agressive"}))
        .await;
    let post_url = post["uri"].as_str().unwrap().to_string();
    let data_a = a.data();
    eventually("the post to reach node A", || {
        let data = data_a.clone();
        let url = post_url.clone();
        async move {
            db::posts::find_by_ap_id(&data.db.read, &url)
                .await
                .ok()
                .flatten()
                .is_some_and(|p| p.deleted_at.is_none())
        }
    })
    .await;

    // A local user of B reports him; B's moderator sees it in the queue.
    let reporter = ApiClient::new(&b, "amal").await;
    let report = reporter
        .post_ok(
            "/api/v1/reports",
            json!({"account_id": zakaria.actor().id.to_string(), "status_ids": [id_of(&post)], "comment": "spam", "category": "spam"}),
        )
        .await;
    let moderator = user_with_role(&b, "moderatrice", "moderator", ADMIN_SCOPES).await;
    let queue = moderator.ok("/api/v1/admin/reports").await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let entry = &queue[0];
    assert_eq!(entry["id"], report["id"]);
    assert_eq!(entry["target_account"]["username"], "zakaria");
    assert_eq!(entry["account"]["username"], "amal");
    assert_eq!(entry["statuses"][0]["id"], post["id"]);
    let report_id = id_of(entry);

    // Assign, unassign, assign again.
    let assigned = moderator
        .post_ok(
            &format!("/api/v1/admin/reports/{report_id}/assign_to_self"),
            Value::Null,
        )
        .await;
    assert_eq!(assigned["assigned_account"]["username"], "moderatrice");
    let unassigned = moderator
        .post_ok(
            &format!("/api/v1/admin/reports/{report_id}/unassign"),
            Value::Null,
        )
        .await;
    assert!(unassigned["assigned_account"].is_null());
    // The reporter is no moderator.
    assert_eq!(
        reporter
            .post(
                &format!("/api/v1/admin/reports/{report_id}/resolve"),
                json!({"action": "suspend"})
            )
            .await
            .0,
        403
    );

    // Resolve with suspension.
    let resolved = moderator
        .post_ok(
            &format!("/api/v1/admin/reports/{report_id}/resolve"),
            json!({"action": "suspend", "text": "spam répété"}),
        )
        .await;
    assert_eq!(resolved["action_taken"], true);
    assert_eq!(
        resolved["action_taken_by_account"]["username"],
        "moderatrice"
    );
    assert_eq!(resolved["target_account"]["suspended"], true);
    // His token stops working at once.
    assert_eq!(
        zakaria.get("/api/v1/accounts/verify_credentials").await.0,
        401
    );
    // Node A removes his post and forgets the account (Delete(actor) federated).
    eventually("node A to remove the suspended account's post", || {
        let data = data_a.clone();
        let url = post_url.clone();
        async move {
            db::posts::find_by_ap_id(&data.db.read, &url)
                .await
                .ok()
                .flatten()
                .is_some_and(|p| p.deleted_at.is_some())
        }
    })
    .await;
    let timeline = fatima.ok("/api/v1/timelines/home").await;
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["uri"] != post_url.as_str())
    );
    // While suspended the account is not served; lifting the suspension brings it back: it
    // can log in and is served again, and node A takes it back on its next contact.
    let zakaria_id = zakaria.actor().id;
    let ap_get = |url: String| {
        reqwest::Client::new()
            .get(url)
            .header("accept", "application/activity+json")
            .send()
    };
    let zakaria_url = zakaria.actor().ap_id.clone();
    assert_eq!(ap_get(zakaria_url.clone()).await.unwrap().status(), 410);
    let lifted = moderator
        .post_ok(
            &format!("/api/v1/admin/accounts/{zakaria_id}/unsuspend"),
            Value::Null,
        )
        .await;
    assert_eq!(lifted["suspended"], false);
    assert_eq!(ap_get(zakaria_url.clone()).await.unwrap().status(), 200);
    let zakaria = ApiClient::for_actor(&b, zakaria.actor().clone(), "read write follow").await;
    assert_eq!(
        zakaria.ok("/api/v1/accounts/verify_credentials").await["username"],
        "zakaria"
    );
    zakaria
        .post_ok(
            "/api/v1/statuses",
            json!({"status": format!("@{} je suis de retour", a.handle("fatima"))}),
        )
        .await;
    let zakaria_on_a = zakaria_url.clone();
    eventually("node A to take the account back", || {
        let data = data_a.clone();
        let url = zakaria_on_a.clone();
        async move {
            db::actors::find_by_ap_id(&data.db.read, &url)
                .await
                .ok()
                .flatten()
                .is_some_and(|a| a.deleted_at.is_none())
        }
    })
    .await;
    fatima
        .wait_for("the mention on A", "/api/v1/notifications", |n| {
            n.as_array()
                .is_some_and(|l| l.iter().any(|n| n["type"] == "mention"))
        })
        .await;
    // The queue is empty; the resolved list has it; reopen brings it back.
    assert!(
        moderator
            .ok("/api/v1/admin/reports")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        moderator
            .ok("/api/v1/admin/reports?resolved=true")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    moderator
        .post_ok(
            &format!("/api/v1/admin/reports/{report_id}/reopen"),
            Value::Null,
        )
        .await;
    assert_eq!(
        moderator
            .ok("/api/v1/admin/reports")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let log = moderator.ok("/api/v1/pln/admin/audit_log").await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"account.suspend"));
    assert!(actions.contains(&"account.unsuspend"));
    assert!(actions.contains(&"report.resolve"));
    assert!(actions.contains(&"report.reopen"));
}

#[tokio::test]
async fn a_warning_reaches_the_user_as_a_moderation_warning_notification() {
    let node = TestNode::spawn().await;
    let moderator = user_with_role(&node, "moderatrice", "moderator", ADMIN_SCOPES).await;
    let salma = ApiClient::new(&node, "salma").await;
    let id = salma.actor().id;
    // Mastodon's way: `text` with `send_email_notification`.
    moderator
        .post_ok(
            &format!("/api/v1/admin/accounts/{id}/action"),
            json!({"type": "none", "text": "Restez courtois, s'il vous plaît.", "send_email_notification": true}),
        )
        .await;
    // Without it, the text is only the staff note.
    moderator
        .post_ok(
            &format!("/api/v1/admin/accounts/{id}/action"),
            json!({"type": "silence", "text": "note interne"}),
        )
        .await;
    let notes = salma.ok("/api/v1/notifications").await;
    let warnings: Vec<&Value> = notes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "moderation_warning")
        .collect();
    assert_eq!(warnings.len(), 1, "{notes}");
    assert_eq!(warnings[0]["moderation_warning"]["action"], "none");
    assert_eq!(
        warnings[0]["moderation_warning"]["text"],
        "Restez courtois, s'il vous plaît."
    );
    assert!(warnings[0]["moderation_warning"]["appeal"].is_null());
    // The notification does not name the moderator: it comes from the node.
    assert_ne!(warnings[0]["account"]["username"], "moderatrice");
    // Asked for by type, in v1 and grouped: the warning rides on its group.
    let only = salma
        .ok("/api/v1/notifications?types[]=moderation_warning")
        .await;
    assert_eq!(only.as_array().map(Vec::len), Some(1), "{only}");
    let grouped = salma
        .ok("/api/v2/notifications?types[]=moderation_warning")
        .await;
    let group = &grouped["notification_groups"][0];
    assert_eq!(group["type"], "moderation_warning", "{grouped}");
    assert_eq!(group["moderation_warning"]["action"], "none");
    assert_eq!(
        grouped["notification_groups"].as_array().map(Vec::len),
        Some(1)
    );
    // A message too long is refused, and nothing is done then.
    let (status, body) = moderator
        .post(
            &format!("/api/v1/admin/accounts/{id}/action"),
            json!({"type": "none", "message": "x".repeat(6000)}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let log = moderator.ok("/api/v1/pln/admin/audit_log").await;
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(log[1]["action"], "account.none");
}

#[tokio::test]
async fn a_flag_from_another_node_lands_in_the_admin_queue_and_statuses_can_be_deleted() {
    let [a, b] = cluster::<2>().await;
    let youssef = ApiClient::new(&b, "youssef").await;
    let post = youssef
        .post_ok("/api/v1/statuses", json!({"status": "contenu douteux"}))
        .await;
    // A user on A reports youssef@B with the post, forwarded: A sends a Flag to B.
    let reporter = ApiClient::new(&a, "nadia").await;
    let remote = a.resolve(&b.handle("youssef")).await;
    let searched = reporter
        .ok(&format!(
            "/api/v2/search?q={}&resolve=true&type=statuses",
            urlencode(post["uri"].as_str().unwrap())
        ))
        .await;
    let remote_post_id = id_of(&searched["statuses"][0]);
    reporter
        .post_ok(
            "/api/v1/reports",
            json!({"account_id": remote.id.to_string(), "status_ids": [remote_post_id], "comment": "à vérifier", "forward": true}),
        )
        .await;
    let admin_b = user_with_role(&b, "direction", "admin", ADMIN_SCOPES).await;
    let queue = admin_b
        .wait_for("the Flag in B's queue", "/api/v1/admin/reports", |q| {
            q.as_array().is_some_and(|l| !l.is_empty())
        })
        .await;
    let entry = &queue[0];
    assert_eq!(entry["target_account"]["username"], "youssef");
    assert_eq!(entry["comment"], "à vérifier");
    assert_eq!(entry["statuses"][0]["id"], post["id"]);
    // The reporter seen from B is A's instance actor (Flags are anonymous).
    assert!(
        entry["account"]["domain"]
            .as_str()
            .unwrap()
            .starts_with("localhost:")
    );

    // Resolved by deleting the statuses: the post is gone, the account stays.
    let report_id = id_of(entry);
    let resolved = admin_b
        .post_ok(
            &format!("/api/v1/admin/reports/{report_id}/resolve"),
            json!({"action": "delete_statuses", "text": "retiré"}),
        )
        .await;
    assert_eq!(resolved["action_taken"], true);
    assert!(resolved["statuses"].as_array().unwrap().is_empty());
    assert_eq!(
        youssef
            .get(&format!("/api/v1/statuses/{}", id_of(&post)))
            .await
            .0,
        404
    );
    assert_eq!(
        youssef.get("/api/v1/accounts/verify_credentials").await.0,
        200
    );

    // B rejects reports from A's domain: the next Flag is accepted and dropped.
    let (status, body) = admin_b
        .post(
            "/api/v1/admin/domain_blocks",
            json!({"domain": a.domain, "severity": "noop", "reject_reports": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(b.data().domain_policy.rejects_reports(&a.domain));
    reporter
        .post_ok(
            "/api/v1/reports",
            json!({"account_id": remote.id.to_string(), "comment": "encore", "forward": true}),
        )
        .await;
    let data_a = a.data();
    let host_b = b.domain.clone();
    eventually("A to deliver the second Flag", || {
        let (data, host) = (data_a.clone(), host_b.clone());
        async move { flag_delivered(&data, &host, "encore").await }
    })
    .await;
    let about_youssef = db::reports::against(&b.data().db.read, youssef.actor().id)
        .await
        .unwrap();
    assert_eq!(about_youssef.len(), 1, "the second Flag was dropped");
}

/// Whether the Flag whose body holds `comment` was delivered to `host` (B answered, so B has
/// processed it).
async fn flag_delivered(
    data: &activitypub_federation::config::Data<halqa::AppState>,
    host: &str,
    comment: &str,
) -> bool {
    use halqa::db::entity::{delivery, outgoing_activity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(flag) = outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Body.contains("\"Flag\""))
        .filter(outgoing_activity::Column::Body.contains(comment))
        .one(&data.db.read)
        .await
        .unwrap()
    else {
        return false;
    };
    delivery::Entity::find()
        .filter(delivery::Column::ActivityId.eq(flag.id))
        .filter(delivery::Column::Host.eq(host))
        .filter(delivery::Column::State.eq(delivery::state::DONE))
        .one(&data.db.read)
        .await
        .unwrap()
        .is_some()
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
