//! The settings page as a browser uses it: posting defaults, the default licence of resources,
//! privacy (locked, discoverable) saved through the form and shown again, read back through the
//! APIs that share the same services; the CSV export of follows, lists, blocks, mutes and
//! bookmarks; CSRF refusals; the admin's one-time password reset link.
use crate::{
    api_client::{ApiClient, id_of},
    harness::cluster,
    web_browser::Browser,
};
use chrono::{Duration, Utc};
use halqa::{
    db::{self, entity::password_reset},
    service::{
        accounts,
        moderation::{self, Moderator},
    },
};
use sea_orm::{EntityTrait, sea_query::Expr};
use serde_json::json;

/// The settings form as the page shows it, with `changes` over the current values.
fn settings_form<'a>(csrf: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("display_name", "Amina"),
        ("note", "Professeure de maths"),
        ("languages", "ar, fr"),
    ];
    form.extend_from_slice(changes);
    form
}

#[tokio::test]
async fn settings_fields_are_saved_shown_and_used_by_the_apis() {
    let [node] = cluster::<1>().await;
    let amina = ApiClient::new(&node, "amina").await;
    let web = Browser::log_in(&node, "amina").await;

    let page = web.get("/settings").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("name=\"default_license\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("href=\"/settings/export/following_accounts.csv\"")
    );
    // A new account is discoverable and not locked; posts are public by default.
    assert!(
        page.body
            .contains("name=\"discoverable\" value=\"1\" checked")
    );
    assert!(!page.body.contains("name=\"locked\" value=\"1\" checked"));
    assert!(page.body.contains("<option value=\"public\" selected>"));
    let csrf = page.csrf();

    // A forged token changes nothing.
    let forged = web
        .post("/settings", &settings_form("forged", &[("locked", "1")]))
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let me = amina.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["locked"], false);

    // An unknown licence is refused, nothing is saved, and what was typed is kept.
    let refused = web
        .post(
            "/settings",
            &settings_form(
                &csrf,
                &[("default_license", "pirate-licence"), ("locked", "1")],
            ),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("name=\"locked\" value=\"1\" checked"));
    let me = amina.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["locked"], false);

    let saved = web
        .post(
            "/settings",
            &settings_form(
                &csrf,
                &[
                    ("default_license", "CC-BY-SA-4.0"),
                    ("privacy", "unlisted"),
                    ("sensitive", "1"),
                    ("post_language", "fr"),
                    ("locked", "1"),
                ],
            ),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location(), "/settings?saved=1");

    let page = web.get("/settings?saved=1").await;
    assert!(page.body.contains("role=\"status\""));
    assert!(
        page.body
            .contains("<option value=\"CC-BY-SA-4.0\" selected>")
    );
    assert!(page.body.contains("<option value=\"unlisted\" selected>"));
    assert!(page.body.contains("name=\"sensitive\" value=\"1\" checked"));
    assert!(page.body.contains("name=\"post_language\" value=\"fr\""));
    assert!(page.body.contains("name=\"locked\" value=\"1\" checked"));
    assert!(
        !page
            .body
            .contains("name=\"discoverable\" value=\"1\" checked")
    );

    // The Mastodon API and the PLN profile API read the same values.
    let me = amina.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["locked"], true, "{me}");
    assert_eq!(me["discoverable"], false, "{me}");
    assert_eq!(me["source"]["privacy"], "unlisted", "{me}");
    assert_eq!(me["source"]["sensitive"], true, "{me}");
    assert_eq!(me["source"]["language"], "fr", "{me}");
    let profile = amina.ok("/api/v1/pln/profile").await;
    assert_eq!(
        profile["default_license"]["id"], "CC-BY-SA-4.0",
        "{profile}"
    );

    // The resource form starts from the saved licence.
    let form = web.get("/resources/new").await;
    assert!(
        form.body
            .contains("<option value=\"CC-BY-SA-4.0\" selected>")
    );

    // Clearing the licence and unlocking works too; the page is translated in Arabic.
    let cleared = web
        .post("/settings", &settings_form(&csrf, &[("discoverable", "1")]))
        .await;
    assert_eq!(cleared.status, 303, "{}", cleared.body);
    let profile = amina.ok("/api/v1/pln/profile").await;
    assert!(profile["default_license"].is_null(), "{profile}");
    let me = amina.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(
        (me["locked"].clone(), me["discoverable"].clone()),
        (json!(false), json!(true))
    );
    let ar = web.get_in("/settings", "ar").await;
    assert!(ar.body.contains("dir=\"rtl\""));
    assert!(ar.body.contains("تصدير بياناتك"), "{}", ar.body);
}

