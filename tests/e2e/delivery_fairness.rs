//! Silent hosts (they accept the connection and never answer) must not starve delivery: with
//! only two delivery slots, healthy inboxes still get their posts while deliveries to silent
//! hosts hang, each silent host gets one delivery at a time, and a timeout cools the host down
//! like a refused connection, for as long as the configuration says; a failed delivery is tried
//! again after the configured delay.
use crate::harness::{TestNode, eventually, production_delivery_timing};
use axum::{Router, extract::State, http::StatusCode, routing::post};
use halqa::{
    db::{self, entity::actor, entity::delivery},
    service::posts,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use tokio::net::TcpListener;

/// A server that accepts connections, reads what it is sent and never answers.
async fn silent_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                use tokio::io::AsyncReadExt;
                let mut buf = [0u8; 4096];
                while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    (port, connections)
}

/// A server whose inboxes answer 202 and count what they receive.
async fn healthy_server(received: Arc<AtomicUsize>) -> u16 {
    async fn inbox(State(received): State<Arc<AtomicUsize>>) -> StatusCode {
        received.fetch_add(1, Ordering::SeqCst);
        StatusCode::ACCEPTED
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/users/{name}/inbox", post(inbox))
        .with_state(received);
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

/// Makes `name` on `localhost:port` (own inbox, no shared inbox) a follower of `author`.
async fn remote_follower(node: &TestNode, author: &actor::Model, port: u16, name: &str) {
    let data = node.data();
    let base = format!("http://localhost:{port}");
    let (_, public_pem) = halqa::federation::signatures::generate_rsa_keypair().unwrap();
    let follower = db::actors::upsert_remote(
        &data.db.write,
        &data.ids,
        db::actors::RemoteActor {
            ap_id: format!("{base}/users/{name}"),
            kind: "Person".into(),
            username: name.into(),
            domain: format!("localhost:{port}"),
            display_name: String::new(),
            summary: String::new(),
            url: None,
            inbox: format!("{base}/users/{name}/inbox"),
            shared_inbox: None,
            outbox: None,
            followers_url: None,
            following_url: None,
            public_key_id: format!("{base}/users/{name}#main-key"),
            public_key_pem: public_pem,
            manually_approves_followers: false,
            discoverable: true,
            avatar_url: None,
            header_url: None,
            stage: None,
            subjects: vec![],
            levels: vec![],
            languages: vec![],
            region: None,
            open_to_mentor: false,
            seeking_mentor: false,
            published: None,
            also_known_as: Vec::new(),
            moved_to: None,
        },
    )
    .await
    .unwrap();
    let row = db::follows::new_row(
        data.ids.next(),
        format!("{base}/follows/{name}"),
        follower.id,
        author.id,
        true,
    );
    db::follows::insert(&data.db.write, row, follower.id, author.id)
        .await
        .unwrap();
}

async fn post_as(node: &TestNode, author: &actor::Model, text: &str) -> i64 {
    let post = posts::create_post(
        &node.data(),
        author,
        posts::NewPost {
            text: text.into(),
            visibility: "public".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    post.id
}

/// The delivery rows to `hosts`.
async fn deliveries_of(node: &TestNode, hosts: &[String]) -> Vec<delivery::Model> {
    delivery::Entity::find()
        .filter(delivery::Column::Host.is_in(hosts.iter().cloned()))
        .all(&node.data().db.read)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_inboxes_are_served_while_silent_hosts_hang() {
    let node = TestNode::spawn_with(|c| {
        c.federation.delivery_concurrency = 2;
        c.federation.delivery_concurrency_per_host = 4;
        // Far longer than the test: the silent deliveries stay in flight throughout.
        c.federation.delivery_timeout_secs = 120;
    })
    .await;
    let quiet = node.create_user("quiet").await;
    let amina = node.create_user("amina").await;

    // Three silent hosts with four followers of `quiet` each: twelve deliveries that hang.
    let mut silent = Vec::new();
    for h in 0..3 {
        let (port, connections) = silent_server().await;
        for f in 0..4 {
            remote_follower(&node, &quiet, port, &format!("s{h}f{f}")).await;
        }
        silent.push((format!("localhost:{port}"), connections));
    }
    // Two healthy hosts with three followers of `amina` each.
    let received = Arc::new(AtomicUsize::new(0));
    let mut healthy = Vec::new();
    for h in 0..2 {
        let port = healthy_server(received.clone()).await;
        for f in 0..3 {
            remote_follower(&node, &amina, port, &format!("h{h}f{f}")).await;
        }
        healthy.push(format!("localhost:{port}"));
    }

    // The silent hosts' post goes first and takes both slots.
    post_as(&node, &quiet, "Personne ne répondra").await;
    let conns = silent.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>();
    eventually("deliveries to silent hosts to be in flight", || {
        let conns = conns.clone();
        async move {
            conns
                .iter()
                .map(|c| c.load(Ordering::SeqCst))
                .sum::<usize>()
                >= 2
        }
    })
    .await;

    // The healthy hosts' post is delivered anyway.
    post_as(&node, &amina, "Bonjour les collègues").await;
    let seen = received.clone();
    eventually("all six healthy inboxes to get the post", || {
        let seen = seen.clone();
        async move { seen.load(Ordering::SeqCst) == 6 }
    })
    .await;
    eventually("the healthy deliveries to be recorded as done", || {
        let node = &node;
        let healthy = healthy.clone();
        async move {
            let rows = deliveries_of(node, &healthy).await;
            rows.len() == 6 && rows.iter().all(|d| d.state == delivery::state::DONE)
        }
    })
    .await;

    // Meanwhile nothing to the silent hosts finished, and none of them got more than one
    // delivery at a time (a host gets more only once it has answered).
    let silent_hosts: Vec<String> = silent.iter().map(|(h, _)| h.clone()).collect();
    let rows = deliveries_of(&node, &silent_hosts).await;
    assert_eq!(rows.len(), 12);
    assert!(
        rows.iter()
            .all(|d| d.state == delivery::state::PENDING && d.attempts == 0),
        "{rows:?}"
    );
    for (host, connections) in &silent {
        assert!(
            connections.load(Ordering::SeqCst) <= 1,
            "{host} got {} connections",
            connections.load(Ordering::SeqCst)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_cools_the_host_down_like_a_refused_connection() {
    // Production's timing (a 30 s retry, a minute's cool-down): nothing is tried again while
    // the test looks.
    let node = TestNode::spawn_with(|c| {
        production_delivery_timing(c);
        c.federation.delivery_timeout_secs = 1;
    })
    .await;
    let quiet = node.create_user("quiet").await;
    let (port, connections) = silent_server().await;
    for f in 0..3 {
        remote_follower(&node, &quiet, port, &format!("f{f}")).await;
    }
    let host = vec![format!("localhost:{port}")];
    post_as(&node, &quiet, "Allô ?").await;

    eventually("the first delivery to time out", || {
        let (node, host) = (&node, host.clone());
        async move {
            deliveries_of(node, &host)
                .await
                .iter()
                .any(|d| d.attempts == 1)
        }
    })
    .await;
    let rows = deliveries_of(&node, &host).await;
    let tried: Vec<_> = rows.iter().filter(|d| d.attempts > 0).collect();
    assert_eq!(tried.len(), 1, "{rows:?}");
    assert_eq!(tried[0].state, delivery::state::PENDING);
    assert_eq!(tried[0].last_error.as_deref(), Some("timed out"));
    assert!(tried[0].next_attempt_at > chrono::Utc::now());
    // The first retry is about delivery_first_retry_secs (30 s ± 10 %) after the attempt ended.
    let wait = (tried[0].next_attempt_at - tried[0].updated_at).num_seconds();
    assert!((25..=33).contains(&wait), "retry in {wait} s");
    // The host is cooling down: its other deliveries were not attempted.
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    let health = db::entity::remote_host::Entity::find_by_id(host[0].clone())
        .one(&node.data().db.read)
        .await
        .unwrap()
        .expect("the failure is recorded");
    assert_eq!(health.failure_days, 1);
    // A cool-down of delivery_host_cooldown_secs (the first failure in a row) from the failure.
    let cooldown = health.cooldown_until.unwrap() - health.last_failure_at.unwrap();
    assert_eq!(
        (health.consecutive_failures, cooldown.num_seconds()),
        (1, 60)
    );
}

/// A server whose inboxes answer 503 to the first delivery and 202 to the next ones.
async fn unavailable_once_server() -> (u16, Arc<AtomicUsize>) {
    async fn inbox(State(calls): State<Arc<AtomicUsize>>) -> StatusCode {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::ACCEPTED
        }
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/users/{name}/inbox", post(inbox))
        .with_state(calls.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (port, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_is_tried_again_after_the_configured_delay() {
    // The harness's timing: a 1 s first retry, a 2 s host cool-down.
    let node = TestNode::spawn().await;
    assert_eq!(
        (
            node.config.federation.delivery_first_retry_secs,
            node.config.federation.delivery_host_cooldown_secs
        ),
        (1, 2)
    );
    let author = node.create_user("amina").await;
    let (port, calls) = unavailable_once_server().await;
    remote_follower(&node, &author, port, "busy").await;
    let host = vec![format!("localhost:{port}")];
    let posted = chrono::Utc::now();
    post_as(&node, &author, "Deuxième essai").await;
    eventually("the delivery to go through at the second attempt", || {
        let (node, host) = (&node, host.clone());
        async move {
            let rows = deliveries_of(node, &host).await;
            rows.len() == 1 && rows[0].state == delivery::state::DONE
        }
    })
    .await;
    let done = deliveries_of(&node, &host).await.remove(0);
    assert_eq!((done.attempts, calls.load(Ordering::SeqCst)), (2, 2));
    // The retry waited for the host's cool-down (2 s, longer than the 1 s retry delay), and
    // came long before production's first retry (27 s at the earliest).
    let took = done.updated_at - posted;
    assert!(took >= chrono::Duration::seconds(2), "{took}");
    assert!(took < chrono::Duration::seconds(20), "{took}");
}
