//! The web frontend as a browser uses it: pages in the language of the user's setting, the
//! language cookie or `Accept-Language` (Arabic right-to-left), the fingerprinted stylesheet
//! and a strict CSP, translated HTML error pages (JSON stays for the API), log in / log out with
//! a hashed session in the database, CSRF tokens on every form, sign-up through the service
//! with the typed fields kept on refusal, the composer, threads, following someone on another
//! node by handle, notifications and settings; and the compressed weight of each page.
use crate::{
    api_client::ApiClient,
    harness::{TestNode, cluster, eventually},
    web_browser::{browser, get, log_in, post},
};
use halqa::{
    db::{self, entity::web_session},
    service::accounts::token_hash,
};
use reqwest::Client;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test]
async fn web_pages_language_direction_assets_and_error_pages() {
    let [node] = cluster::<1>().await;
    let http = browser();
    // Arabic from Accept-Language: right to left, the strings in Arabic.
    let ar = get(&http, &node, "/", "", "ar-MA,fr;q=0.8").await;
    assert_eq!(ar.status, 200);
    assert!(
        ar.body.contains("<html lang=\"ar\" dir=\"rtl\">"),
        "{}",
        ar.body
    );
    assert!(ar.body.contains("تسجيل الدخول"), "{}", ar.body);
    let csp = ar.header("content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!ar.body.contains("<style") && !ar.body.contains("style=\""));
    // French and English.
    let fr = get(&http, &node, "/", "", "fr-FR,fr;q=0.9").await;
    assert!(
        fr.body.contains("<html lang=\"fr\" dir=\"ltr\">"),
        "{}",
        fr.body
    );
    assert!(fr.body.contains("Se connecter"));
    let en = get(&http, &node, "/local", "", "en-GB").await;
    assert!(en.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(en.body.contains("Posts on this server"));
    // The language cookie beats the browser.
    let cookie = get(&http, &node, "/", "halqa_lang=ar", "fr").await;
    assert!(cookie.body.contains("dir=\"rtl\""));
    // The footer form sets the cookie (with the CSRF token of the visitor).
    let csrf_cookie = format!("halqa_csrf={}", fr.cookie("halqa_csrf").unwrap());
    let switched = post(
        &http,
        &node,
        "/lang",
        &csrf_cookie,
        &[("csrf", &fr.csrf()), ("lang", "ar")],
    )
    .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    assert!(
        switched
            .set_cookie("halqa_lang")
            .unwrap()
            .starts_with("halqa_lang=ar;")
    );
    // Without the token: a translated 403 and no cookie.
    let forged = post(&http, &node, "/lang", "", &[("csrf", "x"), ("lang", "ar")]).await;
    assert_eq!(forged.status, 403);
    assert!(
        forged.body.contains("This form has expired"),
        "{}",
        forged.body
    );
    assert!(forged.set_cookie("halqa_lang").is_none());

    // The stylesheet under its fingerprinted URL, cached for a year.
    let at = ar.body.find("/static/halqa.css?v=").unwrap();
    let href = &ar.body[at..at + ar.body[at..].find('"').unwrap()];
    let css = get(&http, &node, href, "", "en").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("max-age=31536000"));
    assert!(css.body.contains("margin-inline"));

    // Error pages: HTML and translated for browsers, JSON for the API and AP clients.
    let missing = get(&http, &node, "/@nobody", "", "fr").await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/html"));
    assert!(
        missing.body.contains("Cette page n&#x27;existe pas"),
        "{}",
        missing.body
    );
    let missing_ar = get(&http, &node, "/no/such/page/here", "", "ar").await;
    assert_eq!(missing_ar.status, 404);
    assert!(missing_ar.body.contains("هذه الصفحة غير موجودة"));
    // Any two-segment path that is not a post is missing, not a bad request.
    for path in ["/nobody/here", "/@admin/not-a-number"] {
        assert_eq!(
            get(&http, &node, path, "", "en").await.status,
            404,
            "{path}"
        );
    }
    let api = get(&http, &node, "/api/v1/statuses/1", "", "fr").await;
    assert_eq!(api.status, 404);
    assert!(api.header("content-type").starts_with("application/json"));
    let json = http
        .get(format!("{}/@nobody", node.base))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 404);
    assert!(
        json.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    // Pages for the signed-in send others to the login page, which brings them back.
    let settings = get(&http, &node, "/settings", "", "en").await;
    assert_eq!(settings.status, 303);
    assert_eq!(settings.header("location"), "/login?return_to=%2Fsettings");
}

