//! Fan-out through the real delivery path: a Halqa node (SQLite, its own delivery workers) posts
//! to 500 followers, each on its own loopback mock server (`POST /inbox` → 202), and we time how
//! long it takes until every mock server has the post.
//!
//! Scenarios:
//! 1. one post to 500 servers × 1 follower (cold: new connections; then again warm);
//! 2. five posts in a row to the same 500 servers (2,500 deliveries);
//! 3. one post to 500 followers of which 50 sit on dead ports (connection refused): time until
//!    the 450 live servers have it.
//!
//! Everything listens on 127.0.0.1 only; a watchdog ends the process after 10 minutes.
//! Run with `cargo bench --bench delivery`.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, anyhow, bail};
use axum::body::Bytes;
use axum::{Router, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use chrono::Utc;
use halqa::{
    AppState,
    db::{self, actors::RemoteActor, entity::actor},
    federation::signatures::{
        RequestVerification, SignatureHeader, generate_rsa_keypair, parse_public_key_pem,
        verify_request,
    },
    service::{accounts::NewUser, posts::NewPost},
};
use tokio::sync::watch;

const SERVERS: usize = 500;
const DEAD: usize = 50;
const POSTS_IN_A_ROW: usize = 5;
/// Deadline for one scenario's deliveries to arrive.
const DEADLINE: Duration = Duration::from_secs(60);
/// The whole run ends (exit code 2) after this long, whatever happens.
const WATCHDOG: Duration = Duration::from_secs(600);
/// Requests kept per scenario for signature checks.
const SAMPLES: usize = 5;

// ---------------------------------------------------------------------------
// Mock inbox servers
// ---------------------------------------------------------------------------

struct Captured {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct MockState {
    hits: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    sample_slots: Arc<AtomicUsize>,
    samples: Arc<Mutex<Vec<Captured>>>,
}

async fn inbox(State(s): State<MockState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if s.sample_slots.fetch_add(1, Ordering::Relaxed) < SAMPLES
        && let Ok(mut v) = s.samples.lock()
    {
        v.push(Captured { headers, body });
    }
    s.hits.fetch_add(1, Ordering::Relaxed);
    s.total.fetch_add(1, Ordering::Release);
    StatusCode::ACCEPTED
}

struct Mocks {
    ports: Vec<u16>,
    hits: Vec<Arc<AtomicUsize>>,
    total: Arc<AtomicUsize>,
    sample_slots: Arc<AtomicUsize>,
    samples: Arc<Mutex<Vec<Captured>>>,
    stop: watch::Sender<bool>,
}

impl Mocks {
    /// Binds `n` listeners on 127.0.0.1:0 and serves them on the current runtime.
    async fn start(n: usize) -> anyhow::Result<Self> {
        let total = Arc::new(AtomicUsize::new(0));
        let sample_slots = Arc::new(AtomicUsize::new(0));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let (stop, _) = watch::channel(false);
        let mut ports = Vec::with_capacity(n);
        let mut hits = Vec::with_capacity(n);
        for _ in 0..n {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            ports.push(listener.local_addr()?.port());
            let state = MockState {
                hits: Arc::new(AtomicUsize::new(0)),
                total: total.clone(),
                sample_slots: sample_slots.clone(),
                samples: samples.clone(),
            };
            hits.push(state.hits.clone());
            let app = Router::new().route("/inbox", post(inbox)).with_state(state);
            let mut stop_rx = stop.subscribe();
            tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop_rx.wait_for(|s| *s).await;
                    })
                    .await;
            });
        }
        Ok(Mocks {
            ports,
            hits,
            total,
            sample_slots,
            samples,
            stop,
        })
    }

    fn snapshot(&self) -> Vec<usize> {
        self.hits
            .iter()
            .map(|h| h.load(Ordering::Acquire))
            .collect()
    }

    fn reset_samples(&self) {
        if let Ok(mut v) = self.samples.lock() {
            v.clear();
        }
        self.sample_slots.store(0, Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------------------
// CPU accounting from /proc
// ---------------------------------------------------------------------------

/// Process CPU (utime + stime from /proc/self/stat), in seconds.
fn process_cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return f64::NAN;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // `rest` starts at field 3 (state), so field n is at index n - 3. CLK_TCK is 100 on Linux.
    (ticks(14 - 3) + ticks(15 - 3)) / 100.0
}

/// CPU time per live thread (ns, from /proc/self/task/*/schedstat), keyed by thread id.
fn thread_cpu() -> BTreeMap<String, (String, u64)> {
    let mut out = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for entry in dir.flatten() {
        let path = entry.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let ns = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
            .unwrap_or(0);
        let group = comm
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
            .to_string();
        out.insert(
            entry.file_name().to_string_lossy().into_owned(),
            (group, ns),
        );
    }
    out
}

struct CpuMark {
    process: f64,
    threads: BTreeMap<String, (String, u64)>,
}

fn cpu_mark() -> CpuMark {
    CpuMark {
        process: process_cpu(),
        threads: thread_cpu(),
    }
}

/// Process CPU seconds since `before`, and per thread group (seconds).
fn cpu_since(before: &CpuMark) -> (f64, BTreeMap<String, f64>) {
    let after = cpu_mark();
    let mut groups: BTreeMap<String, f64> = BTreeMap::new();
    for (tid, (group, ns)) in &after.threads {
        let start = before.threads.get(tid).map_or(0, |(_, n)| *n);
        *groups.entry(group.clone()).or_default() += ns.saturating_sub(start) as f64 / 1e9;
    }
    (after.process - before.process, groups)
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

#[derive(Default, Debug)]
struct Marks {
    first: Option<Duration>,
    half: Option<Duration>,
    all: Option<Duration>,
}

/// Polls `total` until `want` more requests than `base` arrived (or the deadline passes).
async fn wait_received(total: &AtomicUsize, base: usize, want: usize, start: Instant) -> Marks {
    let mut m = Marks::default();
    loop {
        let n = total.load(Ordering::Acquire).saturating_sub(base);
        let t = start.elapsed();
        if n >= 1 && m.first.is_none() {
            m.first = Some(t);
        }
        if n >= want.div_ceil(2) && m.half.is_none() {
            m.half = Some(t);
        }
        if n >= want {
            m.all = Some(t);
            return m;
        }
        if t > DEADLINE {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Waits until the queue holds at least `done` rows in state done (and returns when that was).
async fn wait_recorded(
    state: &AppState,
    done: i64,
    start: Instant,
) -> anyhow::Result<Option<Duration>> {
    loop {
        let counts = db::deliveries::count_by_state(&state.db.read).await?;
        if counts.get("done").copied().unwrap_or(0) >= done {
            return Ok(Some(start.elapsed()));
        }
        if start.elapsed() > DEADLINE {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn ms(d: Option<Duration>) -> String {
    d.map_or("DEADLINE MISSED".into(), |d| {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    })
}

/// Checks the signatures of the sampled requests against the author's public key.
fn verify_samples(mocks: &Mocks, author: &actor::Model) -> anyhow::Result<usize> {
    let key = parse_public_key_pem(&author.public_key_pem)?;
    let samples = mocks
        .samples
        .lock()
        .map_err(|_| anyhow!("samples lock poisoned"))?;
    for c in samples.iter() {
        let sig = SignatureHeader::from_headers(&c.headers)?;
        if sig.key_id != author.public_key_id {
            bail!(
                "signed by {} instead of {}",
                sig.key_id,
                author.public_key_id
            );
        }
        let req = RequestVerification {
            method: &http::Method::POST,
            path_and_query: "/inbox",
            headers: &c.headers,
            body: Some(&c.body),
        };
        verify_request(&req, &sig, &key, Utc::now())?;
        let v: serde_json::Value = serde_json::from_slice(&c.body)?;
        if v["type"] != "Create" || v["actor"] != author.ap_id.as_str() {
            bail!("unexpected activity: {v}");
        }
    }
    Ok(samples.len())
}

struct Report {
    name: String,
    deliveries: usize,
    enqueue: Duration,
    marks: Marks,
    recorded: Option<Duration>,
    cpu: f64,
    groups: BTreeMap<String, f64>,
    verified: usize,
}

impl Report {
    fn print(&self) {
        let all = self.marks.all;
        println!("== {}", self.name);
        println!(
            "   create_post returned after {} (post + {} delivery rows committed)",
            ms(Some(self.enqueue)),
            self.deliveries
        );
        println!(
            "   received: first {}, half {}, all {} {}",
            ms(self.marks.first),
            ms(self.marks.half),
            ms(all),
            all.map_or(String::new(), |t| format!(
                "→ {:.0} deliveries/s",
                self.deliveries as f64 / t.as_secs_f64()
            ))
        );
        println!(
            "   all outcomes recorded in the DB after {}",
            ms(self.recorded)
        );
        let per = self.cpu / self.deliveries as f64 * 1e6;
        println!(
            "   process CPU {:.2} s = {:.0} µs per delivery (10 ms tick; includes the mock servers)",
            self.cpu, per
        );
        let parts: Vec<String> = self
            .groups
            .iter()
            .filter(|(_, s)| **s >= 0.005)
            .map(|(g, s)| format!("{g} {s:.2} s"))
            .collect();
        println!("   by thread: {}", parts.join(", "));
        println!(
            "   signatures verified on {} sampled requests",
            self.verified
        );
    }
}

/// Posts `posts` times as `author` and waits until `expected` requests reached the mocks.
async fn run_scenario(
    name: &str,
    node: &halqa::app::RunningNode,
    mocks: &Mocks,
    author: &actor::Model,
    posts: usize,
    expected: usize,
) -> anyhow::Result<(Report, Vec<usize>)> {
    let state = node.state();
    let data = node.federation.to_request_data();
    let done_before = db::deliveries::count_by_state(&state.db.read)
        .await?
        .get("done")
        .copied()
        .unwrap_or(0);
    mocks.reset_samples();
    let before_hits = mocks.snapshot();
    let base = mocks.total.load(Ordering::Acquire);
    let cpu0 = cpu_mark();
    let start = Instant::now();
    for i in 0..posts {
        halqa::service::posts::create_post(
            &data,
            author,
            NewPost {
                text: format!("Benchmark post {i} for {name}: hello, teachers! #halqa"),
                visibility: "public".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    let enqueue = start.elapsed();
    let marks = wait_received(&mocks.total, base, expected, start).await;
    let (cpu, groups) = cpu_since(&cpu0);
    let live_done = i64::try_from(expected)?;
    let recorded = wait_recorded(state, done_before + live_done, start).await?;
    // Give duplicates (if any) a moment to show up before counting per server.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = mocks.snapshot();
    let delta: Vec<usize> = after.iter().zip(&before_hits).map(|(a, b)| a - b).collect();
    let verified = verify_samples(mocks, author)?;
    Ok((
        Report {
            name: name.to_string(),
            deliveries: expected,
            enqueue,
            marks,
            recorded,
            cpu,
            groups,
            verified,
        },
        delta,
    ))
}

fn check_each(delta: &[usize], expect: impl Fn(usize) -> usize) -> anyhow::Result<()> {
    let wrong: Vec<(usize, usize)> = delta
        .iter()
        .enumerate()
        .filter(|(i, n)| **n != expect(*i))
        .map(|(i, n)| (i, *n))
        .collect();
    if wrong.is_empty() {
        println!("   exactly-once: every server got exactly its share");
        Ok(())
    } else {
        bail!(
            "{} servers got the wrong number of requests (server, count): {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(10)]
        )
    }
}

/// Creates a remote follower on `port` following `author`.
async fn add_follower(
    state: &AppState,
    author: &actor::Model,
    port: u16,
    name: &str,
    public_pem: &str,
) -> anyhow::Result<actor::Model> {
    let base = format!("http://localhost:{port}");
    let remote = db::actors::upsert_remote(
        &state.db.write,
        &state.ids,
        RemoteActor {
            ap_id: format!("{base}/users/{name}"),
            kind: "Person".into(),
            username: name.into(),
            domain: format!("localhost:{port}"),
            display_name: name.into(),
            summary: String::new(),
            url: None,
            inbox: format!("{base}/inbox"),
            shared_inbox: None,
            outbox: None,
            followers_url: None,
            following_url: None,
            public_key_id: format!("{base}/users/{name}#main-key"),
            public_key_pem: public_pem.into(),
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
        },
    )
    .await?;
    db::follows::insert(
        &state.db.write,
        db::follows::new_row(
            state.ids.next(),
            format!("{base}/follows/{name}-{}", author.username),
            remote.id,
            author.id,
            true,
        ),
        remote.id,
        author.id,
    )
    .await?;
    Ok(remote)
}

async fn local_author(state: &AppState, username: &str) -> anyhow::Result<actor::Model> {
    let (_, author) = halqa::service::accounts::create_user(
        &state.db,
        &state.ids,
        &state.urls,
        &state.config.instance.domain,
        NewUser {
            username: username.into(),
            email: format!("{username}@example.org"),
            password: "correct horse battery staple".into(),
            role: "user".into(),
        },
    )
    .await?;
    Ok(author)
}

fn machine() {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown", |(_, m)| m.trim());
    let mem_kib: u64 = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    let date = std::process::Command::new("date")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("date: {date}");
    println!(
        "nproc: {nproc}; cpu: {model}; memory: {:.1} GiB",
        mem_kib as f64 / 1048576.0
    );
    println!(
        "load average (/proc/loadavg): {}",
        read("/proc/loadavg").trim()
    );
    println!("openssl: {}", openssl::version::version());
}

/// Removes the database files on every exit path.
struct DbFiles(String);

impl Drop for DbFiles {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0));
        }
    }
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let db_path = format!("/tmp/halqa-bench-{}.db", std::process::id());
    let files = DbFiles(db_path.clone());
    {
        let db_path = db_path.clone();
        std::thread::spawn(move || {
            std::thread::sleep(WATCHDOG);
            eprintln!("delivery bench: watchdog fired after {WATCHDOG:?}, exiting");
            drop(DbFiles(db_path));
            std::process::exit(2);
        });
    }
    machine();

    // Mock servers on their own runtime, so their CPU shows up under their own thread name.
    let mock_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mock-inbox")
        .enable_all()
        .build()?;
    let node_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("halqa-node")
        .enable_all()
        .build()?;
    let mocks = mock_rt.block_on(Mocks::start(SERVERS))?;
    let result = node_rt.block_on(run(&mocks, &db_path));
    let _ = mocks.stop.send(true);
    mock_rt.shutdown_timeout(Duration::from_secs(5));
    node_rt.shutdown_timeout(Duration::from_secs(5));
    drop(files);
    result
}

async fn run(mocks: &Mocks, db_path: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let mut config = halqa::Config::defaults()?;
    config.instance.domain = format!("localhost:{port}");
    config.database.url = format!("sqlite://{db_path}");
    config.federation.debug = true;
    let f = &config.federation;
    println!(
        "config: delivery_concurrency {}, delivery_concurrency_per_host {}, request_timeout_secs {}, \
         database.max_connections {} (SQLite, 1 writer), node runtime 2 workers, mock runtime 2 workers",
        f.delivery_concurrency,
        f.delivery_concurrency_per_host,
        f.request_timeout_secs,
        config.database.max_connections
    );
    println!(
        "{SERVERS} mock inboxes on 127.0.0.1 (addressed as http://localhost:PORT/inbox, no sharedInbox)"
    );
    println!();

    let fed = halqa::app::build(config).await?;
    let node = halqa::app::start(fed, listener).await?;
    let outcome = scenarios(&node, mocks).await;
    tokio::time::timeout(Duration::from_secs(20), node.shutdown())
        .await
        .context("node did not shut down in 20 s")?;
    outcome
}

async fn scenarios(node: &halqa::app::RunningNode, mocks: &Mocks) -> anyhow::Result<()> {
    let state = node.state();
    let setup = Instant::now();
    let (_, public_pem) = generate_rsa_keypair()?;
    let author = local_author(state, "bench_author").await?;
    for (i, port) in mocks.ports.iter().enumerate() {
        add_follower(state, &author, *port, &format!("f{i}"), &public_pem).await?;
    }
    // Scenario 3's author: the first 450 servers' followers, plus 50 followers on dead ports.
    let author_c = local_author(state, "bench_dead").await?;
    for (i, port) in mocks.ports.iter().enumerate().take(SERVERS - DEAD) {
        add_follower(state, &author_c, *port, &format!("f{i}"), &public_pem).await?;
    }
    let mut dead_ports = Vec::with_capacity(DEAD);
    {
        // Hold all 50 at once so they differ, then close them.
        let mut held = Vec::with_capacity(DEAD);
        for _ in 0..DEAD {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            dead_ports.push(l.local_addr()?.port());
            held.push(l);
        }
    }
    for (i, port) in dead_ports.iter().enumerate() {
        add_follower(state, &author_c, *port, &format!("dead{i}"), &public_pem).await?;
    }
    let inboxes = db::actors::follower_inboxes(&state.db.read, author.id).await?;
    if inboxes.len() != SERVERS {
        bail!(
            "expected {SERVERS} follower inboxes, found {}",
            inboxes.len()
        );
    }
    println!(
        "setup: 2 local authors, {} remote followers, {} follows in {:.1} s",
        SERVERS + DEAD,
        2 * SERVERS,
        setup.elapsed().as_secs_f64()
    );
    println!();

    // 1a. One post, cold connections.
    let (r, delta) = run_scenario(
        "1a. one post → 500 servers × 1 follower (cold: new TCP connections)",
        node,
        mocks,
        &author,
        1,
        SERVERS,
    )
    .await?;
    r.print();
    check_each(&delta, |_| 1)?;
    // 1b. The same, with connections from the pool.
    let (r, delta) = run_scenario(
        "1b. one post → 500 servers × 1 follower (warm: pooled connections)",
        node,
        mocks,
        &author,
        1,
        SERVERS,
    )
    .await?;
    r.print();
    check_each(&delta, |_| 1)?;
    // 2. Five posts in a row.
    let (r, delta) = run_scenario(
        "2. five posts in a row → 500 servers (2,500 deliveries)",
        node,
        mocks,
        &author,
        POSTS_IN_A_ROW,
        SERVERS * POSTS_IN_A_ROW,
    )
    .await?;
    r.print();
    check_each(&delta, |_| POSTS_IN_A_ROW)?;
    // 3. 50 dead hosts among 500.
    let (r, delta) = run_scenario(
        "3. one post → 450 live servers + 50 dead ports (connection refused)",
        node,
        mocks,
        &author_c,
        1,
        SERVERS - DEAD,
    )
    .await?;
    r.print();
    check_each(&delta, |i| usize::from(i < SERVERS - DEAD))?;
    // The dead ones: retried later, not lost.
    let start = Instant::now();
    let mut counts;
    loop {
        counts = db::deliveries::count_by_state(&state.db.read).await?;
        let pending = counts.get("pending").copied().unwrap_or(0);
        let failures: usize = dead_failures(state).await?;
        if (pending as usize >= DEAD && failures >= DEAD)
            || start.elapsed() > Duration::from_secs(15)
        {
            println!(
                "   dead hosts: {failures} of {DEAD} deliveries failed fast and wait for a retry \
                 (queue: {counts:?})"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Pending deliveries that have already failed once (the dead hosts').
async fn dead_failures(state: &AppState) -> anyhow::Result<usize> {
    use halqa::db::entity::delivery;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let n = delivery::Entity::find()
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .filter(delivery::Column::Attempts.gte(1))
        .count(&state.db.read)
        .await?;
    Ok(usize::try_from(n)?)
}
