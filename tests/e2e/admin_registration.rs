//! Registration rules end to end: `POST /api/v1/accounts` in each mode (open, approval,
//! invite, closed), allowed email domains, invites (valid, expired, used up, revoked), the
//! login of a pending account before and after approval (and its absence from WebFinger and
//! ActivityPub until then), and instance v1/v2 reflecting the mode. Settings are changed through the admin API, as an admin would.
use crate::{
    api_client::{ApiClient, id_of},
    harness::TestNode,
};
use halqa::{db, service::accounts};
use serde_json::{Value, json};

/// Scopes of an admin's token.
pub const ADMIN_SCOPES: &str = "read write follow admin:read admin:write";
pub const PASSWORD: &str = "correct horse battery";

/// A local user with `role` and a client holding `scopes`.
pub async fn user_with_role(node: &TestNode, name: &str, role: &str, scopes: &str) -> ApiClient {
    let data = node.data();
    let (_, actor) = accounts::create_user(
        &data.db,
        &data.ids,
        &data.urls,
        &data.config.instance.domain,
        accounts::NewUser {
            username: name.into(),
            email: format!("{name}@{}", node.port),
            password: PASSWORD.into(),
            role: role.into(),
        },
    )
    .await
    .unwrap();
    ApiClient::for_actor(node, actor, scopes).await
}

/// A registered app (`read write follow` and `write:accounts` through `write`) and its
/// client-credentials token, as a Mastodon app signs up users.
pub async fn app_client(node: &TestNode) -> (Value, ApiClient) {
    let anon = ApiClient::anonymous(node);
    let app = anon
        .post_ok(
            "/api/v1/apps",
            json!({"client_name": "Sign-up", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow"}),
        )
        .await;
    let token = anon
        .post_ok(
            "/oauth/token",
            json!({"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"], "scope": "read write follow"}),
        )
        .await;
    let mut client = ApiClient::anonymous(node);
    client.token = Some(token["access_token"].as_str().unwrap().to_string());
    (app, client)
}

/// Sets node settings through the admin API.
pub async fn set_settings(admin: &ApiClient, changes: Value) -> Value {
    let (status, body) = admin.patch("/api/v1/pln/admin/settings", changes).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn sign_up_body(name: &str, email: &str) -> Value {
    json!({"username": name, "email": email, "password": "long enough password", "agreement": true, "locale": "fr", "reason": "Je suis stagiaire au CRMEF"})
}

/// A client holding the token a sign-up answered.
fn with_token(node: &TestNode, token: &Value) -> ApiClient {
    let mut client = ApiClient::anonymous(node);
    client.token = Some(token["access_token"].as_str().unwrap().to_string());
    client
}

async fn local_user_count(node: &TestNode) -> u64 {
    db::users::count(&node.data().db.read).await.unwrap()
}

#[tokio::test]
async fn open_registrations_give_a_working_token_and_instance_documents_follow_the_mode() {
    let node = TestNode::spawn_with(|c| c.oauth.allow_password_grant = true).await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    let (app, signer) = app_client(&node).await;
    let anon = ApiClient::anonymous(&node);

    // Closed by default: 403, nothing created, instance says so.
    let before = local_user_count(&node).await;
    let (status, body) = signer
        .post("/api/v1/accounts", sign_up_body("salma", "salma@ens.ac.ma"))
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap().contains("closed"));
    assert_eq!(local_user_count(&node).await, before);
    let v1 = anon.ok("/api/v1/instance").await;
    assert_eq!(v1["registrations"], false);
    let v2 = anon.ok("/api/v2/instance").await;
    assert_eq!(v2["registrations"]["enabled"], false);

    set_settings(
        &admin,
        json!({"registrations_mode": "open", "registrations_message": "Bienvenue aux enseignants"}),
    )
    .await;
    let v1 = anon.ok("/api/v1/instance").await;
    assert_eq!(v1["registrations"], true);
    assert_eq!(v1["approval_required"], false);
    assert_eq!(v1["invites_enabled"], false);
    let v2 = anon.ok("/api/v2/instance").await;
    assert_eq!(v2["registrations"]["enabled"], true);
    assert_eq!(v2["registrations"]["approval_required"], false);
    assert_eq!(v2["registrations"]["message"], "Bienvenue aux enseignants");

    // No app token: 401. Missing agreement or bad JSON: refused, nothing created.
    let (status, _) = anon
        .post("/api/v1/accounts", sign_up_body("salma", "salma@ens.ac.ma"))
        .await;
    assert_eq!(status, 401);
    let mut no_agreement = sign_up_body("salma", "salma@ens.ac.ma");
    no_agreement["agreement"] = json!(false);
    let (status, _) = signer.post("/api/v1/accounts", no_agreement).await;
    assert_eq!(status, 422);
    let bad_json = signer
        .send(
            signer
                .http
                .post(signer.url("/api/v1/accounts"))
                .header("content-type", "application/json")
                .body("{\"username\": "),
        )
        .await;
    assert_eq!(bad_json.status, 400);
    assert_eq!(local_user_count(&node).await, before);

    // Open: a token that works at once.
    let token = signer
        .post_ok("/api/v1/accounts", sign_up_body("salma", "salma@ens.ac.ma"))
        .await;
    assert_eq!(token["token_type"], "Bearer");
    let salma = with_token(&node, &token);
    let me = salma.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["username"], "salma");
    // The same name again: refused.
    let (status, _) = signer
        .post("/api/v1/accounts", sign_up_body("salma", "other@ens.ac.ma"))
        .await;
    assert_eq!(status, 409);
    // The password grant works for the new account.
    let (status, grant) = anon
        .post(
            "/oauth/token",
            json!({"grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"], "username": "salma", "password": "long enough password", "scope": "read"}),
        )
        .await;
    assert_eq!(status, 200, "{grant}");
}

