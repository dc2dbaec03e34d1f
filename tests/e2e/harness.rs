//! The test harness: boots nodes in this process on loopback ports (`localhost:PORT` domains,
//! debug federation), each with its own database — a temporary SQLite file by default, a fresh
//! PostgreSQL database when `HALQA_TEST_DATABASE_URL` is set — the production router and the
//! real delivery workers. `eventually` polls with a deadline instead of sleeping.
#![allow(dead_code)]

use activitypub_federation::config::Data;
use halqa::{
    AppState, Config,
    app::{self, RunningNode},
    db::entity::actor,
    service::accounts,
};
use sea_orm::{ConnectionTrait, Database};
use std::{
    future::Future,
    sync::atomic::{AtomicU32, Ordering},
    time::{Duration, Instant},
};
use tokio::net::TcpListener;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database owned by one test node, removed when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A new empty database.
    pub async fn new() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let unique = format!(
            "{}_{}_{}",
            std::process::id(),
            n,
            chrono::Utc::now().timestamp_micros()
        );
        match std::env::var("HALQA_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("halqa_test_{unique}");
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to HALQA_TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                let mut url =
                    url::Url::parse(&admin_url).expect("HALQA_TEST_DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                TestDb {
                    url: url.to_string(),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("halqa-test-{unique}.db"));
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::Sqlite(path),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside async context: use a short-lived runtime on its own thread.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// One node under test.
pub struct TestNode {
    pub node: Option<RunningNode>,
    pub db: TestDb,
    pub port: u16,
    pub domain: String,
    pub base: String,
    /// The node's media folder (uploads, cached remote media), removed with the node.
    pub media_dir: std::path::PathBuf,
    /// The configuration it runs with (a restart keeps it).
    pub config: Config,
}

impl Drop for TestNode {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.media_dir);
    }
}

/// The configuration of a test node on `port`.
pub fn test_config(port: u16, db_url: &str) -> Config {
    let mut config = Config::defaults().expect("defaults load");
    config.server.bind = format!("127.0.0.1:{port}");
    config.instance.domain = format!("localhost:{port}");
    config.database.url = db_url.to_string();
    config.database.max_connections = 2;
    config.federation.debug = true;
    config.federation.request_timeout_secs = 5;
    // A delivery that failed once under load (a timeout on a busy CI machine) is tried again
    // within seconds, well inside [`DEADLINE`]: a 1 s first retry, a 2 s host cool-down. Tests
    // that prove a delivery waits use [`production_delivery_timing`].
    config.federation.delivery_first_retry_secs = 1;
    config.federation.delivery_host_cooldown_secs = 2;
    // Each node's media (uploads and cached remote media) in its own temporary directory.
    config.media.dir = std::env::temp_dir()
        .join(format!("halqa-test-media-{}-{port}", std::process::id()))
        .display()
        .to_string();
    // Tests hammer endpoints from one address: limits stay on (headers sent) but out of reach.
    let limits = &mut config.rate_limits;
    for limit in [
        &mut limits.api_per_token,
        &mut limits.api_per_ip,
        &mut limits.oauth_token_per_ip,
        &mut limits.login_per_ip,
        &mut limits.failed_logins_per_username,
        &mut limits.sign_ups_per_ip,
        &mut limits.statuses_per_account,
    ] {
        limit.limit = 1_000_000;
    }
    config
}

/// The production retry and cool-down timing (`config/default.toml`: 30 s, 60 s), for a test
/// that proves a failed delivery *waits* (a cool-down read back after a restart, a revived host
/// served before its retry is due): with the harness's second-long timing the retry would come
/// anyway and the test would prove nothing.
pub fn production_delivery_timing(config: &mut Config) {
    let defaults = Config::defaults().expect("defaults load").federation;
    config.federation.delivery_first_retry_secs = defaults.delivery_first_retry_secs;
    config.federation.delivery_host_cooldown_secs = defaults.delivery_host_cooldown_secs;
}

impl TestNode {
    /// A node with a fresh database on a free port.
    pub async fn spawn() -> TestNode {
        Self::spawn_with(|_| {}).await
    }