#[tokio::test]
async fn web_pages_log_in_post_and_log_out_with_csrf() {
    let [node] = cluster::<1>().await;
    node.create_user("salma").await;
    let http = browser();
    let data = node.data();

    // The login form sets an anonymous CSRF cookie; without its token nothing happens.
    let form = get(&http, &node, "/login", "", "en").await;
    let csrf_cookie = form.set_cookie("halqa_csrf").unwrap();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Lax"));
    let anon = format!("halqa_csrf={}", form.cookie("halqa_csrf").unwrap());
    let no_token = post(
        &http,
        &node,
        "/login",
        &anon,
        &[("username", "salma"), ("password", "correct horse battery")],
    )
    .await;
    assert_eq!(no_token.status, 403);
    assert!(no_token.cookie("halqa_session").is_none());
    // A wrong password: the form again, the login kept, a translated reason.
    let wrong = post(
        &http,
        &node,
        "/login",
        &anon,
        &[
            ("csrf", &form.csrf()),
            ("username", "salma"),
            ("password", "nope nope"),
        ],
    )
    .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("The username or password is wrong."));
    assert!(wrong.body.contains("value=\"salma\""));
    assert_eq!(
        web_session::Entity::find()
            .count(&data.db.read)
            .await
            .unwrap(),
        0
    );

    // The right password: a session cookie, stored hashed.
    let ok = post(
        &http,
        &node,
        "/login",
        &anon,
        &[
            ("csrf", &form.csrf()),
            ("username", "salma"),
            ("password", "correct horse battery"),
        ],
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let set = ok.set_cookie("halqa_session").unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
    assert!(!set.contains("Secure"), "the test node is plain http");
    let token = ok.cookie("halqa_session").unwrap();
    let sessions = web_session::Entity::find()
        .all(&data.db.read)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].token_hash, token_hash(&token));
    assert_ne!(sessions[0].token_hash, token);
    let session = format!("halqa_session={token}");

    // Home, signed in: the composer with a token bound to the session.
    let home = get(&http, &node, "/", &session, "en").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("id=\"compose-text\""), "{}", home.body);
    let csrf = home.csrf();
    assert_ne!(csrf, form.csrf());
    // The anonymous token does not work for the session's forms.
    let forged = post(
        &http,
        &node,
        "/compose",
        &format!("{session}; {anon}"),
        &[("csrf", &form.csrf()), ("status", "forged")],
    )
    .await;
    assert_eq!(forged.status, 403);
    // A post with a content warning, published by the service.
    let posted = post(
        &http,
        &node,
        "/compose",
        &session,
        &[
            ("csrf", &csrf),
            ("status", "مرحبا bonjour #halqa"),
            ("spoiler_text", "évaluation"),
            ("visibility", "public"),
        ],
    )
    .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let location = posted.header("location").to_string();
    let salma = node.resolve(&node.handle("salma")).await;
    let mine = db::posts::list_public_by_author(&data.db.read, salma.id, None, 10)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].content.contains("bonjour"));
    assert_eq!(mine[0].summary.as_deref(), Some("évaluation"));
    assert!(!mine.iter().any(|p| p.content.contains("forged")));
    // Its thread page: the CW as a <details>, user text in dir="auto", a reply form.
    let thread = get(&http, &node, &location, &session, "fr").await;
    assert_eq!(thread.status, 200, "{}", thread.body);
    assert!(
        thread
            .body
            .contains("<summary dir=\"auto\">évaluation</summary>")
    );
    assert!(thread.body.contains("class=\"content\" dir=\"auto\""));
    assert!(thread.body.contains("name=\"in_reply_to_id\""));
    assert!(thread.body.contains("Votre réponse"));
    // A reply appears under it.
    let reply = post(
        &http,
        &node,
        "/compose",
        &session,
        &[
            ("csrf", &csrf),
            ("status", "a reply"),
            ("in_reply_to_id", &mine[0].id.to_string()),
        ],
    )
    .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let thread = get(&http, &node, &location, &session, "en").await;
    assert!(thread.body.contains("a reply"), "{}", thread.body);
    // The local timeline and the post's own URL (content negotiation) show it to anyone.
    let local = get(&http, &node, "/local", "", "en").await;
    assert!(local.body.contains("bonjour"));
    let canonical = mine[0].url.clone().unwrap();
    let public_page = http
        .get(&canonical)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(public_page.contains("og:title"), "{public_page}");
    assert!(public_page.contains("bonjour"));
    // Empty text is refused with an HTML error for the browser, and nothing is published.
    let empty = post(
        &http,
        &node,
        "/compose",
        &session,
        &[("csrf", &csrf), ("status", "")],
    )
    .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.header("content-type").starts_with("text/html"));

    // Log out: the row goes, the cookie is cleared, the old cookie is anonymous again.
    let out = post(&http, &node, "/logout", &session, &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert!(
        out.set_cookie("halqa_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        web_session::Entity::find()
            .count(&data.db.read)
            .await
            .unwrap(),
        0
    );
    let after = get(&http, &node, "/", &session, "en").await;
    assert!(!after.body.contains("id=\"compose-text\""));
    assert!(after.body.contains("/signup"));
}

#[tokio::test]
async fn web_pages_sign_up_keeps_fields_and_translates_refusals() {
    let node = TestNode::spawn_with(|c| c.registration.mode = "open".into()).await;
    node.create_user("taken").await;
    let http = browser();
    let form = get(&http, &node, "/signup", "", "fr").await;
    assert!(form.body.contains("Créer un compte"));
    let anon = format!("halqa_csrf={}", form.cookie("halqa_csrf").unwrap());
    let csrf = form.csrf();
    let send = |username: &'static str, email: &'static str, password: &'static str| {
        let (http, node, anon, csrf) = (&http, &node, anon.clone(), csrf.clone());
        async move {
            post(
                http,
                node,
                "/signup",
                &anon,
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await
        }
    };
    let bad_name = send("Not Valid", "nadia@example.org", "long enough pw").await;
    assert_eq!(bad_name.status, 422, "{}", bad_name.body);
    assert!(
        bad_name.body.contains("lowercase letters"),
        "{}",
        bad_name.body
    );
    assert!(bad_name.body.contains("value=\"nadia@example.org\""));
    assert!(bad_name.body.contains("value=\"Not Valid\""));
    let short = send("nadia", "nadia@example.org", "short").await;
    assert_eq!(short.status, 422);
    assert!(short.body.contains("at least 8 characters"));
    let dup = send("taken", "other@example.org", "long enough pw").await;
    assert_eq!(dup.status, 409);
    assert!(dup.body.contains("This username is taken."));
    let data = node.data();
    assert!(
        db::actors::find_local(&data.db.read, "nadia")
            .await
            .unwrap()
            .is_none()
    );
    // Without the CSRF token: refused, nobody created.
    let forged = post(
        &http,
        &node,
        "/signup",
        "",
        &[
            ("username", "nadia"),
            ("email", "nadia@example.org"),
            ("password", "long enough pw"),
        ],
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(
        db::actors::find_local(&data.db.read, "nadia")
            .await
            .unwrap()
            .is_none()
    );
    // A good sign-up creates the account and logs it in.
    let ok = send("nadia", "nadia@example.org", "long enough pw").await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let session = format!("halqa_session={}", ok.cookie("halqa_session").unwrap());
    assert!(
        db::actors::find_local(&data.db.read, "nadia")
            .await
            .unwrap()
            .is_some()
    );
    let home = get(&http, &node, "/", &session, "en").await;
    assert!(home.body.contains("href=\"/@nadia\""), "{}", home.body);
}

#[tokio::test]
async fn web_pages_sign_up_follows_the_registration_mode() {
    for (mode, expected) in [("closed", 403), ("approval", 202)] {
        let node = TestNode::spawn_with(|c| c.registration.mode = mode.into()).await;
        let http = browser();
        let form = get(&http, &node, "/signup", "", "en").await;
        let anon = format!("halqa_csrf={}", form.cookie("halqa_csrf").unwrap());
        let answer = post(
            &http,
            &node,
            "/signup",
            &anon,
            &[
                ("csrf", &form.csrf()),
                ("username", "salma"),
                ("email", "salma@example.org"),
                ("password", "long enough pw"),
                ("reason", "Stagiaire au CRMEF"),
            ],
        )
        .await;
        assert_eq!(answer.status, expected, "{mode}: {}", answer.body);
        assert!(
            answer.cookie("halqa_session").is_none(),
            "{mode}: no session"
        );
        let created = db::actors::find_local(&node.data().db.read, "salma")
            .await
            .unwrap();
        if mode == "closed" {
            assert!(answer.body.contains("not accepting new accounts"));
            assert!(created.is_none());
        } else {
            assert!(
                answer
                    .body
                    .contains("moderators of this server will review it")
            );
            assert!(created.is_some(), "the application waits for staff");
        }
    }
}

#[tokio::test]
async fn web_pages_follow_across_nodes_notifications_and_settings() {
    let [a, b] = cluster::<2>().await;
    a.create_user("amal").await;
    let youssef = ApiClient::new(&b, "youssef").await;
    let http = browser();
    let session = log_in(&http, &a, "amal").await;
    let home = get(&http, &a, "/", &session, "en").await;
    let csrf = home.csrf();

    // Follow someone on B by handle: WebFinger, follow, accepted by B.
    let unknown = post(
        &http,
        &a,
        "/follow",
        &session,
        &[("csrf", &csrf), ("account", "nobody@nowhere.invalid")],
    )
    .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.body.contains("No account was found"));
    let handle = b.handle("youssef");
    let followed = post(
        &http,
        &a,
        "/follow",
        &session,
        &[("csrf", &csrf), ("account", &handle)],
    )
    .await;
    assert_eq!(followed.status, 303, "{}", followed.body);
    let profile_path = followed.header("location").to_string();
    let data = a.data();
    let amal = db::actors::find_local(&data.db.read, "amal")
        .await
        .unwrap()
        .unwrap();
    let remote = a.resolve(&handle).await;
    eventually("the web follow to be accepted", || {
        let data = data.clone();
        let (from, to) = (amal.id, remote.id);
        async move {
            db::follows::find(&data.db.read, from, to)
                .await
                .unwrap()
                .is_some_and(|f| f.accepted)
        }
    })
    .await;
    let profile = get(&http, &a, &profile_path, &session, "en").await;
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert!(profile.body.contains("Unfollow"), "{}", profile.body);
    // Youssef posts on B; it reaches Amal's home page on A; his follow shows in notifications.
    youssef
        .post_ok(
            "/api/v1/statuses",
            serde_json::json!({"status": "Salam from B"}),
        )
        .await;
    eventually("the post to reach the home page", || {
        let (http, a, session) = (&http, &a, session.clone());
        async move {
            get(http, a, "/", &session, "en")
                .await
                .body
                .contains("Salam from B")
        }
    })
    .await;
    let b_data = b.data();
    let amal_on_b = b.resolve(&a.handle("amal")).await;
    let youssef_actor = youssef.actor().clone();
    halqa::service::follows::follow(&b_data, &youssef_actor, &amal_on_b)
        .await
        .unwrap();
    eventually("the follow notification", || {
        let (http, a, session) = (&http, &a, session.clone());
        async move {
            get(http, a, "/notifications", &session, "en")
                .await
                .body
                .contains("followed you")
        }
    })
    .await;
    // Unfollow from the profile page.
    let unfollow = post(
        &http,
        &a,
        &format!("{profile_path}/unfollow"),
        &session,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(unfollow.status, 303, "{}", unfollow.body);
    assert!(
        db::follows::find(&data.db.read, amal.id, remote.id)
            .await
            .unwrap()
            .is_none()
    );

    // Settings: a refused facet keeps what was typed and changes nothing.
    let settings = get(&http, &a, "/settings", &session, "en").await;
    assert_eq!(settings.status, 200);
    // A facet never set shows as an empty field (saving the form must not store "none").
    assert!(
        settings.body.contains(r#"name="region" value="""#),
        "{}",
        settings.body
    );
    let refused = post(
        &http,
        &a,
        "/settings",
        &session,
        &[
            ("csrf", &csrf),
            ("display_name", "Amal B."),
            ("note", "Professeure de SVT"),
            ("stage", "not-a-stage"),
            ("locale", "ar"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("value=\"Amal B.\""));
    let unchanged = db::actors::find_local(&data.db.read, "amal")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.display_name, "");
    // Saved: name, bio, facets and the interface language, which the next page uses.
    let saved = post(
        &http,
        &a,
        "/settings",
        &session,
        &[
            ("csrf", &csrf),
            ("display_name", "Amal B."),
            ("note", "Professeure de SVT"),
            ("subjects[]", "life_earth_sciences"),
            ("languages", "ar, fr"),
            ("region", "Souss-Massa"),
            ("open_to_mentor", "1"),
            ("locale", "ar"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let changed = db::actors::find_local(&data.db.read, "amal")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.display_name, "Amal B.");
    assert!(changed.open_to_mentor);
    assert_eq!(changed.region.as_deref(), Some("Souss-Massa"));
    let user = db::users::find_by_actor(&data.db.read, amal.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.locale.as_deref(), Some("ar"));
    let page = get(&http, &a, "/settings?saved=1", &session, "en").await;
    assert!(
        page.body.contains("<html lang=\"ar\" dir=\"rtl\">"),
        "{}",
        page.body
    );
    assert!(page.body.contains("حُفظت إعداداتك"));
    // The public profile shows the facets with labels in the page's language.
    let own = get(&http, &a, "/@amal", "", "fr").await;
    assert!(own.body.contains("Souss-Massa"), "{}", own.body);
    assert!(
        own.body.contains("Disponible pour accompagner"),
        "{}",
        own.body
    );
}

#[tokio::test]
async fn web_pages_weigh_under_60_kb_compressed() {
    let [node] = cluster::<1>().await;
    node.create_user("karim").await;
    let http = browser();
    let session = log_in(&http, &node, "karim").await;
    let home = get(&http, &node, "/", &session, "en").await;
    let csrf = home.csrf();
    for i in 0..25 {
        let text = format!("Post {i}: une séance sur les fractions, مع تمارين #maths");
        let done = post(
            &http,
            &node,
            "/compose",
            &session,
            &[("csrf", &csrf), ("status", &text)],
        )
        .await;
        assert_eq!(done.status, 303);
    }
    let css = assets_size(&http, &node, "/static/halqa.css").await;
    let js = assets_size(&http, &node, "/static/halqa.js").await;
    for path in [
        "/",
        "/local",
        "/federated",
        "/@karim",
        "/notifications",
        "/settings",
        "/login",
        "/signup",
    ] {
        let response = http
            .get(format!("{}{path}", node.base))
            .header("accept", "text/html")
            .header("accept-encoding", "gzip")
            .header(
                "cookie",
                if path == "/login" || path == "/signup" {
                    ""
                } else {
                    &session
                },
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
        let html = response.bytes().await.unwrap().len();
        let total = html + css + js;
        eprintln!("page weight {path}: html {html} B + css {css} B + js {js} B = {total} B gzip");
        assert!(total < 60 * 1024, "{path} weighs {total} bytes compressed");
    }
}

/// The gzip size of a static file.
async fn assets_size(http: &Client, node: &TestNode, path: &str) -> usize {
    let response = http
        .get(format!("{}{path}", node.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
    response.bytes().await.unwrap().len()
}

#[tokio::test]
async fn web_pages_oauth_consent_reuses_the_login_session() {
    let [node] = cluster::<1>().await;
    node.create_user("hind").await;
    let http = browser();
    let session = log_in(&http, &node, "hind").await;
    let app: serde_json::Value = http
        .post(format!("{}/api/v1/apps", node.base))
        .json(&serde_json::json!({"client_name": "phone", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_id = app["client_id"].as_str().unwrap();
    let query = format!(
        "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read"
    );
    let consent = get(&http, &node, &query, &session, "en").await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    assert!(
        consent.body.contains("Signed in as @hind@"),
        "{}",
        consent.body
    );
    assert!(!consent.body.contains("type=\"password\""));
    let fields = |csrf: &str| {
        vec![
            ("response_type".to_string(), "code".to_string()),
            ("client_id".to_string(), client_id.to_string()),
            (
                "redirect_uri".to_string(),
                "urn:ietf:wg:oauth:2.0:oob".to_string(),
            ),
            ("scope".to_string(), "read".to_string()),
            ("approve".to_string(), "1".to_string()),
            ("csrf".to_string(), csrf.to_string()),
        ]
    };
    // A forged approval (no session token) is a failed login: no code.
    let forged: Vec<(String, String)> = fields("wrong");
    let pairs: Vec<(&str, &str)> = forged
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = post(&http, &node, "/oauth/authorize", &session, &pairs).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(!refused.body.contains("id=\"oauth-code\""));
    // With the session's token: the code, no password typed.
    let good = fields(&consent.csrf());
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let approved = post(&http, &node, "/oauth/authorize", &session, &pairs).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert!(
        approved.body.contains("id=\"oauth-code\""),
        "{}",
        approved.body
    );
}