#[tokio::test]
async fn export_downloads_hold_the_accounts_rows() {
    let [node] = cluster::<1>().await;
    let amina = ApiClient::new(&node, "amina").await;
    let bob = ApiClient::new(&node, "bob").await;
    let chafik = ApiClient::new(&node, "chafik").await;
    let dounia = ApiClient::new(&node, "dounia").await;
    let locked = ApiClient::new(&node, "locked").await;
    locked
        .patch(
            "/api/v1/accounts/update_credentials",
            json!({"locked": true}),
        )
        .await;
    let web = Browser::log_in(&node, "amina").await;
    let domain = node.domain.clone();
    let id = |c: &ApiClient| c.actor().id.to_string();

    amina
        .post_ok(
            &format!("/api/v1/accounts/{}/follow", id(&bob)),
            json!({"reblogs": false, "notify": true, "languages": ["ar", "fr"]}),
        )
        .await;
    amina
        .post_ok(
            &format!("/api/v1/accounts/{}/follow", id(&chafik)),
            json!({}),
        )
        .await;
    // A pending request (locked account) is not a follow yet.
    amina
        .post_ok(
            &format!("/api/v1/accounts/{}/follow", id(&locked)),
            json!({}),
        )
        .await;
    let list = amina
        .post_ok(
            "/api/v1/lists",
            json!({"title": "Maths, lycée \"Ibn Sina\""}),
        )
        .await;
    amina
        .post_ok(
            &format!("/api/v1/lists/{}/accounts", id_of(&list)),
            json!({"account_ids": [id(&bob), id(&chafik)]}),
        )
        .await;
    amina
        .post_ok(
            &format!("/api/v1/accounts/{}/block", id(&dounia)),
            json!({}),
        )
        .await;
    amina
        .post_ok(
            &format!("/api/v1/accounts/{}/mute", id(&locked)),
            json!({"notifications": false}),
        )
        .await;
    let post = bob
        .post_status(json!({"status": "Fiche de révision"}))
        .await;
    let gone = bob.post_status(json!({"status": "bientôt supprimé"})).await;
    for p in [&post, &gone] {
        amina
            .post_ok(
                &format!("/api/v1/statuses/{}/bookmark", id_of(p)),
                json!({}),
            )
            .await;
    }
    bob.delete_ok(&format!("/api/v1/statuses/{}", id_of(&gone)))
        .await;

    let get = |file: &'static str| {
        let web = &web;
        async move {
            let answer = web.get(&format!("/settings/export/{file}")).await;
            assert_eq!(answer.status, 200, "{file}: {}", answer.body);
            assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
            assert!(
                answer.headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .contains(file)
            );
            answer.body
        }
    };
    assert_eq!(
        get("following_accounts.csv").await,
        format!(
            "Account address,Show boosts,Notify on new posts,Languages\n\
             bob@{domain},false,true,\"ar, fr\"\n\
             chafik@{domain},true,false,\n"
        )
    );
    assert_eq!(
        get("lists.csv").await,
        format!(
            "\"Maths, lycée \"\"Ibn Sina\"\"\",bob@{domain}\n\
             \"Maths, lycée \"\"Ibn Sina\"\"\",chafik@{domain}\n"
        )
    );
    assert_eq!(
        get("blocked_accounts.csv").await,
        format!("dounia@{domain}\n")
    );
    assert_eq!(
        get("muted_accounts.csv").await,
        format!("Account address,Hide notifications\nlocked@{domain},false\n")
    );
    assert_eq!(
        get("bookmarks.csv").await,
        format!("{}\n", post["uri"].as_str().unwrap())
    );

    // Each file is the signed-in user's own: bob's are empty, a visitor is sent to log in.
    let bob_web = Browser::log_in(&node, "bob").await;
    let his = bob_web.get("/settings/export/blocked_accounts.csv").await;
    assert_eq!((his.status, his.body.as_str()), (200, ""));
    let visitor = Browser::anonymous(&node)
        .get("/settings/export/following_accounts.csv")
        .await;
    assert_eq!(visitor.status, 303, "{}", visitor.body);
    assert!(visitor.location().starts_with("/login"));
    let unknown = web.get("/settings/export/passwords.csv").await;
    assert_eq!(unknown.status, 404);
}

