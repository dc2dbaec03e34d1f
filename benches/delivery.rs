//! Fan-out through the real delivery path: a Halqa node (SQLite, its own delivery workers) posts
//! to followers that each sit on their own loopback mock server (`POST /inbox` → 202), and we
//! time how long it takes until every mock server has the post.
//!
//! Scenarios:
//! 1. one post to 500 servers × 1 follower (a: cold, new connections; b: warm, pooled);
//! 2. five posts in a row to the same 500 servers (2,500 deliveries);
//! 3. one post to 500 followers of which 50 are unreachable — a: dead ports (connection
//!    refused), b: servers that accept and never answer — time until the 450 live ones have it;
//! 4. the per-delivery steps of `send_signed` measured one at a time (2 DB reads, RSA signing);
//! 5. scenario 1 and 3b again with every live server answering after 100 ms, and (c) 450 such
//!    servers plus 16 silent servers with 4 followers each (64 deliveries that never get an
//!    answer: as many as there are delivery slots).
//!
//! Every request counted is checked to arrive exactly once per server; a few are checked for a
//! valid HTTP signature. Everything listens on 127.0.0.1 only; the mock servers stop at the end
//! and a watchdog ends the process after 10 minutes. The SQLite file
//! `/tmp/halqa-bench-<pid>.db` is removed on exit. Run with `cargo bench --bench delivery`.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, AtomicUsize, Ordering},
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
/// Scenario 5c: silent servers, and followers (own inboxes) on each.
const STARVE_HOSTS: usize = 16;
const STARVE_FOLLOWERS: usize = 4;
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
    delay_ms: Arc<AtomicU64>,
}

async fn inbox(State(s): State<MockState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if s.sample_slots.fetch_add(1, Ordering::Relaxed) < SAMPLES
        && let Ok(mut v) = s.samples.lock()
    {
        v.push(Captured { headers, body });
    }
    s.hits.fetch_add(1, Ordering::Relaxed);
    s.total.fetch_add(1, Ordering::Release);
    // Simulated network + processing latency (scenario 5), after the request counted as received.
    let delay = s.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    StatusCode::ACCEPTED
}

struct Mocks {
    ports: Vec<u16>,
    hits: Vec<Arc<AtomicUsize>>,
    total: Arc<AtomicUsize>,
    sample_slots: Arc<AtomicUsize>,
    samples: Arc<Mutex<Vec<Captured>>>,
    /// Servers that accept connections and never answer.
    hung_ports: Vec<u16>,
    hung_conns: Arc<AtomicUsize>,
    /// Delay before every answering server responds.
    delay_ms: Arc<AtomicU64>,
    stop: watch::Sender<bool>,
}

