//! A node killed with SIGKILL mid-delivery resumes on restart: the real `halqa` binary runs as a
//! child process, its deliveries are held in flight by mock inboxes, it is killed, restarted,
//! and every inbox then receives the activity (a repeat is harmless; a loss would fail).
use crate::harness::{TestDb, eventually, test_config};
use axum::{Router, extract::State, http::StatusCode, routing::post};
use halqa::{
    app,
    db::{self, entity::delivery},
    service::{accounts, posts},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};
use tokio::{net::TcpListener, process::Command};

/// Mock inboxes: count received activity ids per port; hold requests open while `hold` is set.
#[derive(Clone, Default)]
struct Inboxes {
    received: Arc<Mutex<HashMap<u16, Vec<String>>>>,
    hold: Arc<AtomicBool>,
}

async fn inbox(State((inboxes, port)): State<(Inboxes, u16)>, body: String) -> StatusCode {
    let id = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string))
        .unwrap_or_default();
    if let Ok(mut received) = inboxes.received.lock() {
        received.entry(port).or_default().push(id);
    }
    while inboxes.hold.load(Ordering::SeqCst) {
        // Held open until the sender dies (the connection drops and this task is cancelled).
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    StatusCode::ACCEPTED
}

fn spawn_node(port: u16, db_url: &str, dir: &std::path::Path) -> tokio::process::Child {
    Command::new(env!("CARGO_BIN_EXE_halqa"))
        .arg("serve")
        .current_dir(dir)
        .env("HALQA__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("HALQA__INSTANCE__DOMAIN", format!("localhost:{port}"))
        .env("HALQA__DATABASE__URL", db_url)
        .env("HALQA__FEDERATION__DEBUG", "true")
        // The harness's timing (`test_config`): a delivery that fails under load is retried
        // within seconds.
        .env("HALQA__FEDERATION__DELIVERY_FIRST_RETRY_SECS", "1")
        .env("HALQA__FEDERATION__DELIVERY_HOST_COOLDOWN_SECS", "2")
        .env("HALQA__ADMIN__PASSWORD", "crash test admin")
        .env("HALQA__LOG__FILTER", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn halqa serve")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_delivery_delivers_everything_after_restart() {
    const FOLLOWERS: usize = 5;
    let inboxes = Inboxes::default();
    inboxes.hold.store(true, Ordering::SeqCst);
    let mut ports = Vec::new();
    for _ in 0..FOLLOWERS {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = Router::new()
            .route("/inbox", post(inbox))
            .with_state((inboxes.clone(), port));
        tokio::spawn(async move { axum::serve(listener, app).await });
        ports.push(port);
    }

    // Prepare the node's database in-process: an author, five remote followers, one post.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let database = TestDb::new().await;
    let workdir = std::env::temp_dir().join(format!("halqa-crash-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let activity_id;
    {
        let federation = app::build(test_config(port, &database.url)).await.unwrap();
        let data = federation.to_request_data();
        let (_, author) = accounts::create_user(
            &data.db,
            &data.ids,
            &data.urls,
            &data.config.instance.domain,
            accounts::NewUser {
                username: "amina".into(),
                email: "amina@crmef.example".into(),
                password: "long enough password".into(),
                role: "user".into(),
            },
        )
        .await
        .unwrap();
        let (_, public_pem) = halqa::federation::signatures::generate_rsa_keypair().unwrap();
        for (i, p) in ports.iter().enumerate() {
            let base = format!("http://localhost:{p}");
            let follower = db::actors::upsert_remote(
                &data.db.write,
                &data.ids,
                db::actors::RemoteActor {
                    ap_id: format!("{base}/users/f{i}"),
                    kind: "Person".into(),
                    username: format!("f{i}"),
                    domain: format!("localhost:{p}"),
                    display_name: String::new(),
                    summary: String::new(),
                    url: None,
                    inbox: format!("{base}/inbox"),
                    shared_inbox: None,
                    outbox: None,
                    followers_url: None,
                    following_url: None,
                    public_key_id: format!("{base}/users/f{i}#main-key"),
                    public_key_pem: public_pem.clone(),
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
                format!("{base}/follows/{i}"),
                follower.id,
                author.id,
                true,
            );
            db::follows::insert(&data.db.write, row, follower.id, author.id)
                .await
                .unwrap();
        }
        let post = posts::create_post(
            &data,
            &author,
            posts::NewPost {
                text: "Résister au crash".into(),
                visibility: "public".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(post.local);
        let rows = delivery::Entity::find().all(&data.db.read).await.unwrap();
        assert_eq!(rows.len(), FOLLOWERS);
        activity_id = rows[0].activity_id;
    }

    // First run: every delivery is sent and held in flight; then the node is killed.
    let mut child = spawn_node(port, &database.url, &workdir);
    let seen = inboxes.clone();
    eventually("all deliveries to be in flight", || {
        let seen = seen.clone();
        async move {
            seen.received
                .lock()
                .map(|r| r.len() == FOLLOWERS)
                .unwrap_or(false)
        }
    })
    .await;
    child.kill().await.expect("SIGKILL the node");
    inboxes.hold.store(false, Ordering::SeqCst);

    // Nothing was recorded as delivered: the inboxes never answered.
    let observer = db::Db::connect(&database.url, 1).await.unwrap();
    let pending = delivery::Entity::find()
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .all(&observer.read)
        .await
        .unwrap();
    assert_eq!(pending.len(), FOLLOWERS);

    // Second run: the node resumes and every inbox gets the activity.
    let mut child = spawn_node(port, &database.url, &workdir);
    let read = observer.read.clone();
    eventually("every delivery to be done after the restart", || {
        let read = read.clone();
        async move {
            delivery::Entity::find()
                .filter(delivery::Column::ActivityId.eq(activity_id))
                .all(&read)
                .await
                .map(|rows| rows.iter().all(|d| d.state == delivery::state::DONE))
                .unwrap_or(false)
        }
    })
    .await;
    child.kill().await.ok();
    let received = inboxes.received.lock().unwrap().clone();
    for port in &ports {
        let ids = &received[port];
        assert!(ids.len() >= 2, "port {port} got {ids:?}");
        assert!(
            ids.iter()
                .all(|id| id == &ids[0] && id.contains("/activities/")),
            "{ids:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&workdir);
}