/// The token at the end of a reset link.
fn token_of(link: &str) -> &str {
    link.rsplit_once("/reset/").expect("a reset link").1
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once() {
    let [node] = cluster::<1>().await;
    let amina = ApiClient::new(&node, "amina").await;
    let old_session = Browser::log_in(&node, "amina").await;
    let data = node.data();
    let link = moderation::accounts::reset_password_link(&data, Moderator::Cli, amina.actor().id)
        .await
        .unwrap();
    assert!(link.starts_with(&node.base), "{link}");
    let path = format!("/reset/{}", token_of(&link));
    // Making the link changes nothing yet: the old password and token still work.
    assert_eq!(
        amina.get("/api/v1/accounts/verify_credentials").await.0,
        200
    );

    let mut browser = Browser::anonymous(&node);
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("name=\"password_again\""));
    assert!(page.body.contains("content=\"no-referrer\""));
    browser.keep_csrf_cookie(&page);
    let csrf = page.csrf();

    // CSRF, a mismatch and a short password are refused; the link still works afterwards.
    let forged = browser
        .post(
            &path,
            &[
                ("csrf", "forged"),
                ("password", "new password 1"),
                ("password_again", "new password 1"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let mismatch = browser
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "new password 1"),
                ("password_again", "new password 2"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 422);
    assert!(
        mismatch
            .body
            .contains("The two passwords are not the same.")
    );
    let short = browser
        .post_in(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "court"),
                ("password_again", "court"),
            ],
            "fr",
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(
        short.body.contains("au moins 8 caractères"),
        "{}",
        short.body
    );

    let done = browser
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "new password 1"),
                ("password_again", "new password 1"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/");
    assert!(
        done.headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("halqa_session=")),
        "the user is logged in"
    );
    // The old API token and browser session are gone; the new password logs in.
    assert_eq!(
        amina.get("/api/v1/accounts/verify_credentials").await.0,
        401
    );
    let old = old_session.get("/settings").await;
    assert_eq!(old.status, 303, "the old session ended");
    let user = db::users::find_by_actor(&data.db.read, amina.actor().id)
        .await
        .unwrap()
        .unwrap();
    assert!(accounts::verify_password("new password 1".into(), user.password_hash.clone()).await);

    // The link works once: the page and the form now say it was used, in Arabic too.
    let again = browser.get_in(&path, "ar").await;
    assert_eq!(again.status, 410);
    assert!(
        again.body.contains("استُخدم رابط إعادة التعيين"),
        "{}",
        again.body
    );
    let replay = browser
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "other password"),
                ("password_again", "other password"),
            ],
        )
        .await;
    assert_eq!(replay.status, 410, "{}", replay.body);
    let user = db::users::find_by_actor(&data.db.read, amina.actor().id)
        .await
        .unwrap()
        .unwrap();
    assert!(accounts::verify_password("new password 1".into(), user.password_hash.clone()).await);

    // Both steps are in the audit log.
    let actions: Vec<String> = db::entity::audit_log::Entity::find()
        .all(&data.db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(
        actions.contains(&"account.reset_password".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"account.password_reset_used".to_string()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn expired_unknown_and_replaced_reset_links_are_refused() {
    let [node] = cluster::<1>().await;
    let amina = node.create_user("amina").await;
    let data = node.data();
    let first = moderation::accounts::reset_password_link(&data, Moderator::Cli, amina.id)
        .await
        .unwrap();
    // A newer link replaces the first.
    let second = moderation::accounts::reset_password_link(&data, Moderator::Cli, amina.id)
        .await
        .unwrap();
    let browser = Browser::anonymous(&node);
    let replaced = browser.get(&format!("/reset/{}", token_of(&first))).await;
    assert_eq!(replaced.status, 410, "{}", replaced.body);
    assert!(replaced.body.contains("has expired"));

    // The second ends after 24 hours: moved into the past here.
    password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .exec(&data.db.write)
        .await
        .unwrap();
    let path = format!("/reset/{}", token_of(&second));
    let expired = browser.get_in(&path, "fr").await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("a expiré"), "{}", expired.body);
    assert!(expired.body.contains("href=\"/login\""));
    let unknown = browser.get("/reset/not-a-token").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("does not exist"));
    // A posted form for an expired link changes nothing.
    let mut browser = Browser::anonymous(&node);
    let login = browser.get("/login").await;
    browser.keep_csrf_cookie(&login);
    let posted = browser
        .post(
            &path,
            &[
                ("csrf", &login.csrf()),
                ("password", "new password 1"),
                ("password_again", "new password 1"),
            ],
        )
        .await;
    assert_eq!(posted.status, 410, "{}", posted.body);
    let user = db::users::find_by_actor(&data.db.read, amina.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        accounts::verify_password("correct horse battery".into(), user.password_hash.clone()).await
    );
}