impl Mocks {
    /// Binds `n` answering and `hung` silent listeners on 127.0.0.1:0 and serves them on the
    /// current runtime until `stop`.
    async fn start(n: usize, hung: usize) -> anyhow::Result<Self> {
        let total = Arc::new(AtomicUsize::new(0));
        let sample_slots = Arc::new(AtomicUsize::new(0));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let delay_ms = Arc::new(AtomicU64::new(0));
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
                delay_ms: delay_ms.clone(),
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
        let hung_conns = Arc::new(AtomicUsize::new(0));
        let mut hung_ports = Vec::with_capacity(hung);
        for _ in 0..hung {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            hung_ports.push(listener.local_addr()?.port());
            let conns = hung_conns.clone();
            let mut stop_rx = stop.subscribe();
            let stop_conn = stop.subscribe();
            tokio::spawn(async move {
                loop {
                    let accepted = tokio::select! {
                        _ = stop_rx.wait_for(|s| *s) => break,
                        r = listener.accept() => r,
                    };
                    let Ok((mut sock, _)) = accepted else {
                        continue;
                    };
                    conns.fetch_add(1, Ordering::Relaxed);
                    let mut stop_rx = stop_conn.clone();
                    // Read and discard, never answer; give up after 60 s or at stop.
                    tokio::spawn(async move {
                        use tokio::io::AsyncReadExt;
                        let mut buf = [0u8; 4096];
                        let hold = tokio::time::sleep(Duration::from_secs(60));
                        tokio::pin!(hold);
                        loop {
                            tokio::select! {
                                _ = &mut hold => break,
                                _ = stop_rx.wait_for(|s| *s) => break,
                                r = sock.read(&mut buf) => match r {
                                    Ok(0) | Err(_) => break,
                                    Ok(_) => {}
                                },
                            }
                        }
                    });
                }
            });
        }
        Ok(Mocks {
            ports,
            hits,
            total,
            sample_slots,
            samples,
            hung_ports,
            hung_conns,
            delay_ms,
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
async fn wait_received(total: Arc<AtomicUsize>, base: usize, want: usize, start: Instant) -> Marks {
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
    rows: usize,
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
            self.rows
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
        let mock = self.groups.get("mock-inbox").copied().unwrap_or(0.0);
        println!(
            "   process CPU {:.2} s = {:.0} µs per delivery (10 ms tick; includes the mock servers); \
             without the mock-inbox threads {:.0} µs",
            self.cpu,
            per,
            (self.cpu - mock) / self.deliveries as f64 * 1e6
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
    rows: usize,
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
    let poller = tokio::spawn(wait_received(mocks.total.clone(), base, expected, start));
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
    let marks = poller.await?;
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
            rows,
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

/// Creates a remote follower on `port` following `author`, with the inbox `/inbox`.
async fn add_follower(
    state: &AppState,
    author: &actor::Model,
    port: u16,
    name: &str,
    public_pem: &str,
) -> anyhow::Result<actor::Model> {
    add_follower_at(state, author, port, name, public_pem, "/inbox").await
}

/// Creates a remote follower on `port` following `author`, with its inbox at `inbox_path`.
async fn add_follower_at(
    state: &AppState,
    author: &actor::Model,
    port: u16,
    name: &str,
    public_pem: &str,
    inbox_path: &str,
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
            inbox: format!("{base}{inbox_path}"),
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
            also_known_as: Vec::new(),
            moved_to: None,
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
    let mocks = mock_rt.block_on(Mocks::start(SERVERS, 2 * DEAD + STARVE_HOSTS))?;
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
         delivery_timeout_secs {}, database.max_connections {} (SQLite, 1 writer), node runtime 2 \
         workers, mock runtime 2 workers",
        f.delivery_concurrency,
        f.delivery_concurrency_per_host,
        f.request_timeout_secs,
        f.delivery_timeout_secs,
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
    // Scenario 3's authors: the first 450 servers' followers, plus 50 followers on dead ports
    // (3a) or on servers that accept and never answer (3b).
    let live = SERVERS - DEAD;
    let author_dead = local_author(state, "bench_dead").await?;
    let author_hung = local_author(state, "bench_hung").await?;
    let author_slow = local_author(state, "bench_slow").await?;
    let author_starve = local_author(state, "bench_starve").await?;
    for (i, port) in mocks.ports.iter().enumerate().take(live) {
        add_follower(state, &author_dead, *port, &format!("f{i}"), &public_pem).await?;
        add_follower(state, &author_hung, *port, &format!("f{i}"), &public_pem).await?;
        add_follower(state, &author_slow, *port, &format!("f{i}"), &public_pem).await?;
        add_follower(state, &author_starve, *port, &format!("f{i}"), &public_pem).await?;
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
        add_follower(state, &author_dead, *port, &format!("dead{i}"), &public_pem).await?;
    }
    for (i, port) in mocks.hung_ports.iter().enumerate() {
        // The first 50 for scenario 3b, the next 50 for 5b (3b's hosts are cooling down by then),
        // the last 16 for 5c, with 4 followers (own inboxes) each.
        if i < 2 * DEAD {
            let who = if i < DEAD { &author_hung } else { &author_slow };
            add_follower(state, who, *port, &format!("hung{i}"), &public_pem).await?;
        } else {
            for f in 0..STARVE_FOLLOWERS {
                let name = format!("hung{i}_{f}");
                let path = format!("/users/{name}/inbox");
                add_follower_at(state, &author_starve, *port, &name, &public_pem, &path).await?;
            }
        }
    }
    let inboxes = db::actors::follower_inboxes(&state.db.read, author.id).await?;
    if inboxes.len() != SERVERS {
        bail!(
            "expected {SERVERS} follower inboxes, found {}",
            inboxes.len()
        );
    }
    println!(
        "setup: 5 local authors, {} remote followers, {} follows in {:.1} s",
        SERVERS + 3 * DEAD + STARVE_HOSTS * STARVE_FOLLOWERS,
        4 * SERVERS + live + STARVE_HOSTS * STARVE_FOLLOWERS,
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
        SERVERS * POSTS_IN_A_ROW,
    )
    .await?;
    r.print();
    check_each(&delta, |_| POSTS_IN_A_ROW)?;

    breakdown(state, &author).await?;

    // 3a. 50 dead hosts among 500.
    let (r, delta) = run_scenario(
        "3a. one post → 450 live servers + 50 dead ports (connection refused)",
        node,
        mocks,
        &author_dead,
        1,
        SERVERS,
        live,
    )
    .await?;
    r.print();
    check_each(&delta, |i| usize::from(i < live))?;
    let failed = wait_failures(state, DEAD).await?;
    println!(
        "   dead hosts: {failed} of {DEAD} deliveries recorded as failed (connection refused), \
         pending a retry in about 30 s"
    );

    // 3b. 50 hung hosts among 500: each holds a delivery slot for SLOW_AFTER (1 s), then waits
    // in the overflow pool until delivery_timeout_secs.
    let posted = Instant::now();
    let (r, delta) = run_scenario(
        "3b. one post → 450 live servers + 50 servers that accept and never answer",
        node,
        mocks,
        &author_hung,
        1,
        SERVERS,
        live,
    )
    .await?;
    r.print();
    check_each(&delta, |i| usize::from(i < live))?;
    let failed = wait_failures(state, 2 * DEAD).await?.saturating_sub(DEAD);
    println!(
        "   hung hosts: {} connections accepted; {failed} of {DEAD} deliveries recorded as failed \
         {} after the post (delivery timeout {} s)",
        mocks.hung_conns.load(Ordering::Relaxed),
        ms(Some(posted.elapsed())),
        state.config.federation.delivery_timeout_secs
    );

    // 5. The same with 100 ms of latency per live server: do hung hosts eat the shared slots?
    mocks.delay_ms.store(100, Ordering::Relaxed);
    let (r, delta) = run_scenario(
        "5a. one post → 500 servers that answer after 100 ms",
        node,
        mocks,
        &author,
        1,
        SERVERS,
        SERVERS,
    )
    .await?;
    r.print();
    check_each(&delta, |_| 1)?;
    let posted = Instant::now();
    let (r, delta) = run_scenario(
        "5b. one post → 450 servers that answer after 100 ms + 50 that never answer",
        node,
        mocks,
        &author_slow,
        1,
        SERVERS,
        live,
    )
    .await?;
    r.print();
    check_each(&delta, |i| usize::from(i < live))?;
    let failed = wait_failures(state, 3 * DEAD)
        .await?
        .saturating_sub(2 * DEAD);
    println!(
        "   hung hosts: {failed} of {DEAD} deliveries recorded as failed {} after the post",
        ms(Some(posted.elapsed()))
    );

    // 5c. As many never-answering deliveries as there are slots (16 silent hosts × 4 followers
    // with their own inboxes), among 450 servers that answer after 100 ms.
    let conns_before = mocks.hung_conns.load(Ordering::Relaxed);
    let posted = Instant::now();
    let (r, delta) = run_scenario(
        "5c. one post → 450 servers that answer after 100 ms + 16 silent servers × 4 followers",
        node,
        mocks,
        &author_starve,
        1,
        live + STARVE_HOSTS * STARVE_FOLLOWERS,
        live,
    )
    .await?;
    r.print();
    check_each(&delta, |i| usize::from(i < live))?;
    println!(
        "   silent hosts: {} connections opened to them in the first {} (one delivery at a time \
         per host until it answers)",
        mocks.hung_conns.load(Ordering::Relaxed) - conns_before,
        ms(Some(posted.elapsed()))
    );
    mocks.delay_ms.store(0, Ordering::Relaxed);
    println!(
        "   queue at the end: {:?}",
        db::deliveries::count_by_state(&state.db.read).await?
    );
    Ok(())
}

/// Waits (at most delivery timeout + 10 s) until `n` pending deliveries have failed at least once.
async fn wait_failures(state: &AppState, n: usize) -> anyhow::Result<usize> {
    let limit = Duration::from_secs(state.config.federation.delivery_timeout_secs + 10);
    let start = Instant::now();
    loop {
        let failed = dead_failures(state).await?;
        if failed >= n || start.elapsed() > limit {
            return Ok(failed);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The per-delivery pieces of `send_signed`, measured one at a time on an idle node: the two
/// database reads (activity row, actor row) and the RSA signature.
async fn breakdown(state: &AppState, author: &actor::Model) -> anyhow::Result<()> {
    use halqa::db::entity::outgoing_activity;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    const N: usize = 500;
    let activity = outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::ActorId.eq(author.id))
        .order_by_desc(outgoing_activity::Column::Id)
        .one(&state.db.read)
        .await?
        .context("no activity stored")?;
    println!("== 4. send_signed's per-delivery steps, one at a time ({N} each, idle node)");
    let cpu0 = cpu_mark();
    let start = Instant::now();
    for _ in 0..N {
        let a = db::deliveries::activities(&state.db.read, &[activity.id]).await?;
        let actor = db::actors::get_by_id(&state.db.read, author.id).await?;
        std::hint::black_box((a, actor));
    }
    let wall = start.elapsed().as_secs_f64();
    let (cpu, _) = cpu_since(&cpu0);
    println!(
        "   2 DB reads (activity + actor): {:.0} µs wall, {:.0} µs process CPU per delivery",
        wall / N as f64 * 1e6,
        cpu / N as f64 * 1e6
    );
    let pem = author
        .private_key_pem
        .as_deref()
        .context("author has no private key")?;
    let key = state.private_keys.get_or_parse(author.id, pem)?;
    let url = url::Url::parse("http://localhost:9/inbox")?;
    let body = activity.body.as_bytes();
    let cpu0 = cpu_mark();
    let start = Instant::now();
    for _ in 0..N {
        let signed = halqa::federation::signatures::sign_request(
            &key,
            &author.public_key_id,
            &http::Method::POST,
            &url,
            Some(body),
            Some("application/activity+json"),
            Utc::now(),
        )?;
        std::hint::black_box(signed);
    }
    let wall = start.elapsed().as_secs_f64();
    let (cpu, _) = cpu_since(&cpu0);
    println!(
        "   sign_request (cached key, {} byte body): {:.0} µs wall, {:.0} µs process CPU per delivery",
        body.len(),
        wall / N as f64 * 1e6,
        cpu / N as f64 * 1e6
    );
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
