//! The server-side gaps of the client API, end to end: rate limits (429 with `Retry-After` and
//! `X-RateLimit-*`, per IP on the token endpoint, the login form and sign-ups, per account on
//! wrong passwords, per token on the whole API), a replayed authorization code revoking its
//! tokens, the delivery circuit breaker surviving a restart, the list stream's replies policy,
//! `admin.report` / `admin.sign_up` for staff, and streaming across two processes sharing one
//! PostgreSQL database.
use crate::api_client::follow_across;
use crate::harness::{TestNode, cluster, eventually, production_delivery_timing, test_config};
use futures_util::{SinkExt, StreamExt};
use halqa::{
    app,
    config::RateLimit,
    db::{
        self,
        entity::{actor, delivery, remote_host},
    },
    service::{accounts, follows, posts},
};
use reqwest::{Response, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

const PASSWORD: &str = "correct horse battery";

fn urlencode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A local user with `role` and a bearer token for it.
async fn user_with_role(node: &TestNode, name: &str, role: &str) -> (actor::Model, String) {
    let data = node.data();
    let (user, actor) = accounts::create_user(
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
    let token = accounts::mint_token(&data.db, &data.ids, user.id, "read write follow push")
        .await
        .unwrap();
    (actor, token)
}

async fn send(
    node: &TestNode,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut request = http().request(method, format!("{}{path}", node.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn json_ok(response: Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

async fn get_json(node: &TestNode, token: &str, path: &str) -> Value {
    json_ok(send(node, reqwest::Method::GET, path, Some(token), None).await).await
}

async fn post_json(node: &TestNode, token: &str, path: &str, body: Value) -> Value {
    json_ok(send(node, reqwest::Method::POST, path, Some(token), Some(body)).await).await
}

fn header_of(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .to_string()
}

/// Checks a 429: Mastodon's JSON body, `Retry-After` and the rate-limit headers.
async fn assert_throttled(response: Response, limit: u32) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_of(&response, "x-ratelimit-limit"), limit.to_string());
    assert_eq!(header_of(&response, "x-ratelimit-remaining"), "0");
    let reset = header_of(&response, "x-ratelimit-reset");
    let reset = chrono::DateTime::parse_from_rfc3339(&reset).unwrap();
    assert!(reset > chrono::Utc::now());
    let retry: i64 = header_of(&response, "retry-after").parse().unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");
}

fn small(limit: u32) -> RateLimit {
    RateLimit {
        limit,
        period_secs: 300,
    }
}

/// Registers an app that may use the password grant and the given redirect URI.
async fn register_app(node: &TestNode, redirect_uri: &str) -> Value {
    let response = http()
        .post(format!("{}/api/v1/apps", node.base))
        .json(&json!({"client_name": "Limits", "redirect_uris": redirect_uri, "scopes": "read write"}))
        .send()
        .await
        .unwrap();
    json_ok(response).await
}

async fn password_grant(node: &TestNode, app: &Value, username: &str, password: &str) -> Response {
    http()
        .post(format!("{}/oauth/token", node.base))
        .json(&json!({
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": username,
            "password": password,
            "scope": "read",
        }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_api_counts_requests_per_token_and_answers_429_over_the_limit() {
    let node = TestNode::spawn_with(|c| c.rate_limits.api_per_token = small(3)).await;
    let (_, token) = user_with_role(&node, "amina", "user").await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = send(
            &node,
            reqwest::Method::GET,
            "/api/v1/accounts/verify_credentials",
            Some(&token),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header_of(&response, "x-ratelimit-limit"), "3");
        remaining.push(header_of(&response, "x-ratelimit-remaining"));
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let over = send(
        &node,
        reqwest::Method::GET,
        "/api/v1/timelines/home",
        Some(&token),
        None,
    )
    .await;
    assert_throttled(over, 3).await;
    // Without the token the request is counted per IP only, with that (higher) limit shown.
    let anonymous = send(&node, reqwest::Method::GET, "/api/v1/instance", None, None).await;
    assert_eq!(anonymous.status(), StatusCode::OK);
    assert_eq!(header_of(&anonymous, "x-ratelimit-limit"), "1000000");
    // CORS exposes the headers to browser clients; federation routes are not counted.
    let actor = http()
        .get(format!("{}/users/amina", node.base))
        .header(header::ACCEPT, "application/activity+json")
        .send()
        .await
        .unwrap();
    assert!(actor.headers().get("x-ratelimit-limit").is_none());
}

#[tokio::test]
async fn token_endpoint_login_form_and_sign_ups_are_limited_per_ip() {
    let node = TestNode::spawn_with(|c| {
        c.oauth.allow_password_grant = true;
        c.rate_limits.oauth_token_per_ip = small(2);
        c.rate_limits.login_per_ip = small(1);
        c.rate_limits.sign_ups_per_ip = small(1);
    })
    .await;
    user_with_role(&node, "amina", "user").await;
    let app = register_app(&node, "urn:ietf:wg:oauth:2.0:oob").await;
    for _ in 0..2 {
        let response = password_grant(&node, &app, "amina", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_throttled(password_grant(&node, &app, "amina", PASSWORD).await, 2).await;

    // The login form: the first attempt is answered (wrong password), the next one refused.
    let form = |password: &'static str| {
        let client_id = app["client_id"].as_str().unwrap().to_string();
        let node = &node;
        async move {
            http()
                .post(format!("{}/oauth/authorize", node.base))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(urlencode(&[
                    ("response_type", "code"),
                    ("client_id", client_id.as_str()),
                    ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
                    ("username", "amina"),
                    ("password", password),
                    ("approve", "1"),
                ]))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        form("wrong").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_throttled(form(PASSWORD).await, 1).await;

    // Sign-up attempts (closed registrations still count: the limit is on attempts).
    let sign_up = || {
        http()
            .post(format!("{}/api/v1/accounts", node.base))
            .json(&json!({"username": "new", "email": "new@example.org", "password": "long enough password", "agreement": true}))
            .send()
    };
    assert_ne!(
        sign_up().await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_throttled(sign_up().await.unwrap(), 1).await;
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_for_the_window_whatever_the_spelling() {
    let node = TestNode::spawn_with(|c| {
        c.oauth.allow_password_grant = true;
        c.rate_limits.failed_logins_per_username = small(3);
    })
    .await;
    user_with_role(&node, "amina", "user").await;
    user_with_role(&node, "bilal", "user").await;
    let app = register_app(&node, "https://app.example/cb").await;
    let handle = node.handle("amina");
    let email = format!("amina@{}", node.port);
    // Three wrong passwords under three spellings of the same account.
    for login in ["amina", handle.as_str(), email.as_str()] {
        let response = password_grant(&node, &app, login, "wrong password").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_grant");
    }
    // Now even the right password is refused, with the 429 shape…
    assert_throttled(password_grant(&node, &app, "@amina", PASSWORD).await, 3).await;
    // … on the login form too (an HTML page for the person at the browser, same status/headers).
    let page = http()
        .post(format!("{}/oauth/authorize", node.base))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(urlencode(&[
            ("response_type", "code"),
            ("client_id", app["client_id"].as_str().unwrap()),
            ("redirect_uri", "https://app.example/cb"),
            ("username", "amina"),
            ("password", PASSWORD),
            ("approve", "1"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers().contains_key("retry-after"));
    assert_eq!(header_of(&page, "x-ratelimit-remaining"), "0");
    assert!(
        page.headers().get(header::LOCATION).is_none(),
        "no code was issued"
    );
    // Another account is not affected.
    assert_eq!(
        password_grant(&node, &app, "bilal", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

/// What `verify_credentials` answers to `token`.
async fn token_status(node: &TestNode, token: &str) -> StatusCode {
    send(
        node,
        reqwest::Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(token),
        None,
    )
    .await
    .status()
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_the_tokens_it_issued() {
    let node = TestNode::spawn().await;
    user_with_role(&node, "amina", "user").await;
    let app = register_app(&node, "https://app.example/cb").await;
    let response = http()
        .post(format!("{}/oauth/authorize", node.base))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(urlencode(&[
            ("response_type", "code"),
            ("client_id", app["client_id"].as_str().unwrap()),
            ("redirect_uri", "https://app.example/cb"),
            ("username", "amina"),
            ("password", PASSWORD),
            ("approve", "1"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = header_of(&response, "location");
    let code = form_urlencoded::parse(location.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let exchange = || {
        http()
            .post(format!("{}/oauth/token", node.base))
            .json(&json!({
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "https://app.example/cb",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            }))
            .send()
    };
    let first = json_ok(exchange().await.unwrap()).await;
    let access = first["access_token"].as_str().unwrap().to_string();
    // A refresh keeps the link to the code: the rotated token goes too.
    let refreshed = json_ok(
        http()
            .post(format!("{}/oauth/token", node.base))
            .json(&json!({
                "grant_type": "refresh_token",
                "refresh_token": first["refresh_token"],
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let rotated = refreshed["access_token"].as_str().unwrap().to_string();
    assert_eq!(token_status(&node, &rotated).await, StatusCode::OK);

    let replay = exchange().await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let body: Value = replay.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        token_status(&node, &rotated).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(token_status(&node, &access).await, StatusCode::UNAUTHORIZED);
    // A third try is refused the same way.
    assert_eq!(exchange().await.unwrap().status(), StatusCode::BAD_REQUEST);
}

async fn deliveries_to(
    node: &TestNode,
    host: &str,
    activity_id: Option<i64>,
) -> Vec<delivery::Model> {
    let mut query = delivery::Entity::find().filter(delivery::Column::Host.eq(host));
    if let Some(id) = activity_id {
        query = query.filter(delivery::Column::ActivityId.eq(id));
    }
    query.all(&node.data().db.read).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_keeps_a_dead_host_cooling_down() {
    // A's cool-down is production's minute (the restart keeps it): the harness's 2 s would end
    // before the new post is sent.
    let mut a = TestNode::spawn_with(production_delivery_timing).await;
    let [mut dead, alive] = cluster::<2>().await;
    let amina = a.create_user("amina").await;
    let bilal = dead.create_user("bilal").await;
    let chama = alive.create_user("chama").await;
    follow_across(&dead, &bilal, &a, "amina").await;
    follow_across(&alive, &chama, &a, "amina").await;
    dead.stop().await;

    // A post while the host is down: the delivery fails and the host cools down, on disk.
    posts::create_post(
        &a.data(),
        &amina,
        posts::NewPost {
            text: "Avant".into(),
            visibility: "public".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    eventually("the failed attempt to the dead host", || async {
        deliveries_to(&a, &dead.domain, None)
            .await
            .iter()
            .any(|d| d.attempts == 1)
    })
    .await;
    let data = a.data();
    eventually("the cool-down to be recorded", || {
        let (data, host) = (data.clone(), dead.domain.clone());
        async move {
            remote_host::Entity::find_by_id(host)
                .one(&data.db.read)
                .await
                .unwrap()
                .is_some_and(|h| {
                    h.consecutive_failures == 1
                        && h.cooldown_until.is_some_and(|u| u > chrono::Utc::now())
                })
        }
    })
    .await;

    // After a restart, a new post goes to the healthy host; the dead host's delivery, due at
    // the same moment and ahead of it in the queue, is not even claimed: the cool-down was
    // read back from the database.
    a.restart().await;
    let amina = db::actors::get_by_id(&a.data().db.read, amina.id)
        .await
        .unwrap();
    let post = posts::create_post(
        &a.data(),
        &amina,
        posts::NewPost {
            text: "Après".into(),
            visibility: "public".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let data_alive = alive.data();
    eventually("the post to reach the healthy host", || {
        let (data, id) = (data_alive.clone(), post.ap_id.clone());
        async move {
            db::posts::find_by_ap_id(&data.db.read, &id)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    let activity = deliveries_to(&a, &alive.domain, None)
        .await
        .into_iter()
        .map(|d| d.activity_id)
        .max()
        .unwrap();
    let waiting = deliveries_to(&a, &dead.domain, Some(activity)).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].state, delivery::state::PENDING);
    assert_eq!(waiting[0].attempts, 0, "{waiting:?}");
    assert!(
        waiting[0].locked_until.is_none(),
        "claimed during the cool-down"
    );
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(port: u16, token: &str, subscribe: Value) -> Socket {
    let mut request = format!("ws://localhost:{port}/api/v1/streaming")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", token.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(tungstenite::Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    // An invalid subscription after it: its error frame means the first one is in place.
    socket
        .send(tungstenite::Message::Text(
            json!({"type": "subscribe", "stream": "nonsense"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let error = next_frame(&mut socket).await;
    assert!(error["error"].is_string(), "{error}");
    socket
}

async fn next_frame(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(crate::harness::DEADLINE, socket.next())
            .await
            .expect("a frame in time")
            .expect("socket open")
            .unwrap();
        if let tungstenite::Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

/// The content of the next `update` frame.
async fn next_update(socket: &mut Socket) -> String {
    loop {
        let frame = next_frame(socket).await;
        if frame["event"] == "update" {
            let status: Value = serde_json::from_str(frame["payload"].as_str().unwrap()).unwrap();
            return status["content"].as_str().unwrap().to_string();
        }
    }
}

/// Posts a public status (a reply to `reply_to` if given).
async fn post_status(node: &TestNode, token: &str, text: &str, reply_to: Option<&Value>) -> Value {
    let mut body = json!({"status": text, "visibility": "public"});
    if let Some(parent) = reply_to {
        body["in_reply_to_id"] = parent["id"].clone();
    }
    post_json(node, token, "/api/v1/statuses", body).await
}

#[tokio::test]
async fn the_list_stream_follows_the_lists_replies_policy() {
    let node = TestNode::spawn().await;
    let (_, amina_token) = user_with_role(&node, "amina", "user").await;
    let (bilal, bilal_token) = user_with_role(&node, "bilal", "user").await;
    let (chama, chama_token) = user_with_role(&node, "chama", "user").await;
    let (_, driss_token) = user_with_role(&node, "driss", "user").await;
    for account in [&bilal, &chama] {
        post_json(
            &node,
            &amina_token,
            &format!("/api/v1/accounts/{}/follow", account.id),
            json!({}),
        )
        .await;
    }
    let list = post_json(
        &node,
        &amina_token,
        "/api/v1/lists",
        json!({"title": "Collègues", "replies_policy": "none"}),
    )
    .await;
    let list_id = list["id"].as_str().unwrap().to_string();
    post_json(
        &node,
        &amina_token,
        &format!("/api/v1/lists/{list_id}/accounts"),
        json!({"account_ids": [bilal.id.to_string()]}),
    )
    .await;
    let mut stream = socket(
        node.port,
        &amina_token,
        json!({"type": "subscribe", "stream": "list", "list": list_id}),
    )
    .await;

    let by_chama = post_status(&node, &chama_token, "Question de chama", None).await;
    let by_driss = post_status(&node, &driss_token, "Question de driss", None).await;
    // "none": bilal's own posts only; a reply to chama is left out (the next frame is the
    // post after it).
    post_status(
        &node,
        &bilal_token,
        "Réponse à chama (none)",
        Some(&by_chama),
    )
    .await;
    post_status(&node, &bilal_token, "Annonce de bilal", None).await;
    assert!(next_update(&mut stream).await.contains("Annonce de bilal"));

    // "followed": replies to people amina follows come in, not those to strangers.
    let response = send(
        &node,
        reqwest::Method::PUT,
        &format!("/api/v1/lists/{list_id}"),
        Some(&amina_token),
        Some(json!({"title": "Collègues", "replies_policy": "followed"})),
    )
    .await;
    assert!(response.status().is_success());
    post_status(
        &node,
        &bilal_token,
        "Réponse à driss (followed)",
        Some(&by_driss),
    )
    .await;
    post_status(
        &node,
        &bilal_token,
        "Réponse à chama (followed)",
        Some(&by_chama),
    )
    .await;
    assert!(
        next_update(&mut stream)
            .await
            .contains("Réponse à chama (followed)")
    );

    // "list": only replies to list members (chama is not one).
    let response = send(
        &node,
        reqwest::Method::PUT,
        &format!("/api/v1/lists/{list_id}"),
        Some(&amina_token),
        Some(json!({"title": "Collègues", "replies_policy": "list"})),
    )
    .await;
    assert!(response.status().is_success());
    let own = post_status(&node, &bilal_token, "Fil de bilal", None).await;
    assert!(next_update(&mut stream).await.contains("Fil de bilal"));
    post_status(
        &node,
        &bilal_token,
        "Réponse à chama (list)",
        Some(&by_chama),
    )
    .await;
    post_status(&node, &bilal_token, "Suite du fil (list)", Some(&own)).await;
    assert!(
        next_update(&mut stream)
            .await
            .contains("Suite du fil (list)")
    );
}

/// The notification types `token`'s owner has.
async fn notification_types(node: &TestNode, token: &str) -> Vec<String> {
    get_json(node, token, "/api/v1/notifications")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_hear_of_reports_local_and_remote_and_of_sign_ups() {
    let [a, b] = cluster::<2>().await;
    let (_, admin_token) = user_with_role(&a, "directrice", "admin").await;
    let (_, moderator_token) = user_with_role(&a, "moderateur", "moderator").await;
    let (amina, amina_token) = user_with_role(&a, "amina", "user").await;
    let (_, bilal_token) = user_with_role(&a, "bilal", "user").await;
    let mut admin_stream = socket(
        a.port,
        &admin_token,
        json!({"type": "subscribe", "stream": "user:notification"}),
    )
    .await;

    // A local report: both staff members are told, live too; other users are not.
    post_json(
        &a,
        &bilal_token,
        "/api/v1/reports",
        json!({"account_id": amina.id.to_string(), "comment": "spam"}),
    )
    .await;
    let frame = next_frame(&mut admin_stream).await;
    let notification: Value = serde_json::from_str(frame["payload"].as_str().unwrap()).unwrap();
    assert_eq!(notification["type"], "admin.report");
    assert_eq!(notification["account"]["username"], "bilal");
    assert_eq!(notification["report"]["comment"], "spam");
    assert_eq!(
        notification["report"]["target_account"]["username"],
        "amina"
    );
    assert_eq!(
        notification_types(&a, &moderator_token).await,
        ["admin.report"]
    );
    assert!(notification_types(&a, &amina_token).await.is_empty());

    // A report from another server (a forwarded Flag) reaches them the same way.
    let (_, remote_token) = user_with_role(&b, "rachid", "user").await;
    let amina_on_b = b.resolve(&a.handle("amina")).await;
    post_json(
        &b,
        &remote_token,
        "/api/v1/reports",
        json!({"account_id": amina_on_b.id.to_string(), "comment": "faux compte", "forward": true}),
    )
    .await;
    eventually("the Flag to reach the moderator", || async {
        notification_types(&a, &moderator_token).await.len() == 2
    })
    .await;
    let frame = next_frame(&mut admin_stream).await;
    assert!(frame["payload"].as_str().unwrap().contains("admin.report"));

    // A sign-up: staff get admin.sign_up from the new account.
    accounts::sign_up(
        &a.data(),
        accounts::NewUser {
            username: "nouvelle".into(),
            email: "nouvelle@example.org".into(),
            password: PASSWORD.into(),
            role: "user".into(),
        },
        accounts::Registration::approved(),
    )
    .await
    .unwrap();
    let frame = next_frame(&mut admin_stream).await;
    let notification: Value = serde_json::from_str(frame["payload"].as_str().unwrap()).unwrap();
    assert_eq!(notification["type"], "admin.sign_up");
    assert_eq!(notification["account"]["username"], "nouvelle");
    assert_eq!(
        notification_types(&a, &moderator_token).await,
        ["admin.sign_up", "admin.report", "admin.report"]
    );
    assert!(notification_types(&a, &amina_token).await.is_empty());
    assert!(notification_types(&a, &bilal_token).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgresql_stream_each_others_events() {
    let first = TestNode::spawn().await;
    if !first.db.url.starts_with("postgres") {
        // One process per SQLite database: the in-process bus is the whole story.
        return;
    }
    // A second process of the same node (same domain and database), as behind a proxy.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = test_config(first.port, &first.db.url);
    config.server.bind = listener.local_addr().unwrap().to_string();
    let second = app::start(app::build(config).await.unwrap(), listener)
        .await
        .unwrap();
    let second_port = second.addr.port();

    let (amina, amina_token) = user_with_role(&first, "amina", "user").await;
    let (bilal, _) = user_with_role(&first, "bilal", "user").await;
    post_json(
        &first,
        &amina_token,
        &format!("/api/v1/accounts/{}/follow", bilal.id),
        json!({}),
    )
    .await;
    // amina streams from the second process; bilal posts through the first.
    let mut home = socket(
        second_port,
        &amina_token,
        json!({"type": "subscribe", "stream": "user"}),
    )
    .await;
    let mut tag = socket(
        second_port,
        &amina_token,
        json!({"type": "subscribe", "stream": "hashtag", "tag": "sciences"}),
    )
    .await;
    posts::create_post(
        &first.data(),
        &bilal,
        posts::NewPost {
            text: "Expérience du jour #sciences".into(),
            visibility: "public".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(next_update(&mut home).await.contains("Expérience du jour"));
    assert!(next_update(&mut tag).await.contains("Expérience du jour"));
    // And the other way: a notification made by the second process reaches the first's stream.
    let mut notifications = socket(
        first.port,
        &amina_token,
        json!({"type": "subscribe", "stream": "user:notification"}),
    )
    .await;
    let data = second.federation.to_request_data();
    let bilal_again = db::actors::get_by_id(&data.db.read, bilal.id)
        .await
        .unwrap();
    let amina_again = db::actors::get_by_id(&data.db.read, amina.id)
        .await
        .unwrap();
    follows::follow(&data, &bilal_again, &amina_again)
        .await
        .unwrap();
    let frame = next_frame(&mut notifications).await;
    assert!(
        frame["payload"].as_str().unwrap().contains("\"follow\""),
        "{frame}"
    );
    second.shutdown().await;
}
