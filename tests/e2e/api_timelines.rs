//! Timelines, notifications, markers and streaming through the HTTP API: alice@A follows bob@B,
//! bob's post reaches alice's home feed and her WebSocket (subprotocol token echoed, `stream`
//! arrays) and SSE streams; alice's reply, favourite and boost notify bob; a follow notifies;
//! `types[]`/`exclude_types[]`, dismiss and clear; markers; home paging (Link, `min_id`);
//! unfollow, backfill, boost fall-off, mutes; public local/remote and hashtag timelines.
use crate::harness::{TestNode, cluster, eventually};
use futures_util::{SinkExt, StreamExt};
use halqa::{
    db::{self, entity::actor},
    service::{accounts, follows, posts},
};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

/// A user's actor and a bearer token for it.
async fn user(node: &TestNode, name: &str) -> (actor::Model, String) {
    let actor = node.create_user(name).await;
    let data = node.data();
    let (user, _) = accounts::local_user_by_username(&data.db, name)
        .await
        .unwrap();
    let token = accounts::mint_token(&data.db, &data.ids, user.id, "read write follow push")
        .await
        .unwrap();
    (actor, token)
}

async fn get(node: &TestNode, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{path}", node.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn get_json(node: &TestNode, token: Option<&str>, path: &str) -> Value {
    let response = get(node, token, path).await;
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

async fn post_json(node: &TestNode, token: &str, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", node.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "POST {path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

fn uris(statuses: &Value) -> Vec<String> {
    statuses
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["uri"].as_str().unwrap().to_string())
        .collect()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn kinds(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect()
}

/// The URL of `rel` in a Link header.
fn link(response: &reqwest::Response, rel: &str) -> Option<String> {
    let header = response.headers().get("link")?.to_str().ok()?.to_string();
    header.split(", ").find_map(|part| {
        let (url, r) = part.split_once("; ")?;
        (r == format!("rel=\"{rel}\"")).then(|| url.trim_matches(['<', '>']).to_string())
    })
}

/// Polls `path` until `check` accepts its JSON.
async fn wait_json(
    node: &TestNode,
    token: &str,
    path: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let found = std::sync::Arc::new(std::sync::Mutex::new(None::<Value>));
    let url = format!("{}{path}", node.base);
    eventually(what, || {
        let (found, url, token) = (found.clone(), url.clone(), token.to_string());
        let check = &check;
        async move {
            let Ok(response) = reqwest::Client::new()
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
            else {
                return false;
            };
            let Ok(value) = response.json::<Value>().await else {
                return false;
            };
            if check(&value) {
                *found.lock().unwrap() = Some(value);
                true
            } else {
                false
            }
        }
    })
    .await;
    found.lock().unwrap().take().unwrap()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next text frame as JSON (pings are skipped).
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

/// Frames until one satisfies `check`.
async fn frame_where(socket: &mut Socket, check: impl Fn(&Value) -> bool) -> Value {
    loop {
        let frame = next_frame(socket).await;
        if check(&frame) {
            return frame;
        }
    }
}

#[tokio::test]
async fn follow_post_reply_notify_and_stream_across_nodes() {
    let [a, b] = cluster::<2>().await;
    let (alice, alice_token) = user(&a, "alice").await;
    let (_bob, bob_token) = user(&b, "bob").await;

    // alice@A follows bob@B through the API (search-resolved account id), accepted by B.
    let bob_on_a = a.resolve(&b.handle("bob")).await;
    post_json(
        &a,
        &alice_token,
        &format!("/api/v1/accounts/{}/follow", bob_on_a.id),
        json!({}),
    )
    .await;
    let data = a.data();
    eventually("alice's follow to be accepted", || {
        let data = data.clone();
        let (f, t) = (alice.id, bob_on_a.id);
        async move {
            db::follows::find(&data.db.read, f, t)
                .await
                .ok()
                .flatten()
                .is_some_and(|f| f.accepted)
        }
    })
    .await;

    // A WebSocket with the token as subprotocol, multiplexing user + hashtag streams.
    let mut request = format!("ws://localhost:{}/api/v1/streaming", a.port)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", alice_token.parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"]
            .to_str()
            .unwrap(),
        alice_token
    );
    for sub in [
        json!({"type": "subscribe", "stream": "user"}),
        json!({"type": "subscribe", "stream": "hashtag", "tag": "maths"}),
        json!({"type": "subscribe", "stream": "nonsense"}),
    ] {
        socket
            .send(tungstenite::Message::Text(sub.to_string().into()))
            .await
            .unwrap();
    }
    // Commands are handled in order: the error for the last means the others are in place.
    let error = next_frame(&mut socket).await;
    assert!(error["error"].is_string(), "{error}");

    // An SSE user stream: subscribed once the response headers are here.
    let mut sse = get(&a, Some(&alice_token), "/api/v1/streaming/user").await;
    assert!(sse.status().is_success());

    // bob posts on B → alice's home on A.
    let status = post_json(
        &b,
        &bob_token,
        "/api/v1/statuses",
        json!({"status": "Fractions today #maths", "visibility": "public"}),
    )
    .await;
    let uri = status["uri"].as_str().unwrap().to_string();
    let home = wait_json(
        &a,
        &alice_token,
        "/api/v1/timelines/home",
        "bob's post in alice's home",
        |v| uris(v).contains(&uri),
    )
    .await;
    let on_a = home
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["uri"] == uri.as_str())
        .unwrap()
        .clone();
    let local_id = on_a["id"].as_str().unwrap().to_string();

    // … and to both streams: the stream arrays masto.js matches on, payload as a string.
    let update = frame_where(&mut socket, |f| {
        f["event"] == "update" && f["stream"] == json!(["user"])
    })
    .await;
    let payload: Value = serde_json::from_str(update["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["uri"], uri.as_str());
    let tagged = frame_where(&mut socket, |f| f["stream"] == json!(["hashtag", "maths"])).await;
    assert_eq!(tagged["event"], "update");
    let mut seen = String::new();
    while !seen.contains("event: update") || !seen.contains(&uri) {
        let chunk = tokio::time::timeout(crate::harness::DEADLINE, sse.chunk())
            .await
            .expect("an SSE chunk in time")
            .unwrap()
            .expect("SSE stream open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }

    // alice replies, mentioning bob → bob gets a mention on B.
    post_json(
        &a,
        &alice_token,
        "/api/v1/statuses",
        json!({
            "status": format!("@{} lovely", b.handle("bob")),
            "in_reply_to_id": local_id,
        }),
    )
    .await;
    // alice favourites and boosts bob's post → favourite and reblog notifications.
    post_json(
        &a,
        &alice_token,
        &format!("/api/v1/statuses/{local_id}/favourite"),
        json!({}),
    )
    .await;
    post_json(
        &a,
        &alice_token,
        &format!("/api/v1/statuses/{local_id}/reblog"),
        json!({}),
    )
    .await;
    let all = wait_json(
        &b,
        &bob_token,
        "/api/v1/notifications",
        "bob's mention, favourite and reblog",
        |v| {
            let k = kinds(v);
            ["mention", "favourite", "reblog", "follow"]
                .iter()
                .all(|t| k.contains(&t.to_string()))
        },
    )
    .await;
    let mention = all
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "mention")
        .unwrap();
    assert_eq!(mention["account"]["acct"], a.handle("alice").as_str());
    assert!(
        mention["status"]["content"]
            .as_str()
            .unwrap()
            .contains("lovely")
    );
    assert!(
        mention["group_key"]
            .as_str()
            .unwrap()
            .starts_with("ungrouped-")
    );
    let follow = all
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "follow")
        .unwrap();
    assert!(follow["status"].is_null());

    // types[] (unknown values ignored) and exclude_types[].
    let only = get_json(
        &b,
        Some(&bob_token),
        "/api/v1/notifications?types[]=mention&types[]=severed_relationships_v9",
    )
    .await;
    assert_eq!(kinds(&only), vec!["mention"]);
    let without = get_json(
        &b,
        Some(&bob_token),
        "/api/v1/notifications?exclude_types[]=favourite&exclude_types[]=follow",
    )
    .await;
    let k = kinds(&without);
    assert!(
        k.contains(&"mention".to_string())
            && !k.contains(&"favourite".to_string())
            && !k.contains(&"follow".to_string())
    );
    let one = get_json(
        &b,
        Some(&bob_token),
        &format!("/api/v1/notifications/{}", mention["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["type"], "mention");

    // Markers and the unread count.
    let newest = all[0]["id"].as_str().unwrap().to_string();
    let oldest = all.as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unread = get_json(&b, Some(&bob_token), "/api/v1/notifications/unread_count").await;
    assert_eq!(unread["count"], all.as_array().unwrap().len());
    let saved = post_json(
        &b,
        &bob_token,
        "/api/v1/markers",
        json!({"notifications": {"last_read_id": oldest}}),
    )
    .await;
    assert_eq!(saved["notifications"]["version"], 1);
    let saved = reqwest::Client::new()
        .post(format!("{}/api/v1/markers", b.base))
        .bearer_auth(&bob_token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("notifications%5Blast_read_id%5D={newest}"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(saved["notifications"]["version"], 2);
    let markers = get_json(
        &b,
        Some(&bob_token),
        "/api/v1/markers?timeline[]=notifications&timeline[]=home",
    )
    .await;
    assert_eq!(markers["notifications"]["last_read_id"], newest.as_str());
    assert_eq!(markers["home"]["last_read_id"], "0");
    let unread = get_json(&b, Some(&bob_token), "/api/v1/notifications/unread_count").await;
    assert_eq!(unread["count"], 0);

    // Dismiss one, then clear.
    post_json(
        &b,
        &bob_token,
        &format!(
            "/api/v1/notifications/{}/dismiss",
            mention["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    let after = get_json(&b, Some(&bob_token), "/api/v1/notifications").await;
    assert!(!kinds(&after).contains(&"mention".to_string()));
    assert_eq!(
        get(
            &b,
            Some(&bob_token),
            &format!("/api/v1/notifications/{}", mention["id"].as_str().unwrap())
        )
        .await
        .status(),
        404
    );
    post_json(&b, &bob_token, "/api/v1/notifications/clear", json!({})).await;
    assert_eq!(
        get_json(&b, Some(&bob_token), "/api/v1/notifications").await,
        json!([])
    );

    // Public timelines: bob's post is remote on A.
    let remote = get_json(&a, None, "/api/v1/timelines/public?remote=true").await;
    assert!(uris(&remote).contains(&uri));
    let local = get_json(&a, None, "/api/v1/timelines/public?local=true").await;
    assert!(!uris(&local).contains(&uri));
    assert!(
        !local.as_array().unwrap().is_empty(),
        "alice's reply is local and public"
    );

    // Unfollowing removes bob's entries from alice's home.
    post_json(
        &a,
        &alice_token,
        &format!("/api/v1/accounts/{}/unfollow", bob_on_a.id),
        json!({}),
    )
    .await;
    let home = get_json(&a, Some(&alice_token), "/api/v1/timelines/home").await;
    assert!(!uris(&home).contains(&uri));
}

fn text(s: &str) -> posts::NewPost {
    posts::NewPost {
        text: s.into(),
        visibility: "public".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn home_paging_backfill_boosts_mutes_and_tag_timelines() {
    let node = TestNode::spawn().await;
    let data = node.data();
    let (alice, alice_token) = user(&node, "alice").await;
    let (carol, _) = user(&node, "carol").await;
    let (dave, _) = user(&node, "dave").await;

    // dave posts before alice follows him: the follow backfills.
    let early = posts::create_post(&data, &dave, text("before the follow"))
        .await
        .unwrap();
    follows::follow(&data, &alice, &carol).await.unwrap();
    follows::follow(&data, &alice, &dave).await.unwrap();
    let home = get_json(&node, Some(&alice_token), "/api/v1/timelines/home").await;
    assert_eq!(ids(&home), vec![early.id.to_string()]);

    let mut carol_posts = Vec::new();
    for i in 0..5 {
        let p = posts::create_post(&data, &carol, text(&format!("carol {i} #physics")))
            .await
            .unwrap();
        carol_posts.push(p.id.to_string());
    }

    // Paging with limit=2 through Link `next`: every item once, newest first.
    let mut seen: Vec<String> = Vec::new();
    let mut url = format!("{}/api/v1/timelines/home?limit=2", node.base);
    loop {
        let response = reqwest::Client::new()
            .get(&url)
            .bearer_auth(&alice_token)
            .send()
            .await
            .unwrap();
        let next = link(&response, "next");
        let page: Value = response.json().await.unwrap();
        if page.as_array().unwrap().is_empty() {
            assert!(next.is_none());
            break;
        }
        assert!(page.as_array().unwrap().len() <= 2);
        assert!(next.as_deref().unwrap().contains("limit=2"));
        seen.extend(ids(&page));
        url = next.unwrap();
    }
    let mut expected: Vec<String> = carol_posts.iter().rev().cloned().collect();
    expected.push(early.id.to_string());
    assert_eq!(seen, expected);

    // min_id: the page right after the cursor, still newest first; prev never repeats it.
    let response = get(
        &node,
        Some(&alice_token),
        &format!("/api/v1/timelines/home?limit=2&min_id={}", carol_posts[0]),
    )
    .await;
    let prev = link(&response, "prev").unwrap();
    let page: Value = response.json().await.unwrap();
    assert_eq!(
        ids(&page),
        vec![carol_posts[2].clone(), carol_posts[1].clone()]
    );
    assert!(prev.contains(&format!("min_id={}", carol_posts[2])));
    let since = get_json(
        &node,
        Some(&alice_token),
        &format!("/api/v1/timelines/home?since_id={}", carol_posts[3]),
    )
    .await;
    assert_eq!(ids(&since), vec![carol_posts[4].clone()]);

    // dave boosts carol's latest post, which alice already has: no second copy.
    let boost = posts::reblog(&data, &dave, carol_posts[4].parse().unwrap())
        .await
        .unwrap();
    let home = get_json(&node, Some(&alice_token), "/api/v1/timelines/home").await;
    assert!(!ids(&home).contains(&boost.id.to_string()));
    // A boost of something alice has not seen arrives, as a wrapper.
    let (erin, _) = user(&node, "erin").await;
    let fresh = posts::create_post(&data, &erin, text("erin's idea"))
        .await
        .unwrap();
    let boost = posts::reblog(&data, &dave, fresh.id).await.unwrap();
    let home = get_json(&node, Some(&alice_token), "/api/v1/timelines/home").await;
    assert_eq!(home[0]["id"], boost.id.to_string());
    assert_eq!(home[0]["reblog"]["id"], fresh.id.to_string());

    // Hashtag timelines: any/all/none, local.
    let physics = get_json(&node, None, "/api/v1/timelines/tag/physics?limit=40").await;
    assert_eq!(physics.as_array().unwrap().len(), 5);
    let none = get_json(&node, None, "/api/v1/timelines/tag/physics?none[]=physics").await;
    assert_eq!(none, json!([]));
    let all = get_json(
        &node,
        None,
        "/api/v1/timelines/tag/nothing?any[]=physics&local=true&limit=1",
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(
        get_json(&node, None, "/api/v1/timelines/direct").await,
        json!([])
    );

    // Muting carol hides her posts from alice's home at read time.
    post_json(
        &node,
        &alice_token,
        &format!("/api/v1/accounts/{}/mute", carol.id),
        json!({}),
    )
    .await;
    let home = get_json(&node, Some(&alice_token), "/api/v1/timelines/home?limit=40").await;
    assert!(
        home.as_array()
            .unwrap()
            .iter()
            .all(|s| s["account"]["id"].as_str() != Some(carol.id.to_string().as_str()))
    );

    // A deleted post leaves the feed.
    posts::delete_post(&data, &dave, early.id).await.unwrap();
    let home = get_json(&node, Some(&alice_token), "/api/v1/timelines/home?limit=40").await;
    assert!(!ids(&home).contains(&early.id.to_string()));
    assert_eq!(
        get(&node, None, "/api/v1/timelines/home").await.status(),
        401
    );
    let health = get(&node, None, "/api/v1/streaming/health").await;
    assert_eq!(health.text().await.unwrap(), "OK");
}
