//! The admin pages as staff use them in a browser: every page answers an admin with its key
//! content (in Arabic too, right to left), visitors go to the login page, normal users get the
//! translated 403, moderators cannot change the federation policy or the settings, forms
//! without the CSRF token change nothing; invites, settings, blocks and roles changed from the
//! pages land in the audit log; approving a pending sign-up from the queue lets it log in; a
//! report resolved from its page with a message notifies the reported user (API and web).
use crate::{
    admin_registration::{ADMIN_SCOPES, PASSWORD, set_settings, user_with_role},
    api_client::{ApiClient, id_of},
    harness::TestNode,
    web_browser::{browser, get, log_in, post},
};
use halqa::db;
use serde_json::json;

#[tokio::test]
async fn admin_pages_answer_staff_only_and_their_forms_are_audited() {
    let node = TestNode::spawn().await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    user_with_role(&node, "moderatrice", "moderator", ADMIN_SCOPES).await;
    let lambda = user_with_role(&node, "lambda", "user", ADMIN_SCOPES).await;
    let lambda_id = lambda.actor().id;
    let http = browser();
    let as_admin = log_in(&http, &node, "direction").await;
    let as_moderator = log_in(&http, &node, "moderatrice").await;
    let as_user = log_in(&http, &node, "lambda").await;

    // Every page answers an admin, with its key content.
    for (path, expected) in [
        ("/admin", "Active users (7 days)"),
        ("/admin/registrations", "No sign-up is waiting."),
        ("/admin/accounts", "@lambda@"),
        (
            &format!("/admin/accounts/{lambda_id}") as &str,
            "Change the role",
        ),
        ("/admin/reports", "No report here."),
        ("/admin/federation", "Subscribe to a list"),
        ("/admin/settings", "Who may sign up"),
        ("/admin/invites", "Create an invite"),
        ("/admin/audit", "Audit log"),
    ] {
        let page = get(&http, &node, path, &as_admin, "en").await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(page.body.contains(expected), "{path} lacks {expected:?}");
        assert!(
            page.body.contains("href=\"/admin\""),
            "{path}: the admin link"
        );
    }
    let arabic = get(&http, &node, "/admin", &as_admin, "ar").await;
    assert!(arabic.body.contains("dir=\"rtl\""));
    assert!(arabic.body.contains("لوحة القيادة"), "{}", arabic.body);
    let french = get(&http, &node, "/admin/reports", &as_admin, "fr").await;
    assert!(french.body.contains("Signalements"));

    // A visitor goes to the login page (and back here after); a normal user gets the 403
    // page, no admin link.
    let visitor = get(&http, &node, "/admin", "", "en").await;
    assert_eq!(visitor.status, 303);
    assert_eq!(visitor.header("location"), "/login?return_to=%2Fadmin");
    let home = get(&http, &node, "/", &as_user, "en").await;
    assert!(!home.body.contains("href=\"/admin\""));
    for path in [
        "/admin",
        "/admin/accounts",
        "/admin/reports",
        "/admin/audit",
    ] {
        let refused = get(&http, &node, path, &as_user, "en").await;
        assert_eq!(refused.status, 403, "{path}");
        assert!(
            refused.body.contains("moderators and administrators"),
            "{path}"
        );
    }
    let user_csrf = home.csrf();
    let refused = post(
        &http,
        &node,
        "/admin/invites",
        &as_user,
        &[("csrf", &user_csrf), ("max_uses", "3")],
    )
    .await;
    assert_eq!(refused.status, 403);

    // A moderator reads the policy but cannot change it, nor see the settings.
    let policy = get(&http, &node, "/admin/federation", &as_moderator, "en").await;
    assert_eq!(policy.status, 200);
    assert!(policy.body.contains("Only administrators change"));
    assert!(!policy.body.contains("action=\"/admin/federation/blocks\""));
    let mod_csrf = policy.csrf();
    let refused = post(
        &http,
        &node,
        "/admin/federation/blocks",
        &as_moderator,
        &[
            ("csrf", &mod_csrf),
            ("domain", "spam.example"),
            ("severity", "suspend"),
        ],
    )
    .await;
    assert_eq!(refused.status, 403);
    let refused = post(
        &http,
        &node,
        "/admin/federation/mode",
        &as_moderator,
        &[("csrf", &mod_csrf), ("mode", "allowlist")],
    )
    .await;
    assert_eq!(refused.status, 403);
    assert!(!node.data().domain_policy.is_blocked("spam.example"));
    assert_eq!(
        get(&http, &node, "/admin/settings", &as_moderator, "en")
            .await
            .status,
        403
    );
    let refused = post(
        &http,
        &node,
        "/admin/settings",
        &as_moderator,
        &[("csrf", &mod_csrf), ("name", "Pirate")],
    )
    .await;
    assert_eq!(refused.status, 403);
    // A moderator cannot change roles either.
    let refused = post(
        &http,
        &node,
        &format!("/admin/accounts/{lambda_id}/role"),
        &as_moderator,
        &[("csrf", &mod_csrf), ("role", "admin")],
    )
    .await;
    assert_eq!(refused.status, 403);

    // Forms without the admin's CSRF token change nothing.
    let forged = post(
        &http,
        &node,
        "/admin/invites",
        &as_admin,
        &[("csrf", "forged"), ("max_uses", "3")],
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(
        admin
            .ok("/api/v1/pln/admin/invites")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    let forged = post(
        &http,
        &node,
        "/admin/federation/blocks",
        &as_admin,
        &[("domain", "spam.example"), ("severity", "suspend")],
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(!node.data().domain_policy.is_blocked("spam.example"));

    // The admin's forms work: an invite, settings, a block, a role.
    let csrf = get(&http, &node, "/admin/invites", &as_admin, "en")
        .await
        .csrf();
    let created = post(
        &http,
        &node,
        "/admin/invites",
        &as_admin,
        &[("csrf", &csrf), ("max_uses", "5"), ("expires_in", "86400")],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.header("location"), "/admin/invites?done=1");
    let invites = get(&http, &node, "/admin/invites?done=1", &as_admin, "en").await;
    assert!(invites.body.contains("signup?invite="), "{}", invites.body);
    assert!(invites.body.contains("0 / 5"));
    let invite = &admin.ok("/api/v1/pln/admin/invites").await[0];
    let revoked = post(
        &http,
        &node,
        &format!("/admin/invites/{}/revoke", id_of(invite)),
        &as_admin,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(revoked.status, 303);
    assert!(
        get(&http, &node, "/admin/invites", &as_admin, "en")
            .await
            .body
            .contains("Revoked")
    );
    // A bad number is refused with the service's words.
    let bad = post(
        &http,
        &node,
        "/admin/invites",
        &as_admin,
        &[("csrf", &csrf), ("max_uses", "5000")],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("max_uses"), "{}", bad.body);

    let saved = post(
        &http,
        &node,
        "/admin/settings",
        &as_admin,
        &[
            ("csrf", &csrf),
            ("name", "ENS Rabat"),
            ("description", "Formation des enseignants"),
            ("contact_email", "contact@ens.ac.ma"),
            ("default_language", "fr"),
            ("rules", "Respect\nPas de publicité"),
            ("hide_counts", "true"),
            ("max_characters", "1000"),
            ("max_media_attachments", "4"),
            ("max_image_bytes", "8000000"),
            ("registrations_mode", "approval"),
            ("registrations_allowed_email_domains", "ens.ac.ma, crmef.ma"),
            ("registrations_message", ""),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let instance = ApiClient::anonymous(&node).ok("/api/v2/instance").await;
    assert_eq!(instance["title"], "ENS Rabat");
    assert_eq!(instance["registrations"]["approval_required"], true);
    assert_eq!(instance["rules"][1]["text"], "Pas de publicité");
    let settings = admin.ok("/api/v1/pln/admin/settings").await;
    assert_eq!(
        settings["registrations_allowed_email_domains"],
        json!(["ens.ac.ma", "crmef.ma"])
    );
    assert_eq!(settings["max_characters"], 1000);
    // Invalid values change nothing.
    let bad = post(
        &http,
        &node,
        "/admin/settings",
        &as_admin,
        &[
            ("csrf", &csrf),
            ("name", "ENS Rabat"),
            ("max_characters", "5"),
            ("registrations_mode", "open"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(
        admin.ok("/api/v1/pln/admin/settings").await["registrations_mode"],
        "approval"
    );

    let blocked = post(
        &http,
        &node,
        "/admin/federation/blocks",
        &as_admin,
        &[
            ("csrf", &csrf),
            ("domain", "spam.example"),
            ("severity", "silence"),
            ("reject_reports", "true"),
            ("private_comment", "vague de spam"),
        ],
    )
    .await;
    assert_eq!(blocked.status, 303, "{}", blocked.body);
    assert!(node.data().domain_policy.is_limited("spam.example"));
    assert!(node.data().domain_policy.rejects_reports("spam.example"));
    let policy = get(&http, &node, "/admin/federation", &as_admin, "en").await;
    assert!(policy.body.contains("spam.example") && policy.body.contains("vague de spam"));
    let block_id = id_of(&admin.ok("/api/v1/admin/domain_blocks").await[0]);
    let lifted = post(
        &http,
        &node,
        &format!("/admin/federation/entries/block/{block_id}/delete"),
        &as_admin,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(lifted.status, 303);
    assert!(!node.data().domain_policy.is_limited("spam.example"));
    let mode = post(
        &http,
        &node,
        "/admin/federation/mode",
        &as_admin,
        &[("csrf", &csrf), ("mode", "allowlist")],
    )
    .await;
    assert_eq!(mode.status, 303);
    assert!(node.data().domain_policy.is_blocked("elsewhere.example"));

    let promoted = post(
        &http,
        &node,
        &format!("/admin/accounts/{lambda_id}/role"),
        &as_admin,
        &[("csrf", &csrf), ("role", "moderator")],
    )
    .await;
    assert_eq!(promoted.status, 303);
    assert_eq!(
        promoted.header("location"),
        format!("/admin/accounts/{lambda_id}?done=1")
    );
    let user = db::users::find_by_actor(&node.data().db.read, lambda_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, "moderator");

    // The audit log page shows who did what.
    let audit = get(&http, &node, "/admin/audit", &as_admin, "en").await;
    for action in [
        "invite.create",
        "invite.revoke",
        "setting.update",
        "account.role",
    ] {
        assert!(audit.body.contains(action), "audit lacks {action}");
    }
    assert!(audit.body.contains("user → moderator"));
    assert!(audit.body.contains("@direction"));
}

#[tokio::test]
async fn approving_a_pending_sign_up_from_the_queue_lets_it_log_in() {
    let node = TestNode::spawn().await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    set_settings(&admin, json!({"registrations_mode": "approval"})).await;
    let http = browser();

    // Sign-up through the web form, with a reason.
    let form = get(&http, &node, "/signup", "", "en").await;
    let anon = format!("halqa_csrf={}", form.cookie("halqa_csrf").unwrap());
    let signed = post(
        &http,
        &node,
        "/signup",
        &anon,
        &[
            ("csrf", &form.csrf()),
            ("username", "salma"),
            ("email", "salma@ens.ac.ma"),
            ("password", PASSWORD),
            ("agreement", "1"),
            ("reason", "Stagiaire en mathématiques"),
        ],
    )
    .await;
    assert!(signed.status < 500, "{}", signed.body);
    // Pending: the login is refused.
    let form = get(&http, &node, "/login", "", "en").await;
    let anon = format!("halqa_csrf={}", form.cookie("halqa_csrf").unwrap());
    let refused = post(
        &http,
        &node,
        "/login",
        &anon,
        &[
            ("csrf", &form.csrf()),
            ("username", "salma"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_ne!(refused.status, 303, "a pending account cannot log in");

    // The queue shows her with her reason; approving from it lets her in.
    let as_admin = log_in(&http, &node, "direction").await;
    let queue = get(&http, &node, "/admin/registrations", &as_admin, "en").await;
    assert!(queue.body.contains("@salma"), "{}", queue.body);
    assert!(queue.body.contains("Stagiaire en mathématiques"));
    let salma = db::actors::find_local_any(&node.data().db.read, "salma")
        .await
        .unwrap()
        .unwrap();
    let approved = post(
        &http,
        &node,
        &format!("/admin/accounts/{}/approve", salma.id),
        &as_admin,
        &[("csrf", &queue.csrf()), ("back", "registrations")],
    )
    .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    assert_eq!(approved.header("location"), "/admin/registrations?done=1");
    let queue = get(&http, &node, "/admin/registrations?done=1", &as_admin, "en").await;
    assert!(queue.body.contains("No sign-up is waiting."));
    assert!(queue.body.contains("Done."));
    let session = log_in(&http, &node, "salma").await;
    assert_eq!(
        get(&http, &node, "/settings", &session, "en").await.status,
        200
    );
    let audit = admin.ok("/api/v1/pln/admin/audit_log").await;
    assert_eq!(audit[0]["action"], "account.approve");
}

#[tokio::test]
async fn a_report_resolved_from_its_page_with_a_message_notifies_the_user() {
    let node = TestNode::spawn().await;
    user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    let zakaria = ApiClient::new(&node, "zakaria").await;
    let amal = ApiClient::new(&node, "amal").await;
    let post_body = zakaria
        .post_ok("/api/v1/statuses", json!({"status": "publicité agressive"}))
        .await;
    let report = amal
        .post_ok(
            "/api/v1/reports",
            json!({"account_id": zakaria.actor().id.to_string(), "status_ids": [id_of(&post_body)], "comment": "du spam", "category": "spam"}),
        )
        .await;
    let report_id = id_of(&report);
    let http = browser();
    let as_admin = log_in(&http, &node, "direction").await;

    let queue = get(&http, &node, "/admin/reports", &as_admin, "en").await;
    assert!(
        queue.body.contains("Report about @zakaria@"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("du spam"));
    let page = get(
        &http,
        &node,
        &format!("/admin/reports/{report_id}"),
        &as_admin,
        "en",
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("publicité agressive"),
        "the reported post is shown"
    );
    assert!(page.body.contains("Message to the user"));
    // Without the token nothing happens.
    let forged = post(
        &http,
        &node,
        &format!("/admin/reports/{report_id}/resolve"),
        &as_admin,
        &[("csrf", "nope"), ("action", "silence")],
    )
    .await;
    assert_eq!(forged.status, 403);
    let resolved = post(
        &http,
        &node,
        &format!("/admin/reports/{report_id}/resolve"),
        &as_admin,
        &[
            ("csrf", &page.csrf()),
            ("action", "silence"),
            ("note", "récidive"),
            ("message", "Merci de relire la charte du réseau."),
        ],
    )
    .await;
    assert_eq!(resolved.status, 303, "{}", resolved.body);
    let page = get(
        &http,
        &node,
        &format!("/admin/reports/{report_id}"),
        &as_admin,
        "en",
    )
    .await;
    assert!(page.body.contains("Resolved") && page.body.contains("Reopen"));

    // Zakaria is limited and has the moderators' message, in the API and on the web page.
    let notes = zakaria.ok("/api/v1/notifications").await;
    let warning = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "moderation_warning")
        .unwrap_or_else(|| panic!("no moderation_warning in {notes}"));
    assert_eq!(warning["moderation_warning"]["action"], "silence");
    assert_eq!(
        warning["moderation_warning"]["text"],
        "Merci de relire la charte du réseau."
    );
    assert_eq!(
        warning["moderation_warning"]["status_ids"][0],
        post_body["id"]
    );
    assert_eq!(
        warning["moderation_warning"]["target_account"]["username"],
        "zakaria"
    );
    let as_zakaria = log_in(&http, &node, "zakaria").await;
    let web = get(&http, &node, "/notifications", &as_zakaria, "fr").await;
    assert!(
        web.body.contains("Merci de relire la charte du réseau."),
        "{}",
        web.body
    );
    assert!(web.body.contains("Les modérateurs ont limité votre compte"));
    // The note stays with staff: the audit log has it, the user does not see it.
    assert!(!web.body.contains("récidive"));
    let audit = get(&http, &node, "/admin/audit", &as_admin, "en").await;
    assert!(audit.body.contains("account.silence") && audit.body.contains("récidive"));
    assert!(
        db::actors::get_by_id(&node.data().db.read, zakaria.actor().id)
            .await
            .unwrap()
            .silenced_at
            .is_some()
    );
}
