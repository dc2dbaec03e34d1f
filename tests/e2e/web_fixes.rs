//! The web frontend's leftovers (issue 6) as a browser and other servers see them: logging in
//! returns to where the visitor was and never to another site; hiding one's counts (Mastodon's
//! `hide_collections`) on the profile, the post page, the API and the ActivityPub collections,
//! a viewer who sees no counts and the node-wide setting; a circle's edit form and the paged
//! join requests and members with the "request accepted" notice; an offer's dates cleared by
//! emptying them; the OAuth consent page in the web frontend's languages.
use crate::{
    admin_registration::{ADMIN_SCOPES, set_settings, user_with_role},
    api_client::{ApiClient, follow_across},
    harness::{TestNode, cluster},
    pln_shared::{fetch_as2, get_as2},
    web_browser::{Answer, Browser, browser, get, log_in},
};
use halqa::{db, service::circles};
use serde_json::json;

/// A form of owned values as the `(name, value)` pairs the browser posts.
fn refs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Saves the settings form of `browser`'s user with `changes` (a display name is required).
async fn save_settings(browser: &Browser, changes: &[(&str, &str)]) -> Answer {
    let form = browser.get("/settings").await;
    let csrf = form.csrf();
    let mut fields = vec![("csrf", csrf.as_str()), ("display_name", "Someone")];
    fields.extend_from_slice(changes);
    browser.post("/settings", &fields).await
}

/// `?uri=` encoded.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Logs `username` in through the form with `return_to`; returns the answer of the POST.
async fn log_in_returning(node: &TestNode, username: &str, return_to: &str) -> (Browser, String) {
    let mut b = Browser::anonymous(node);
    let form = b.get(&format!("/login?return_to={}", enc(return_to))).await;
    assert_eq!(form.status, 200, "{}", form.body);
    b.keep_csrf_cookie(&form);
    let done = b
        .post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("username", username),
                ("password", "correct horse battery"),
                ("return_to", return_to),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    b.keep_session(&done);
    (b, done.location())
}

#[tokio::test]
async fn web_fixes_login_returns_where_the_visitor_was_and_nowhere_else() {
    let node = TestNode::spawn().await;
    node.create_user("amina").await;
    node.create_user("karim").await;
    let visitor = Browser::anonymous(&node);

    // A page that needs a login sends the visitor there with the way back.
    let target = format!("/authorize_interaction?uri={}", enc(&node.handle("karim")));
    let sent = visitor.get(&target).await;
    assert_eq!(sent.status, 303);
    let to_login = sent.location();
    assert_eq!(to_login, format!("/login?return_to={}", enc(&target)));
    let login_page = visitor.get(&to_login).await;
    assert!(
        login_page
            .body
            .contains(&format!("name=\"return_to\" value=\"{target}\"")),
        "{}",
        login_page.body
    );
    assert!(login_page.body.contains("Log in to continue"));
    // The navigation's login link of any page carries that page.
    let circles = visitor.get("/circles?q=maths").await;
    assert!(
        circles
            .body
            .contains("href=\"/login?return_to=%2Fcircles%3Fq%3Dmaths\""),
        "{}",
        circles.body
    );
    let (amina, back) = log_in_returning(&node, "amina", &target).await;
    assert_eq!(back, target);
    let shown = amina.get(&back).await;
    assert_eq!(shown.status, 303);
    assert_eq!(shown.location(), format!("/@{}", node.handle("karim")));
    // Already logged in: the login page goes straight back.
    let again = amina
        .get(&format!("/login?return_to={}", enc("/circles")))
        .await;
    assert_eq!(again.location(), "/circles");

    // Other sites, protocol-relative and backslash tricks: refused, the login goes home and the
    // page does not even carry them.
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "/login",
    ] {
        let page = Browser::anonymous(&node)
            .get(&format!("/login?return_to={}", enc(evil)))
            .await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("name=\"return_to\""), "{evil:?}");
        let (_, back) = log_in_returning(&node, "amina", evil).await;
        assert_eq!(back, "/", "{evil:?}");
    }
    // A form posted while logged out comes back to the page it was on (same-site Referer).
    let http = browser();
    let response = http
        .post(format!("{}/circles/1/join", node.base))
        .header("referer", format!("{}/circles?q=x", node.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/login?return_to=%2Fcircles%3Fq%3Dx"
    );
    // A Referer from another site is not a way back.
    let response = http
        .post(format!("{}/circles/1/join", node.base))
        .header("referer", "https://evil.example/circles")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/login");
}