#[tokio::test]
async fn approval_mode_keeps_the_account_out_until_staff_approve_it() {
    let node = TestNode::spawn_with(|c| c.oauth.allow_password_grant = true).await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    let moderator = user_with_role(&node, "moderatrice", "moderator", ADMIN_SCOPES).await;
    set_settings(&admin, json!({"registrations_mode": "approval"})).await;
    let anon = ApiClient::anonymous(&node);
    assert_eq!(anon.ok("/api/v1/instance").await["approval_required"], true);
    assert_eq!(
        anon.ok("/api/v2/instance").await["registrations"]["approval_required"],
        true
    );
    let (app, signer) = app_client(&node).await;
    let token = signer
        .post_ok(
            "/api/v1/accounts",
            sign_up_body("youssef", "youssef@ens.ac.ma"),
        )
        .await;
    let youssef = with_token(&node, &token);

    // Pending: the token answers Mastodon's message; the password grant is refused.
    let (status, body) = youssef.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "Your login is currently pending approval");
    let (status, body) = youssef
        .post("/api/v1/statuses", json!({"status": "bonjour"}))
        .await;
    assert_eq!(status, 403, "{body}");
    let password_grant = json!({"grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"], "username": "youssef", "password": "long enough password", "scope": "read"});
    let (status, body) = anon.post("/oauth/token", password_grant.clone()).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("pending")
    );

    // Staff see the applicant with the reason, got the admin.sign_up notification.
    let pending = moderator.ok("/api/v1/admin/accounts?pending=true").await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    assert_eq!(pending[0]["username"], "youssef");
    assert_eq!(pending[0]["approved"], false);
    assert_eq!(pending[0]["invite_request"], "Je suis stagiaire au CRMEF");
    let v2 = moderator
        .ok("/api/v2/admin/accounts?status=pending&origin=local")
        .await;
    assert_eq!(v2.as_array().unwrap().len(), 1);
    let notes = moderator.ok("/api/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["type"] == "admin.sign_up")
    );

    // A user cannot approve: 403, still pending.
    let lambda = user_with_role(&node, "lambda", "user", ADMIN_SCOPES).await;
    let id = id_of(&pending[0]);
    let (status, body) = lambda
        .post(&format!("/api/v1/admin/accounts/{id}/approve"), Value::Null)
        .await;
    assert_eq!(status, 403);
    assert!(body["error"].is_string());
    assert_eq!(
        youssef.get("/api/v1/accounts/verify_credentials").await.0,
        403
    );
    // Other servers cannot see a pending account: WebFinger and the actor answer 404.
    let http = reqwest::Client::new();
    let finger = format!(
        "{}/.well-known/webfinger?resource=acct:youssef@{}",
        node.base, node.domain
    );
    let actor_url = db::actors::find_local_any(&node.data().db.read, "youssef")
        .await
        .unwrap()
        .unwrap()
        .ap_id;
    let ap_get = |url: String| {
        http.get(url)
            .header("accept", "application/activity+json")
            .send()
    };
    assert_eq!(http.get(&finger).send().await.unwrap().status(), 404);
    assert_eq!(ap_get(actor_url.clone()).await.unwrap().status(), 404);
    assert_eq!(
        ap_get(format!("{actor_url}/outbox"))
            .await
            .unwrap()
            .status(),
        404
    );

    // The moderator approves: the same token now works, and so does the password grant.
    let approved = moderator
        .post_ok(&format!("/api/v1/admin/accounts/{id}/approve"), Value::Null)
        .await;
    assert_eq!(approved["approved"], true);
    assert_eq!(
        youssef.ok("/api/v1/accounts/verify_credentials").await["username"],
        "youssef"
    );
    let (status, _) = anon.post("/oauth/token", password_grant).await;
    assert_eq!(status, 200);
    // …and other servers find it now.
    assert_eq!(http.get(&finger).send().await.unwrap().status(), 200);
    assert_eq!(ap_get(actor_url.clone()).await.unwrap().status(), 200);
    // Approving twice is refused.
    let (status, _) = moderator
        .post(&format!("/api/v1/admin/accounts/{id}/approve"), Value::Null)
        .await;
    assert_eq!(status, 403);

    // Another applicant is rejected: told so at login, and gone from the directory.
    let token = signer
        .post_ok("/api/v1/accounts", sign_up_body("karim", "karim@ens.ac.ma"))
        .await;
    let karim = with_token(&node, &token);
    let karim_id = db::actors::find_local(&node.data().db.read, "karim")
        .await
        .unwrap()
        .unwrap()
        .id;
    let rejected = moderator
        .post_ok(
            &format!("/api/v1/admin/accounts/{karim_id}/reject"),
            Value::Null,
        )
        .await;
    assert_eq!(rejected["approved"], false);
    let (status, body) = karim.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 403);
    assert!(body["error"].as_str().unwrap().contains("not approved"));
    let log = admin.ok("/api/v1/pln/admin/audit_log").await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"account.approve") && actions.contains(&"account.reject"));
}

