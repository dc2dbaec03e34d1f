//! OAuth 2 end to end over HTTP: app registration in every shape clients send, the
//! authorization-code flow (scripted POST, PKCE S256, `oob`, custom schemes), the password,
//! client-credentials and refresh grants, revocation, HTTP Basic client auth, RFC 6749 error
//! bodies and the RFC 8414 metadata.
use crate::harness::TestNode;
use halqa::{api::oauth::pkce, db::entity::oauth_token, service::accounts};
use reqwest::{Response, StatusCode, header};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";
const VERIFIER: &str = "a-long-and-random-code-verifier-0123456789-abcdefghijkl";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn urlencode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

async fn post_form(node: &TestNode, path: &str, pairs: &[(&str, &str)]) -> Response {
    http()
        .post(format!("{}{path}", node.base))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(urlencode(pairs))
        .send()
        .await
        .unwrap()
}

async fn post_json(node: &TestNode, path: &str, body: Value) -> Response {
    http()
        .post(format!("{}{path}", node.base))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get_bearer(node: &TestNode, path: &str, token: &str) -> Response {
    http()
        .get(format!("{}{path}", node.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Status and JSON body, checking the content type is JSON.
async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    assert!(
        content_type(&response).starts_with("application/json"),
        "{status} is not JSON: {:?}",
        content_type(&response)
    );
    (status, response.json().await.unwrap())
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_string()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Registers an app; returns the CredentialApplication.
async fn register(node: &TestNode, redirect_uris: Value, scopes: &str) -> Value {
    let (status, app) = json_of(
        post_json(
            node,
            "/api/v1/apps",
            json!({"client_name": "Test app", "redirect_uris": redirect_uris, "scopes": scopes}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{app}");
    app
}

fn s(value: &Value, key: &str) -> String {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
        .to_string()
}

/// The scripted one-post authorization: returns the response (302 or the oob page).
async fn authorize(
    node: &TestNode,
    app: &Value,
    redirect_uri: &str,
    extra: &[(&str, &str)],
) -> Response {
    let client_id = s(app, "client_id");
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("username", "alice"),
        ("password", PASSWORD),
        ("approve", "1"),
    ];
    pairs.extend_from_slice(extra);
    post_form(node, "/oauth/authorize", &pairs).await
}

/// Registers an app with `https://app.example/cb` and gets a user token for alice through the
/// code flow with PKCE. Returns (app, token response).
async fn user_token(node: &TestNode, scopes: &str) -> (Value, Value) {
    let app = register(node, json!("https://app.example/cb"), scopes).await;
    let challenge = pkce::s256(VERIFIER);
    let response = authorize(
        node,
        &app,
        "https://app.example/cb",
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let code = query_param(&location(&response), "code").unwrap();
    let (status, token) = json_of(
        post_json(
            node,
            "/oauth/token",
            json!({
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "https://app.example/cb",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "code_verifier": VERIFIER,
            }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    (app, token)
}

#[tokio::test]
async fn apps_register_with_every_redirect_shape() {
    let node = TestNode::spawn().await;

    // JSON, one string, default scopes: the full CredentialApplication shape.
    let response = post_json(
        &node,
        "/api/v1/apps",
        json!({"client_name": "toot", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "website": "https://toot.example"}),
    )
    .await;
    let (status, app) = json_of(response).await;
    assert_eq!(status, StatusCode::OK);
    assert!(app["id"].as_str().unwrap().parse::<i64>().is_ok());
    assert_eq!(app["name"], "toot");
    assert_eq!(app["website"], "https://toot.example");
    assert_eq!(app["scopes"], json!(["read"]));
    assert_eq!(app["redirect_uri"], "urn:ietf:wg:oauth:2.0:oob");
    assert_eq!(app["redirect_uris"], json!(["urn:ietf:wg:oauth:2.0:oob"]));
    assert!(s(&app, "client_id").len() >= 32);
    assert!(s(&app, "client_secret").len() >= 32);
    assert_eq!(app["client_secret_expires_at"], 0);
    assert!(app["vapid_key"].is_string());

    // Form, newline-separated, custom schemes.
    let response = post_form(
        &node,
        "/api/v1/apps",
        &[
            ("client_name", "Ivory"),
            (
                "redirect_uris",
                "com.tapbots.Ivory.19300:/request_token\noauth2redirect://com.keylesspalace.tusky/",
            ),
            ("scopes", "read write follow push"),
        ],
    )
    .await;
    let (status, app) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{app}");
    assert_eq!(
        app["redirect_uris"],
        json!([
            "com.tapbots.Ivory.19300:/request_token",
            "oauth2redirect://com.keylesspalace.tusky/"
        ])
    );
    assert_eq!(
        app["redirect_uri"],
        "com.tapbots.Ivory.19300:/request_token\noauth2redirect://com.keylesspalace.tusky/"
    );
    assert_eq!(app["scopes"], json!(["read", "write", "follow", "push"]));
    assert_eq!(app["website"], Value::Null);

    // Form with brackets, and a JSON array.
    let response = post_form(
        &node,
        "/api/v1/apps",
        &[
            ("client_name", "Phanpy"),
            ("redirect_uris[]", "https://phanpy.example/"),
            ("redirect_uris[]", "urn:ietf:wg:oauth:2.0:oob"),
        ],
    )
    .await;
    let (_, app) = json_of(response).await;
    assert_eq!(
        app["redirect_uris"],
        json!(["https://phanpy.example/", "urn:ietf:wg:oauth:2.0:oob"])
    );
    let app = register(
        &node,
        json!(["https://elk.example/cb", "https://elk.example/other"]),
        "read write",
    )
    .await;
    assert_eq!(
        app["redirect_uris"],
        json!(["https://elk.example/cb", "https://elk.example/other"])
    );
    assert_eq!(app["scopes"], json!(["read", "write"]));

    // Refusals are JSON 422s.
    for body in [
        json!({"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}),
        json!({"client_name": "x"}),
        json!({"client_name": "x", "redirect_uris": "javascript:alert(1)"}),
        json!({"client_name": "x", "redirect_uris": "https://e.example/#frag"}),
        json!({"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read destroy"}),
        json!({"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "website": "javascript:x"}),
    ] {
        let (status, error) = json_of(post_json(&node, "/api/v1/apps", body.clone()).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(error["error"].is_string(), "{error}");
    }
}

#[tokio::test]
async fn authorization_code_flow_with_pkce() {
    let node = TestNode::spawn().await;
    node.create_user("alice").await;
    let app = register(
        &node,
        json!("https://app.example/cb"),
        "read write follow push",
    )
    .await;
    let challenge = pkce::s256(VERIFIER);
    let response = authorize(
        &node,
        &app,
        "https://app.example/cb",
        &[
            ("scope", "read write"),
            ("state", "st&te 1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let to = location(&response);
    assert!(to.starts_with("https://app.example/cb?code="), "{to}");
    assert_eq!(query_param(&to, "state").as_deref(), Some("st&te 1"));
    let code = query_param(&to, "code").unwrap();

    let exchange = |verifier: Option<&str>, redirect_uri: &str| {
        let mut body = json!({
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        });
        if let Some(v) = verifier {
            body["code_verifier"] = json!(v);
        }
        post_json(&node, "/oauth/token", body)
    };

    let wrong = format!("{}X", &VERIFIER[..VERIFIER.len() - 1]);
    let (status, error) = json_of(exchange(Some(&wrong), "https://app.example/cb").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert!(error["error_description"].is_string());
    let (status, error) = json_of(exchange(None, "https://app.example/cb").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (status, error) =
        json_of(exchange(Some(VERIFIER), "https://app.example/other").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let response = exchange(Some(VERIFIER), "https://app.example/cb").await;
    assert_eq!(
        response.headers().get(header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
    let (status, token) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read write");
    assert!(token["created_at"].is_i64());
    assert!(token["refresh_token"].is_string());
    let access = s(&token, "access_token");

    let (status, me) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["name"], "Test app");
    assert_eq!(me["id"], app["id"]);
    assert!(me.get("client_secret").is_none());
    let (status, info) = json_of(get_bearer(&node, "/oauth/userinfo", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["preferred_username"], "alice");

    // The code is single use; a replay also revokes its token (RFC 6749 §4.1.2).
    let (status, error) = json_of(exchange(Some(VERIFIER), "https://app.example/cb").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let revoked = get_bearer(&node, "/api/v1/apps/verify_credentials", &access).await;
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);

    // A public client (no secret) may redeem a PKCE code with its client_id alone…
    let response = authorize(
        &node,
        &app,
        "https://app.example/cb",
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    let code = query_param(&location(&response), "code").unwrap();
    let (status, token) = json_of(
        post_form(
            &node,
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "https://app.example/cb"),
                ("client_id", &s(&app, "client_id")),
                ("code_verifier", VERIFIER),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["scope"], "read write follow push");

    // …but not a code without PKCE, and never with a wrong secret.
    let response = authorize(&node, &app, "https://app.example/cb", &[]).await;
    let code = query_param(&location(&response), "code").unwrap();
    let mut body = json!({
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "https://app.example/cb",
        "client_id": app["client_id"],
    });
    let (status, error) = json_of(post_json(&node, "/oauth/token", body.clone()).await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    body["client_secret"] = json!("wrong");
    let (status, _) = json_of(post_json(&node, "/oauth/token", body.clone()).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    body["client_secret"] = app["client_secret"].clone();
    let (status, _) = json_of(post_json(&node, "/oauth/token", body).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn authorize_page_and_its_errors() {
    let node = TestNode::spawn().await;
    node.create_user("alice").await;
    let app = register(
        &node,
        json!("https://app.example/cb"),
        "read write follow push",
    )
    .await;
    let client_id = s(&app, "client_id");
    let base = node.base.clone();
    let page = |query: String| {
        let url = format!("{base}/oauth/authorize?{query}");
        async move { http().get(url).send().await.unwrap() }
    };
    let base_query = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", "https://app.example/cb"),
            ("scope", "read write"),
            ("state", "abc"),
        ];
        // `extra` replaces a default of the same name.
        pairs.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        pairs.extend_from_slice(extra);
        urlencode(&pairs)
    };

    // The consent page: HTML with the app, the scopes, the login form and hidden fields.
    let response = page(base_query(&[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    assert_eq!(
        response.headers().get(header::X_FRAME_OPTIONS).unwrap(),
        "DENY"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("Test app"));
    assert!(html.contains(r#"name="password""#));
    assert!(html.contains(r#"<code dir="ltr">write</code>"#));
    assert!(html.contains(r#"name="state" value="abc""#));
    assert!(html.contains(r#"lang="fr""#), "the node's default language");

    // Arabic on request (RTL); Mastodon.py's literal `None`s are tolerated.
    let html = page(base_query(&[("lang", "ar")]))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"dir="rtl""#));
    let response = page(base_query(&[("force_login", "False"), ("lang", "None")])).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Client problems: an HTML page and no redirect.
    for query in [
        urlencode(&[
            ("response_type", "code"),
            ("client_id", "nope"),
            ("redirect_uri", "https://app.example/cb"),
        ]),
        urlencode(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", "https://evil.example/"),
        ]),
        urlencode(&[("response_type", "code")]),
    ] {
        let response = page(query.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(response.headers().get(header::LOCATION).is_none());
        assert!(content_type(&response).starts_with("text/html"));
    }

    // Request problems go back to the app with the state.
    for (extra, error) in [
        (vec![("scope", "read admin:write")], "invalid_scope"),
        (
            vec![
                (
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ),
                ("code_challenge_method", "plain"),
            ],
            "invalid_request",
        ),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
    ] {
        let response = page(base_query(&extra)).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{error}");
        let to = location(&response);
        assert_eq!(query_param(&to, "error").as_deref(), Some(error), "{to}");
        assert_eq!(query_param(&to, "state").as_deref(), Some("abc"));
    }

    // A wrong password shows the form again, with the login kept and no code issued.
    let response = post_form(
        &node,
        "/oauth/authorize",
        &[
            ("client_id", &client_id),
            ("redirect_uri", "https://app.example/cb"),
            ("username", "alice"),
            ("password", "wrong password"),
            ("approve", "1"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.headers().get(header::LOCATION).is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"role="alert""#));
    assert!(html.contains(r#"value="alice""#));

    // Deny: back to the app with access_denied.
    let response = post_form(
        &node,
        "/oauth/authorize",
        &[
            ("client_id", &client_id),
            ("redirect_uri", "https://app.example/cb"),
            ("state", "s1"),
            ("approve", "0"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let to = location(&response);
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("s1"));

    // Signing in with the email works too; the only redirect URI is the default.
    let email = format!("alice@{}", node.port);
    let response = post_form(
        &node,
        "/oauth/authorize",
        &[
            ("client_id", &client_id),
            ("username", &email),
            ("password", PASSWORD),
            ("approve", "1"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(query_param(&location(&response), "code").is_some());
}

#[tokio::test]
async fn oob_shows_the_code_and_custom_schemes_redirect() {
    let node = TestNode::spawn().await;
    node.create_user("alice").await;
    let app = register(
        &node,
        json!("urn:ietf:wg:oauth:2.0:oob\ncom.tapbots.Ivory.19300:/request_token\noauth2redirect://com.keylesspalace.tusky/"),
        "read write follow",
    )
    .await;

    let response = authorize(&node, &app, "urn:ietf:wg:oauth:2.0:oob", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    let html = response.text().await.unwrap();
    let start = html.find(r#"id="oauth-code""#).expect("the code element");
    let code = html[start..]
        .split_once('>')
        .unwrap()
        .1
        .split_once('<')
        .unwrap()
        .0
        .to_string();
    let (status, token) = json_of(
        post_form(
            &node,
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
                ("client_id", &s(&app, "client_id")),
                ("client_secret", &s(&app, "client_secret")),
                ("scope", "read write follow"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["scope"], "read write follow");

    for uri in [
        "com.tapbots.Ivory.19300:/request_token",
        "oauth2redirect://com.keylesspalace.tusky/",
    ] {
        let response = authorize(&node, &app, uri, &[("state", "z")]).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let to = location(&response);
        assert!(to.starts_with(&format!("{uri}?code=")), "{to}");
        assert_eq!(query_param(&to, "state").as_deref(), Some("z"));
    }
}

#[tokio::test]
async fn password_grant_follows_the_config_flag() {
    let off = TestNode::spawn().await;
    off.create_user("alice").await;
    let app = register(&off, json!("urn:ietf:wg:oauth:2.0:oob"), "read write").await;
    let (status, error) = json_of(
        post_json(
            &off,
            "/oauth/token",
            json!({"grant_type": "password", "username": "alice", "password": PASSWORD,
                   "client_id": app["client_id"], "client_secret": app["client_secret"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "unsupported_grant_type");
    let (_, meta) = json_of(
        http()
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                off.base
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        !meta["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("password"))
    );

    let on = TestNode::spawn_with(|c| c.oauth.allow_password_grant = true).await;
    on.create_user("alice").await;
    let app = register(&on, json!("urn:ietf:wg:oauth:2.0:oob"), "read write").await;
    let (client_id, secret) = (s(&app, "client_id"), s(&app, "client_secret"));
    let email = format!("alice@{}", on.port);
    for login in ["alice", email.as_str()] {
        let (status, token) = json_of(
            post_form(
                &on,
                "/oauth/token",
                &[
                    ("grant_type", "password"),
                    ("username", login),
                    ("password", PASSWORD),
                    ("client_id", &client_id),
                    ("client_secret", &secret),
                    ("scope", "read write"),
                ],
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{token}");
        assert_eq!(token["scope"], "read write");
        let (status, _) =
            json_of(get_bearer(&on, "/oauth/userinfo", &s(&token, "access_token")).await).await;
        assert_eq!(status, StatusCode::OK);
    }
    let on_ref = &on;
    let grant = |password: &'static str, scope: &'static str| {
        let (client_id, secret) = (client_id.clone(), secret.clone());
        async move {
            post_form(
                on_ref,
                "/oauth/token",
                &[
                    ("grant_type", "password"),
                    ("username", "alice"),
                    ("password", password),
                    ("client_id", client_id.as_str()),
                    ("client_secret", secret.as_str()),
                    ("scope", scope),
                ],
            )
            .await
        }
    };
    let (status, error) = json_of(grant("nope nope nope", "read").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, error) = json_of(grant(PASSWORD, "read follow").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
    let (_, meta) = json_of(
        http()
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                on.base
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        meta["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("password"))
    );
}

#[tokio::test]
async fn client_credentials_basic_auth_and_app_verify() {
    let node = TestNode::spawn().await;
    let app = register(&node, json!("urn:ietf:wg:oauth:2.0:oob"), "read write").await;
    let (client_id, secret) = (s(&app, "client_id"), s(&app, "client_secret"));

    // Credentials in the body.
    let (status, token) = json_of(
        post_form(
            &node,
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("client_secret", &secret),
                ("scope", "read"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["scope"], "read");
    assert!(token.get("refresh_token").is_none());
    let access = s(&token, "access_token");
    let (status, me) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    for key in ["id", "name", "scopes", "redirect_uri", "redirect_uris"] {
        assert!(me.get(key).is_some(), "{key} in {me}");
    }
    assert_eq!(me["website"], Value::Null);
    // An app token acts for nobody.
    let (status, _) = json_of(get_bearer(&node, "/oauth/userinfo", &access).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // HTTP Basic, JSON body without credentials.
    let response = http()
        .post(format!("{}/oauth/token", node.base))
        .basic_auth(&client_id, Some(&secret))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    let (status, token) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["scope"], "read write");

    // A wrong Basic secret: 401 invalid_client.
    let response = http()
        .post(format!("{}/oauth/token", node.base))
        .basic_auth(&client_id, Some("wrong"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get(header::WWW_AUTHENTICATE).is_some());
    let (status, error) = json_of(response).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
}

#[tokio::test]
async fn refresh_rotates_and_revoke_ends_tokens() {
    let node = TestNode::spawn().await;
    node.create_user("alice").await;
    let (app, token) = user_token(&node, "read write").await;
    let (client_id, secret) = (s(&app, "client_id"), s(&app, "client_secret"));
    let old_access = s(&token, "access_token");
    let old_refresh = s(&token, "refresh_token");
    let refresh = |refresh_token: String, scope: &'static str| {
        let (client_id, secret) = (client_id.clone(), secret.clone());
        let node = &node;
        async move {
            post_form(
                node,
                "/oauth/token",
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &refresh_token),
                    ("client_id", &client_id),
                    ("client_secret", &secret),
                    ("scope", scope),
                ],
            )
            .await
        }
    };

    let (status, error) = json_of(refresh(old_refresh.clone(), "read write follow").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
    let (status, fresh) = json_of(refresh(old_refresh.clone(), "").await).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    assert_eq!(fresh["scope"], "read write");
    assert_ne!(fresh["access_token"], token["access_token"]);
    assert_ne!(fresh["refresh_token"], token["refresh_token"]);

    // The old pair is dead; the new one works.
    let (status, error) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &old_access).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error["error"].is_string());
    let (status, error) = json_of(refresh(old_refresh, "").await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let access = s(&fresh, "access_token");
    let (status, _) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &access).await).await;
    assert_eq!(status, StatusCode::OK);

    // Narrowing on refresh is allowed.
    let (status, narrow) = json_of(refresh(s(&fresh, "refresh_token"), "read").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(narrow["scope"], "read");
    let access = s(&narrow, "access_token");

    // Revocation needs the client; another app's revocation is a silent no-op.
    let other = register(&node, json!("urn:ietf:wg:oauth:2.0:oob"), "read").await;
    let (status, body) = json_of(
        post_form(
            &node,
            "/oauth/revoke",
            &[
                ("token", &access),
                ("client_id", &s(&other, "client_id")),
                ("client_secret", &s(&other, "client_secret")),
            ],
        )
        .await,
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) =
        json_of(post_form(&node, "/oauth/revoke", &[("token", &access)]).await).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );

    let (status, body) = json_of(
        post_json(
            &node,
            "/oauth/revoke",
            json!({"token": access, "client_id": client_id, "client_secret": secret}),
        )
        .await,
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &access).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Unknown tokens are "revoked" too (RFC 7009).
    let (status, body) = json_of(
        post_form(
            &node,
            "/oauth/revoke",
            &[
                ("token", "never-issued"),
                ("client_id", &client_id),
                ("client_secret", &secret),
            ],
        )
        .await,
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
}

#[tokio::test]
async fn token_errors_are_rfc_6749_json() {
    let node = TestNode::spawn().await;
    let app = register(&node, json!("urn:ietf:wg:oauth:2.0:oob"), "read").await;
    let cases = [
        (
            json!({"grant_type": "implicit", "client_id": app["client_id"]}),
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            json!({"client_id": app["client_id"]}),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "unknown", "client_secret": "x"}),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials"}),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"], "scope": "write"}),
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        (
            json!({"grant_type": "authorization_code", "code": "made-up", "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "client_id": app["client_id"], "client_secret": app["client_secret"]}),
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            json!({"grant_type": "refresh_token", "refresh_token": "made-up", "client_id": app["client_id"], "client_secret": app["client_secret"]}),
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
    ];
    for (body, status, code) in cases {
        let (got, error) = json_of(post_json(&node, "/oauth/token", body.clone()).await).await;
        assert_eq!(
            (got, error["error"].as_str()),
            (status, Some(code)),
            "{body}"
        );
        assert!(error["error_description"].is_string(), "{error}");
    }
    // An unreadable body is an invalid_request too.
    let response = http()
        .post(format!("{}/oauth/token", node.base))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, error) = json_of(response).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    // A missing or bad bearer token on the API: 401 JSON.
    let (status, error) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", "nope").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"], "The access token is invalid");
}

#[tokio::test]
async fn metadata_cli_tokens_and_last_use() {
    let node = TestNode::spawn().await;
    let (_, meta) = json_of(
        http()
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                node.base
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let base = &node.base;
    assert_eq!(meta["issuer"], format!("{base}/"));
    assert_eq!(
        meta["authorization_endpoint"],
        format!("{base}/oauth/authorize")
    );
    assert_eq!(meta["token_endpoint"], format!("{base}/oauth/token"));
    assert_eq!(meta["revocation_endpoint"], format!("{base}/oauth/revoke"));
    assert_eq!(
        meta["app_registration_endpoint"],
        format!("{base}/api/v1/apps")
    );
    assert_eq!(meta["response_types_supported"], json!(["code"]));
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        meta["grant_types_supported"],
        json!(["authorization_code", "client_credentials", "refresh_token"])
    );
    assert_eq!(
        meta["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post"])
    );
    let scopes = meta["scopes_supported"].as_array().unwrap();
    for scope in [
        "read",
        "write",
        "follow",
        "push",
        "profile",
        "read:statuses",
    ] {
        assert!(scopes.contains(&json!(scope)), "{scope}");
    }
    assert!(meta["service_documentation"].is_string());

    // A CLI-minted token (no app) still authenticates, and its use is recorded once.
    let alice = node.create_user("alice").await;
    let data = node.data();
    let user = halqa::db::users::find_by_actor(&data.db.read, alice.id)
        .await
        .unwrap()
        .unwrap();
    let token = accounts::mint_token(&data.db, &data.ids, user.id, "read write")
        .await
        .unwrap();
    let (status, info) = json_of(get_bearer(&node, "/oauth/userinfo", &token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["preferred_username"], "alice");
    let (status, _) =
        json_of(get_bearer(&node, "/api/v1/apps/verify_credentials", &token).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let row = oauth_token::Entity::find()
        .one(&data.db.read)
        .await
        .unwrap()
        .unwrap();
    let first_use = row.last_used_at.expect("last_used_at recorded");
    let (status, _) = json_of(get_bearer(&node, "/oauth/userinfo", &token).await).await;
    assert_eq!(status, StatusCode::OK);
    let row = oauth_token::Entity::find_by_id(row.id)
        .one(&data.db.read)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.last_used_at,
        Some(first_use),
        "not rewritten within the hour"
    );
}