    /// A node with a fresh database and a tweaked configuration.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestNode {
        init_test_logging();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let db = TestDb::new().await;
        let mut config = test_config(port, &db.url);
        tweak(&mut config);
        let media_dir = std::path::PathBuf::from(&config.media.dir);
        let node = start(config.clone(), listener).await;
        TestNode {
            node: Some(node),
            db,
            port,
            media_dir,
            config,
            domain: format!("localhost:{port}"),
            base: format!("http://localhost:{port}"),
        }
    }

    /// The node's state, as handlers and services see it.
    pub fn data(&self) -> Data<AppState> {
        self.node
            .as_ref()
            .expect("node is running")
            .federation
            .to_request_data()
    }

    /// Stops the node (its database and port stay reserved for [`TestNode::restart`]).
    pub async fn stop(&mut self) {
        if let Some(node) = self.node.take() {
            node.shutdown().await;
        }
    }

    /// Starts the node again on the same port and database, with the same configuration.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("rebind the same port");
        self.node = Some(start(self.config.clone(), listener).await);
    }

    /// Creates a local user through the service layer.
    pub async fn create_user(&self, username: &str) -> actor::Model {
        let data = self.data();
        let (_, actor) = accounts::create_user(
            &data.db,
            &data.ids,
            &data.urls,
            &data.config.instance.domain,
            accounts::NewUser {
                username: username.into(),
                email: format!("{username}@{}", self.port),
                password: "correct horse battery".into(),
                role: "user".into(),
            },
        )
        .await
        .expect("create user");
        actor
    }

    /// Resolves `user@host` from this node (WebFinger + fetch for remote accounts).
    pub async fn resolve(&self, handle: &str) -> actor::Model {
        accounts::resolve_handle(&self.data(), handle)
            .await
            .expect("resolve handle")
    }

    /// The `user@domain` handle of a local user of this node.
    pub fn handle(&self, username: &str) -> String {
        format!("{username}@{}", self.domain)
    }
}

async fn start(config: Config, listener: TcpListener) -> RunningNode {
    let federation = app::build(config).await.expect("build node");
    app::start(federation, listener).await.expect("start node")
}

/// Logs of every node to the test's output when `HALQA_TEST_LOG` is set (an `EnvFilter`,
/// e.g. `halqa=debug`): how a failing federation test is diagnosed.
fn init_test_logging() {
    if let Ok(filter) = std::env::var("HALQA_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// `N` nodes.
pub async fn cluster<const N: usize>() -> [TestNode; N] {
    let mut nodes = Vec::with_capacity(N);
    for _ in 0..N {
        nodes.push(TestNode::spawn().await);
    }
    match nodes.try_into() {
        Ok(nodes) => nodes,
        Err(_) => unreachable!("exactly N nodes were spawned"),
    }
}

impl TestNode {
    /// This node's deliveries that did not go through at the first attempt (state, attempts,
    /// last error), one per line: what a test prints when something never arrived.
    pub async fn troubled_deliveries(&self) -> String {
        use halqa::db::entity::delivery;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let rows = delivery::Entity::find()
            .filter(delivery::Column::Attempts.gt(0))
            .all(&self.data().db.read)
            .await
            .unwrap_or_default();
        let lines: Vec<String> = rows
            .iter()
            .filter(|d| d.state != delivery::state::DONE || d.last_error.is_some())
            .map(|d| {
                format!(
                    "{} → {}: {} after {} attempts, next {}, error {:?}",
                    self.domain, d.inbox, d.state, d.attempts, d.next_attempt_at, d.last_error
                )
            })
            .collect();
        if lines.is_empty() {
            format!("{}: every delivery went through at once", self.domain)
        } else {
            lines.join("\n")
        }
    }
}

/// How long a test waits for something to happen across nodes before failing: generous, since
/// CI runs two test threads of several nodes each on two cores (a pass never waits this long).
/// A delivery that failed once on a loaded machine does not use it up: test nodes retry after
/// about a second and cool a host down for two ([`test_config`]), so even a delivery that
/// timed out (10 s) is tried again well before it ends.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Polls `check` until it returns true, failing the test after [`DEADLINE`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + DEADLINE;
    loop {
        if check().await {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
