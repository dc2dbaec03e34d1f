//! The settings page as a browser uses it: posting defaults, the default licence of resources,
//! privacy (locked, discoverable) saved through the form and shown again, read back through the
//! APIs that share the same services; the CSV export of follows, lists, blocks, mutes and
//! bookmarks; CSRF refusals; the admin's one-time password reset link.
use crate::{
    api_client::{ApiClient, id_of},
    harness::cluster,
    web_browser::Browser,
};
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