/// The profile's counts line as the page shows it (the meta line that starts with a number).
fn counts_line(body: &str) -> String {
    body.split("<p class=\"meta\">")
        .skip(1)
        .map(|rest| rest[..rest.find("</p>").unwrap_or(rest.len())].to_string())
        .find(|line| line.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no counts line in {body}"))
}

#[tokio::test]
async fn web_fixes_hidden_counts_on_pages_api_and_collections() {
    let [a, b] = cluster::<2>().await;
    let amina = a.create_user("amina").await;
    let carol = a.create_user("carol").await;
    let bob = b.create_user("bob").await;
    follow_across(&b, &bob, &a, "amina").await;
    follow_across(&a, &carol, &a, "amina").await;
    let api = ApiClient::for_actor(&a, amina.clone(), "read write").await;
    let carol_api = ApiClient::for_actor(&a, carol.clone(), "read write").await;
    let status = api
        .post_status(json!({"status": "Une séance sur les fractions", "visibility": "public"}))
        .await;
    let post_id = status["id"].as_str().unwrap().to_string();
    carol_api
        .post_ok(&format!("/api/v1/statuses/{post_id}/favourite"), json!({}))
        .await;

    // Before: everyone sees the counts.
    let visitor = Browser::anonymous(&a);
    let profile = visitor.get("/@amina").await;
    assert!(
        counts_line(&profile.body).contains("2 followers"),
        "{}",
        profile.body
    );
    let thread = visitor.get(&format!("/@amina/{}", post_id)).await;
    assert!(
        thread.body.contains("1 favourite · 0 boosts"),
        "{}",
        thread.body
    );

    // Amina hides them on the settings page (a forged form changes nothing).
    let me = Browser::log_in(&a, "amina").await;
    let settings = me.get("/settings").await;
    assert!(settings.body.contains("name=\"hide_collections\""));
    let forged = me
        .post(
            "/settings",
            &[("csrf", "forged"), ("hide_collections", "1")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(
        !db::actors::get_by_id(&a.data().db.read, amina.id)
            .await
            .unwrap()
            .hide_collections
    );
    let saved = save_settings(&me, &[("hide_collections", "1")]).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(me.get("/settings").await.body.contains("name=\"hide_collections\" value=\"1\" aria-describedby=\"set-hide-collections-help\" checked"));

    // Others and visitors: the posts count only, no favourites on her post; she still sees hers.
    for viewer in [visitor, Browser::log_in(&a, "carol").await] {
        let profile = viewer.get("/@amina").await;
        let line = counts_line(&profile.body);
        assert!(
            !line.contains("followers") && line.contains("1 post"),
            "{line}"
        );
        let thread = viewer.get(&format!("/@amina/{}", post_id)).await;
        assert!(
            !thread.body.contains("id=\"post-counts\""),
            "{}",
            thread.body
        );
    }
    assert!(counts_line(&me.get("/@amina").await.body).contains("2 followers"));
    assert!(
        me.get(&format!("/@amina/{}", post_id))
            .await
            .body
            .contains("1 favourite")
    );

    // The API: `hide_collections`, and her lists are empty for others only.
    let own = api.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(own["hide_collections"], true);
    assert_eq!(own["source"]["hide_collections"], true);
    let id = amina.id;
    let mine = api.ok(&format!("/api/v1/accounts/{id}/followers")).await;
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let theirs = carol_api
        .ok(&format!("/api/v1/accounts/{id}/followers"))
        .await;
    assert_eq!(theirs, json!([]));
    let account = carol_api.ok(&format!("/api/v1/accounts/{id}")).await;
    assert_eq!(account["hide_collections"], true);
    // update_credentials turns it off and on, as Mastodon's does.
    let (status, off) = api
        .patch(
            "/api/v1/accounts/update_credentials",
            json!({"hide_collections": false}),
        )
        .await;
    assert_eq!(status, 200, "{off}");
    assert_eq!(off["hide_collections"], false);
    assert_eq!(
        carol_api
            .ok(&format!("/api/v1/accounts/{id}/followers"))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (status, bad) = api
        .patch(
            "/api/v1/accounts/update_credentials",
            json!({"hide_collections": "perhaps"}),
        )
        .await;
    assert!((400..500).contains(&status), "{status} {bad}");
    let (_, on) = api
        .patch(
            "/api/v1/accounts/update_credentials",
            json!({"hide_collections": true}),
        )
        .await;
    assert_eq!(on["hide_collections"], true);

    // ActivityPub: the count stays, `first` is gone and a page is refused (Mastodon's way).
    for collection in ["followers", "following"] {
        let url = format!("{}/users/amina/{collection}", a.base);
        let root = get_as2(&url).await;
        assert!(root.get("first").is_none(), "{root}");
        assert!(root["totalItems"].is_u64(), "{root}");
        let (status, _) = fetch_as2(&format!("{url}?page=1")).await;
        assert_eq!(status, 403, "{collection}");
    }
    let carols = get_as2(&format!("{}/users/carol/following", a.base)).await;
    assert!(
        carols.get("first").is_some(),
        "others keep their pages: {carols}"
    );

    // A viewer who wants no counts sees none, anyone's.
    let carol_web = Browser::log_in(&a, "carol").await;
    let saved = save_settings(&carol_web, &[("hide_counts", "1")]).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let own_profile = carol_web.get("/@carol").await;
    assert!(!counts_line(&own_profile.body).contains("following"));

    // The node-wide setting hides them from everyone, amina included.
    let admin = user_with_role(&a, "chef", "admin", ADMIN_SCOPES).await;
    set_settings(&admin, json!({"hide_counts": true})).await;
    assert!(!counts_line(&me.get("/@amina").await.body).contains("followers"));
    assert!(
        me.get("/settings")
            .await
            .body
            .contains("This server hides counts for everyone.")
    );
}

#[tokio::test]
async fn web_fixes_circle_edit_form_paged_requests_and_notices() {
    let node = TestNode::spawn().await;
    let amina = node.create_user("amina").await;
    node.create_user("carol").await;
    let data = node.data();
    let view = circles::create(
        &data,
        &amina,
        circles::NewCircle {
            name: "maths".into(),
            display_name: "Maths".into(),
            description: "Entraide #maths".into(),
            visibility: Some("approval".into()),
            rules: "Bienveillance".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = view.actor.id;
    // One more join request than a page holds.
    let mut askers = Vec::new();
    for n in 0..21 {
        let a = node.create_user(&format!("t{n:02}")).await;
        circles::join(&data, &a, id).await.unwrap();
        askers.push(a);
    }
    let mod_web = Browser::log_in(&node, "amina").await;
    let page = format!("/@{}", node.handle("maths"));
    let first = mod_web.get(&page).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains(&format!("href=\"/circles/{id}/edit\"")));
    // Newest first: t20 … t01 here, t00 on the next page.
    assert!(first.body.contains("@t20@") && !first.body.contains("@t00@"));
    let more = first.link_to("More join requests");
    assert!(
        more.starts_with(&format!("{page}?requests_max_id=")),
        "{more}"
    );
    let second = mod_web.get(&more).await;
    assert!(second.body.contains("@t00@"), "{}", second.body);
    assert!(!second.body.contains("@t20@"));
    assert!(!second.body.contains("More join requests"));

    // Accepting one: back to the circle with a notice; odd answers and others are refused.
    let t00 = askers[0].id;
    let csrf = first.csrf();
    let odd = mod_web
        .post(
            &format!("/circles/{id}/requests/{t00}/perhaps"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(odd.status, 404);
    let carol = Browser::log_in(&node, "carol").await;
    let carol_csrf = carol.get(&page).await.csrf();
    let refused = carol
        .post(
            &format!("/circles/{id}/requests/{t00}/accept"),
            &[("csrf", &carol_csrf)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let accepted = mod_web
        .post(
            &format!("/circles/{id}/requests/{t00}/accept"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert_eq!(accepted.location(), format!("{page}?answered=accept"));
    let noticed = mod_web.get(&accepted.location()).await;
    assert!(
        noticed.body.contains("Request accepted."),
        "{}",
        noticed.body
    );
    let follow = db::follows::find(&data.db.read, t00, id).await.unwrap();
    assert!(follow.is_some_and(|f| f.accepted), "t00 is a member");

    // The edit form: moderators only (a visitor is sent to log in and back).
    let edit = format!("/circles/{id}/edit");
    assert_eq!(carol.get(&edit).await.status, 403);
    let visitor = Browser::anonymous(&node).get(&edit).await;
    assert_eq!(
        visitor.location(),
        format!("/login?return_to={}", enc(&edit))
    );
    let form = mod_web.get(&edit).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"Maths\""));
    assert!(
        form.body.contains(">Entraide #maths</textarea>"),
        "{}",
        form.body
    );
    assert!(form.body.contains(">amina</textarea>"));
    let csrf = form.csrf();
    let fields = |moderators: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("display_name", "Maths au collège".to_string()),
            ("description", "Entraide #maths".to_string()),
            ("rules", "Bienveillance et sources citées".to_string()),
            ("visibility", "public".to_string()),
            ("moderators", moderators.to_string()),
        ]
    };
    // Not a member, another server's account, a forged token: refused, nothing changed.
    for (moderators, why) in [
        ("amina\ncarol", "not a member"),
        ("amina\nbob@evil.example", "not an account of this server"),
        ("nobody", "no account"),
    ] {
        let again = mod_web.post(&edit, &refs(&fields(moderators))).await;
        assert_eq!(again.status, 422, "{moderators}: {}", again.body);
        assert!(again.body.contains(why), "{why}: {}", again.body);
        assert!(again.body.contains("value=\"Maths au collège\""));
    }
    let forged = mod_web
        .post(&edit, &[("csrf", "forged"), ("display_name", "Pirate")])
        .await;
    assert_eq!(forged.status, 403);
    let unchanged = circles::get(&data, id).await.unwrap();
    assert_eq!(unchanged.actor.display_name, "Maths");
    assert_eq!(unchanged.circle.as_ref().unwrap().visibility, "approval");

    let saved = mod_web.post(&edit, &refs(&fields("amina\n@t00"))).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location(), format!("{page}?saved=1"));
    let shown = mod_web.get(&saved.location()).await;
    assert!(shown.body.contains("The circle was saved."));
    assert!(shown.body.contains("Maths au collège"));
    let after = circles::get(&data, id).await.unwrap();
    let circle = after.circle.unwrap();
    assert_eq!(circle.visibility, "public");
    assert_eq!(circle.rules, "Bienveillance et sources citées");
    assert!(circle.is_moderator(t00) && circle.is_moderator(amina.id));
    // The new moderator sees the edit link; the description was not re-rendered.
    assert_eq!(after.actor.summary, view.actor.summary);
    let t00_web = Browser::log_in(&node, "t00").await;
    assert!(
        t00_web
            .get(&page)
            .await
            .body
            .contains(&format!("href=\"/circles/{id}/edit\""))
    );
}

#[tokio::test]
async fn web_fixes_offer_dates_are_cleared_by_emptying_them() {
    let node = TestNode::spawn().await;
    let api = ApiClient::new(&node, "bob").await;
    let bob = Browser::log_in(&node, "bob").await;
    let form = bob.get("/mentorship/offers/new").await;
    let csrf = form.csrf();
    let offer = |starts: &'static str, ends: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Préparer ses séquences".to_string()),
            ("description", "Un appel par semaine.".to_string()),
            ("subjects[]", "mathematics".to_string()),
            ("levels[]", "secondary".to_string()),
            ("languages[]", "fr".to_string()),
            ("format", "online".to_string()),
            ("capacity", "2".to_string()),
            ("starts_at", starts.to_string()),
            ("ends_at", ends.to_string()),
        ]
    };
    let created = bob
        .post(
            "/mentorship/offers/new",
            &refs(&offer("2027-01-10", "2027-06-30")),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let path = created.location();
    let id: i64 = path
        .strip_prefix("/mentorship/offers/")
        .unwrap()
        .parse()
        .unwrap();
    let stored = db::mentorship::get_offer(&node.data().db.read, id)
        .await
        .unwrap();
    assert!(stored.starts_at.is_some() && stored.ends_at.is_some());
    let edit = bob.get(&format!("{path}/edit")).await;
    assert!(edit.body.contains("value=\"2027-01-10\""), "{}", edit.body);

    // A bad date is refused with what was typed; nothing changes.
    let refused = bob
        .post(&format!("{path}/edit"), &refs(&offer("10/01/2027", "")))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("value=\"10/01/2027\""));
    let kept = db::mentorship::get_offer(&node.data().db.read, id)
        .await
        .unwrap();
    assert_eq!(kept.ends_at, stored.ends_at);

    // Emptied end date: cleared; the start stays.
    let saved = bob
        .post(&format!("{path}/edit"), &refs(&offer("2027-01-10", "")))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after = db::mentorship::get_offer(&node.data().db.read, id)
        .await
        .unwrap();
    assert_eq!(after.ends_at, None);
    assert_eq!(after.starts_at, stored.starts_at);

    // The PLN API: an absent date is kept, an empty one cleared.
    let url = format!("/api/v1/pln/mentorship/offers/{id}");
    let (status, body) = api
        .patch(&url, json!({"title": "Préparer ses séquences (2)"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["starts_at"].is_string(), "{body}");
    let (status, body) = api.patch(&url, json!({"starts_at": ""})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["starts_at"].is_null(), "{body}");
    let (status, _) = api.patch(&url, json!({"ends_at": "soon"})).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn web_fixes_oauth_consent_speaks_the_web_languages() {
    let node = TestNode::spawn().await;
    node.create_user("amina").await;
    let api = ApiClient::anonymous(&node);
    let (_, app) = api
        .post(
            "/api/v1/apps",
            json!({"client_name": "Phone", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write:media"}),
        )
        .await;
    let client_id = app["client_id"].as_str().unwrap();
    let path = format!(
        "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope={}",
        enc("read write:media")
    );
    let http = browser();
    // The browser's language, the frame of every page (footer language switch) and the scopes.
    let fr = get(&http, &node, &path, "", "fr").await;
    assert_eq!(fr.status, 200, "{}", fr.body);
    assert!(fr.body.contains("Autoriser une application"));
    assert!(
        fr.body
            .contains("publier et modifier les données de votre compte")
    );
    assert!(fr.body.contains("action=\"/lang\""));
    let ar = get(&http, &node, &path, "", "ar").await;
    assert!(ar.body.contains("dir=\"rtl\"") && ar.body.contains("السماح لتطبيق"));
    // `lang=` of the app wins; a signed-in user's setting is followed otherwise.
    let en = get(&http, &node, &format!("{path}&lang=en"), "", "ar").await;
    assert!(en.body.contains("Authorize an application"));
    let amina = log_in(&http, &node, "amina").await;
    let me = Browser::log_in(&node, "amina").await;
    let saved = save_settings(&me, &[("locale", "ar")]).await;
    assert_eq!(saved.status, 303);
    let hers = get(&http, &node, &path, &amina, "fr").await;
    assert!(hers.body.contains("السماح لتطبيق"), "{}", hers.body);
    // The pages that cannot go back to the app, translated.
    let unknown = get(
        &http,
        &node,
        "/oauth/authorize?response_type=code&client_id=nope",
        "",
        "fr",
    )
    .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("client_id inconnu"),
        "{}",
        unknown.body
    );
    let missing = get(
        &http,
        &node,
        "/oauth/authorize?response_type=code",
        "",
        "ar",
    )
    .await;
    assert!(missing.body.contains("client_id") && missing.body.contains("dir=\"rtl\""));
}