#[tokio::test]
async fn invite_mode_needs_a_live_invite_and_email_domains_are_enforced() {
    let node = TestNode::spawn().await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    set_settings(
        &admin,
        json!({"registrations_mode": "invite", "registrations_allowed_email_domains": ["ens.ac.ma"]}),
    )
    .await;
    assert_eq!(
        ApiClient::anonymous(&node).ok("/api/v1/instance").await["invites_enabled"],
        true
    );
    let (_, signer) = app_client(&node).await;
    let before = local_user_count(&node).await;
    let sign_up = |name: &str, email: &str, code: Option<&str>| {
        let mut body = sign_up_body(name, email);
        if let Some(code) = code {
            body["invite_code"] = json!(code);
        }
        body
    };

    // No code, unknown code: 422, nothing created.
    let (status, body) = signer
        .post("/api/v1/accounts", sign_up("hind", "hind@ens.ac.ma", None))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"].as_str().unwrap().contains("invite"));
    let (status, _) = signer
        .post(
            "/api/v1/accounts",
            sign_up("hind", "hind@ens.ac.ma", Some("nope")),
        )
        .await;
    assert_eq!(status, 422);

    // One use: the first sign-up takes it, the second is refused.
    let invite = admin
        .post_ok(
            "/api/v1/pln/admin/invites",
            json!({"max_uses": 1, "expires_in": 86400}),
        )
        .await;
    let code = invite["code"].as_str().unwrap().to_string();
    assert!(invite["url"].as_str().unwrap().contains(&code));
    // A disallowed email domain: 422 and the invite's use is not spent.
    let (status, body) = signer
        .post(
            "/api/v1/accounts",
            sign_up("hind", "hind@gmail.com", Some(&code)),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"].as_str().unwrap().contains("ens.ac.ma"));
    assert_eq!(local_user_count(&node).await, before);
    let token = signer
        .post_ok(
            "/api/v1/accounts",
            sign_up("hind", "hind@ens.ac.ma", Some(&code)),
        )
        .await;
    assert_eq!(
        with_token(&node, &token)
            .ok("/api/v1/accounts/verify_credentials")
            .await["username"],
        "hind"
    );
    let (status, body) = signer
        .post(
            "/api/v1/accounts",
            sign_up("omar", "omar@ens.ac.ma", Some(&code)),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["error"].as_str().unwrap().contains("used up"),
        "{body}"
    );

    // Expired: the expiry is moved into the past in the database.
    let expiring = admin
        .post_ok("/api/v1/pln/admin/invites", json!({"expires_in": 3600}))
        .await;
    {
        use sea_orm::{ActiveModelTrait, EntityTrait, Set};
        let data = node.data();
        let row =
            halqa::db::entity::invite::Entity::find_by_id(id_of(&expiring).parse::<i64>().unwrap())
                .one(&data.db.read)
                .await
                .unwrap()
                .unwrap();
        let mut row: halqa::db::entity::invite::ActiveModel = row.into();
        row.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
        row.update(&data.db.write).await.unwrap();
    }
    let (status, body) = signer
        .post(
            "/api/v1/accounts",
            sign_up("omar", "omar@ens.ac.ma", expiring["code"].as_str()),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["error"].as_str().unwrap().contains("expired"),
        "{body}"
    );

    // Revoked.
    let revoked = admin.post_ok("/api/v1/pln/admin/invites", json!({})).await;
    let (status, body) = admin
        .delete(&format!("/api/v1/pln/admin/invites/{}", id_of(&revoked)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["revoked"], true);
    let (status, _) = signer
        .post(
            "/api/v1/accounts",
            sign_up("omar", "omar@ens.ac.ma", revoked["code"].as_str()),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(local_user_count(&node).await, before + 1);

    // Bad invite parameters, and a user making invites: refused.
    let (status, _) = admin
        .post("/api/v1/pln/admin/invites", json!({"max_uses": 0}))
        .await;
    assert_eq!(status, 422);
    let user = user_with_role(&node, "lambda", "user", ADMIN_SCOPES).await;
    let (status, _) = user.post("/api/v1/pln/admin/invites", json!({})).await;
    assert_eq!(status, 403);
    assert_eq!(
        admin
            .ok("/api/v1/pln/admin/invites")
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn settings_are_admin_only_validated_and_reflected_in_instance_and_nodeinfo() {
    let node = TestNode::spawn().await;
    let admin = user_with_role(&node, "direction", "admin", ADMIN_SCOPES).await;
    let moderator = user_with_role(&node, "moderatrice", "moderator", ADMIN_SCOPES).await;
    let anon = ApiClient::anonymous(&node);
    // A moderator may read but not change; a user neither.
    assert_eq!(moderator.get("/api/v1/pln/admin/settings").await.0, 200);
    let (status, _) = moderator
        .patch("/api/v1/pln/admin/settings", json!({"name": "Pirate"}))
        .await;
    assert_eq!(status, 403);
    let user = user_with_role(&node, "lambda", "user", "read write").await;
    assert_eq!(user.get("/api/v1/pln/admin/settings").await.0, 403);
    // A bad value changes nothing (all or nothing).
    let (status, _) = admin
        .patch(
            "/api/v1/pln/admin/settings",
            json!({"name": "ENS Rabat", "registrations_mode": "sometimes"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_ne!(anon.ok("/api/v1/instance").await["title"], "ENS Rabat");

    set_settings(
        &admin,
        json!({
            "name": "ENS Rabat",
            "description": "Réseau des enseignants",
            "contact_email": "contact@ens.ac.ma",
            "rules": ["Respect", {"text": "Pas de publicité", "hint": "spam"}],
            "hide_counts": true,
            "max_characters": 1000,
            "default_language": "ar",
        }),
    )
    .await;
    let v1 = anon.ok("/api/v1/instance").await;
    assert_eq!(v1["title"], "ENS Rabat");
    assert_eq!(v1["email"], "contact@ens.ac.ma");
    assert_eq!(v1["languages"], json!(["ar"]));
    assert_eq!(v1["configuration"]["statuses"]["max_characters"], 1000);
    assert_eq!(v1["rules"][1]["text"], "Pas de publicité");
    let v2 = anon.ok("/api/v2/instance").await;
    assert_eq!(v2["description"], "Réseau des enseignants");
    assert_eq!(v2["hide_counts"], true);
    assert_eq!(v2["rules"].as_array().unwrap().len(), 2);
    let rules = anon.ok("/api/v1/instance/rules").await;
    assert_eq!(rules[0], json!({"id": "1", "text": "Respect", "hint": ""}));
    let nodeinfo = anon.ok("/nodeinfo/2.1").await;
    assert_eq!(nodeinfo["metadata"]["nodeName"], "ENS Rabat");
    assert_eq!(nodeinfo["metadata"]["hideCounts"], true);
    assert_eq!(nodeinfo["openRegistrations"], false);

    // The character limit applies to statuses.
    let (status, _) = admin
        .post("/api/v1/statuses", json!({"status": "a".repeat(800)}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = admin
        .post("/api/v1/statuses", json!({"status": "a".repeat(1001)}))
        .await;
    assert_eq!(status, 422);
    let log = admin.ok("/api/v1/pln/admin/audit_log").await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "setting.update" && e["target_id"] == "name")
    );
}

#[tokio::test]
async fn statuses_are_limited_per_account_with_retry_after() {
    let node = TestNode::spawn_with(|c| {
        c.rate_limits.statuses_per_account = halqa::config::RateLimit {
            limit: 2,
            period_secs: 3600,
        }
    })
    .await;
    let amina = ApiClient::new(&node, "amina").await;
    // A second token of the same account shares the limit.
    let again = ApiClient::for_actor(&node, amina.actor().clone(), "read write").await;
    amina
        .post_ok("/api/v1/statuses", json!({"status": "un"}))
        .await;
    again
        .post_ok("/api/v1/statuses", json!({"status": "deux"}))
        .await;
    let reply = amina
        .call(
            reqwest::Method::POST,
            "/api/v1/statuses",
            json!({"status": "trois"}),
        )
        .await;
    assert_eq!(reply.status, 429);
    assert!(reply.headers.contains_key("retry-after"));
    let count = db::posts::count_local(&node.data().db.read).await.unwrap();
    assert_eq!(count, 2);
    // Another account is not affected.
    let bilal = ApiClient::new(&node, "bilal").await;
    bilal
        .post_ok("/api/v1/statuses", json!({"status": "salam"}))
        .await;
}
