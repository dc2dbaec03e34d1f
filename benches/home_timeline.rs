//! The home timeline under load (perf.md scenario S2): a SQLite node seeded with 1,000 local
//! users, each following 300 of the others, 200,000 statuses spread over the authors, and a
//! materialised feed of the newest 800 items per user (what fan-out on write would have
//! written); then `GET /api/v1/timelines/home?limit=20` with random users' tokens over loopback
//! at 16 concurrent connections for 10 s (plus a variant paging 400 items back with `max_id`),
//! reporting requests per second and p50/p90/p99 latency.
//!
//! Seeding goes straight through sea-orm bulk inserts (no HTTP, no RSA keys: the users never
//! federate). The server and the load generator run in this process on separate runtimes (2
//! workers each) on the same cores, so the load generator's CPU is part of the cost. The SQLite
//! file `/tmp/halqa-home-bench-<pid>.db` is removed on exit. Run with
//! `cargo bench --bench home_timeline`; `HALQA_BENCH_SECS` changes the duration per point,
//! `HALQA_BENCH_READ_POOL` the read pool size, `HALQA_BENCH_ANALYZE=1` runs `ANALYZE` after
//! seeding, and `HALQA_BENCH_KEEP=1` keeps the database.
//!
//! When `wrk` is installed (Debian's package; `HALQA_BENCH_WRK=0` skips it), the same node is
//! then measured from a separate load-generator process as perf.md §5.1 recommends: `wrk` with
//! one thread and a Lua script that picks a random user's token per request, at 16 and 64
//! connections. There the process CPU per request is the node's alone.
//!
//! For instruction counts that do not depend on what else the machine is doing (this machine
//! has no hardware counters), `HALQA_BENCH_DB=<file>` seeds that file once and reuses it (with
//! its tokens in `<file>.tokens`) on later runs, and `HALQA_BENCH_REQUESTS=<n>` replaces the
//! timed points with `n` sequential first-page requests from a minimal HTTP/1.1 client; run
//! under `valgrind --tool=callgrind` with two values of `n`, the difference of the totals
//! divided by the difference of `n` is the instructions one request costs
//! (docs/benchmarks.md, "Instruction counts").
use anyhow::Context;
use chrono::{Duration as ChronoDuration, Utc};
use halqa::{
    db::entity::{actor, follow, home_feed, local_user, oauth_token, post},
    service::accounts::token_hash,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
};
use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

/// The node's allocator, as in `src/main.rs`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USERS: usize = 1_000;
const FOLLOWS_PER_USER: usize = 300;
const STATUSES: usize = 200_000;
/// Feed items kept per user (Mastodon keeps 400 in Redis, GoToSocial caches 800).
const FEED_ITEMS: usize = 800;
const CONCURRENCY: usize = 16;

/// A tiny deterministic PRNG (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The bench's SQLite file, removed on exit unless it is kept (`HALQA_BENCH_KEEP`) or reused
/// (`HALQA_BENCH_DB`).
struct DbFile {
    path: String,
    keep: bool,
}

impl Drop for DbFile {
    fn drop(&mut self) {
        if self.keep || std::env::var_os("HALQA_BENCH_KEEP").is_some() {
            println!("kept {}", self.path);
            return;
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path));
        }
    }
}

fn machine() {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!(
        "machine: {cpus} CPUs ({model}), {}",
        Utc::now().format("%Y-%m-%d")
    );
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    machine();
    let secs: u64 = std::env::var("HALQA_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let reused = std::env::var("HALQA_BENCH_DB").ok();
    let path = reused
        .clone()
        .unwrap_or_else(|| format!("/tmp/halqa-home-bench-{}.db", std::process::id()));
    let tokens_path = format!("{path}.tokens");
    let seeded = reused.is_some() && std::path::Path::new(&tokens_path).exists();
    let _file = DbFile {
        path: path.clone(),
        keep: reused.is_some(),
    };
    let fixed_requests: Option<usize> = std::env::var("HALQA_BENCH_REQUESTS")
        .ok()
        .and_then(|s| s.parse().ok());
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("halqa-node")
        .enable_all()
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("load")
        .enable_all()
        .build()?;
    let (node, tokens, base) = server_rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let mut config = halqa::Config::defaults()?;
        // The seeded accounts live on `localhost`; a fixed domain also lets a reused database
        // keep its instance actor (a new domain would generate its RSA key at every start,
        // a varying count of instructions in the totals the callgrind runs compare).
        config.instance.domain = "localhost".into();
        config.database.url = format!("sqlite://{path}");
        if let Some(pool) = std::env::var("HALQA_BENCH_READ_POOL")
            .ok()
            .and_then(|s| s.parse().ok())
        {
            config.database.max_connections = pool;
        }
        config.federation.debug = true;
        // One load generator on 127.0.0.1 would hit the per-IP limit within seconds.
        config.rate_limits.enabled = false;
        println!(
            "config: SQLite (1 writer, read pool of {}), server runtime 2 workers, load runtime 2 workers",
            config.database.max_connections
        );
        let fed = halqa::app::build(config).await?;
        let state = fed.to_request_data().app_data().clone();
        let tokens = if seeded {
            let text = std::fs::read_to_string(&tokens_path)?;
            println!("reusing the seeded {path}");
            text.lines().map(str::to_string).collect()
        } else {
            let started = Instant::now();
            let tokens = seed(&state.db.write, &state.ids).await?;
            println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
            if reused.is_some() {
                std::fs::write(&tokens_path, tokens.join("\n"))?;
            }
            tokens
        };
        let node = halqa::app::start(fed, listener).await?;
        anyhow::Ok((node, tokens, format!("http://127.0.0.1:{port}")))
    })?;
    let tokens = Arc::new(tokens);
    if let Some(count) = fixed_requests {
        let addr = base.trim_start_matches("http://").to_string();
        let bytes = client_rt.block_on(async {
            // Every token once first: see the warm-up below.
            sequential_requests(&addr, &tokens, Pick::Each, tokens.len()).await?;
            sequential_requests(&addr, &tokens, Pick::Random, count).await
        })?;
        println!("{count} sequential first-page requests, {bytes} response bytes");
        server_rt.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(10), node.shutdown()).await;
        });
        return Ok(());
    }
    client_rt.block_on(async {
        // One HTTP client per connection, built once: building one loads the TLS roots, which
        // would otherwise land in the measured window.
        let clients = (0..CONCURRENCY)
            .map(|_| {
                reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let load = Load {
            base: &base,
            tokens: &tokens,
            clients: &clients,
        };
        // Warm-up: every token once (its first use records `last_used_at`, a write that a
        // node in steady state makes once an hour per token), then 2 s of load; then the
        // measured points.
        let addr = base.trim_start_matches("http://");
        sequential_requests(addr, &tokens, Pick::Each, tokens.len()).await?;
        load.run(Duration::from_secs(2), 0, CONCURRENCY).await?;
        for (name, depth) in [("home, first page", 0), ("home, max_id 400 back", 400)] {
            let r = load
                .run(Duration::from_secs(secs), depth, CONCURRENCY)
                .await?;
            println!(
                "{name}: c={CONCURRENCY} {:.0} req/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests, {} errors, {:.0} µs CPU/request)",
                r.rps, r.p50, r.p90, r.p99, r.max, r.count, r.errors, r.cpu_us
            );
        }
        let r = load.run(Duration::from_secs(secs.min(5)), 0, 1).await?;
        println!(
            "home, first page: c=1 {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms ({:.0} µs CPU/request)",
            r.rps, r.p50, r.p99, r.cpu_us
        );
        anyhow::Ok(())
    })?;
    if std::env::var("HALQA_BENCH_WRK").as_deref() != Ok("0") {
        match wrk::available() {
            true => {
                let script = wrk::Script::write(&tokens)?;
                for connections in [CONCURRENCY, 64] {
                    let r = wrk::run(&script, &base, connections, secs)?;
                    println!(
                        "home, first page (wrk, 1 thread): c={connections} {:.0} req/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms ({} requests, {} non-2xx, {:.0} µs node CPU/request)",
                        r.rps, r.p50, r.p90, r.p99, r.count, r.errors, r.cpu_us
                    );
                }
            }
            false => println!("wrk not installed: skipping the separate-process points"),
        }
    }
    server_rt.block_on(async {
        let _ = tokio::time::timeout(Duration::from_secs(10), node.shutdown()).await;
    });
    Ok(())
}

/// Seeds users, follows, statuses and feeds; returns one token per user.
async fn seed(
    db: &DatabaseConnection,
    ids: &halqa::ids::IdGenerator,
) -> anyhow::Result<Vec<String>> {
    let now = Utc::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut actors = Vec::with_capacity(USERS);
    let mut users = Vec::with_capacity(USERS);
    let mut token_rows = Vec::with_capacity(USERS);
    let mut tokens = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let id = ids.next();
        let name = format!("teacher{i}");
        let base = format!("http://localhost/users/{name}");
        actors.push(actor::Model {
            id,
            ap_id: base.clone(),
            local: true,
            kind: "Person".into(),
            username: name.clone(),
            domain: "localhost".into(),
            display_name: format!("Teacher {i}"),
            summary: "<p>Maths and physics, middle school.</p>".into(),
            url: Some(format!("http://localhost/@{name}")),
            inbox: format!("{base}/inbox"),
            shared_inbox: None,
            outbox: Some(format!("{base}/outbox")),
            followers_url: Some(format!("{base}/followers")),
            following_url: Some(format!("{base}/following")),
            public_key_id: format!("{base}#main-key"),
            public_key_pem: String::new(),
            private_key_pem: None,
            manually_approves_followers: false,
            discoverable: true,
            avatar_url: None,
            header_url: None,
            stage: Some("teacher".into()),
            subjects: "[\"maths\"]".into(),
            levels: "[\"middle\"]".into(),
            languages: "[\"fr\"]".into(),
            region: None,
            open_to_mentor: false,
            seeking_mentor: false,
            created_at: now,
            updated_at: now,
            last_fetched_at: None,
            deleted_at: None,
            fields: "[]".into(),
            bot: false,
            silenced_at: None,
            suspended_at: None,
            also_known_as: "[]".into(),
            moved_to_ap_id: None,
            moved_at: None,
            hide_collections: false,
        });
        let user_id = ids.next();
        users.push(local_user::Model {
            id: user_id,
            actor_id: id,
            email: format!("{name}@example.org"),
            password_hash: String::new(),
            role: "user".into(),
            locale: None,
            must_change_password: false,
            created_at: now,
            note_source: None,
            default_visibility: "public".into(),
            default_sensitive: false,
            default_language: None,
            default_license: None,
            approval: "approved".into(),
            registration_reason: None,
            invite_id: None,
            disabled: false,
            hide_counts: false,
        });
        let token = format!("bench-token-{i}-{}", rng.next());
        token_rows.push(oauth_token::Model {
            id: ids.next(),
            token_hash: token_hash(&token),
            refresh_token_hash: None,
            app_id: None,
            user_id: Some(user_id),
            scopes: "read write follow".into(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
            code_id: None,
        });
        tokens.push(token);
    }
    let actor_ids: Vec<i64> = actors.iter().map(|a| a.id).collect();
    bulk(db, actors.into_iter().map(|m| m.into_active_model()), 500).await?;
    bulk(db, users.into_iter().map(|m| m.into_active_model()), 1000).await?;
    bulk(
        db,
        token_rows.into_iter().map(|m| m.into_active_model()),
        1000,
    )
    .await?;

    // Each user follows 300 distinct others.
    let mut followees: Vec<HashSet<usize>> = Vec::with_capacity(USERS);
    let mut follows = Vec::with_capacity(USERS * FOLLOWS_PER_USER);
    for u in 0..USERS {
        let mut set = HashSet::with_capacity(FOLLOWS_PER_USER);
        while set.len() < FOLLOWS_PER_USER {
            let t = rng.below(USERS);
            if t != u {
                set.insert(t);
            }
        }
        for &t in &set {
            let id = ids.next();
            follows.push(follow::Model {
                id,
                ap_id: format!("http://localhost/activities/{id}"),
                follower_id: actor_ids[u],
                followee_id: actor_ids[t],
                accepted: true,
                created_at: now,
                show_reblogs: true,
                notify: false,
                languages: None,
            });
        }
        followees.push(set);
    }
    bulk(db, follows.into_iter().map(|m| m.into_active_model()), 2000).await?;

    // 200k statuses, oldest first, spread over the authors, 30 s apart.
    let start = now - ChronoDuration::seconds(30 * STATUSES as i64);
    let mut authors = Vec::with_capacity(STATUSES);
    let mut posts = Vec::with_capacity(2000);
    let mut post_ids = Vec::with_capacity(STATUSES);
    for i in 0..STATUSES {
        let author = rng.below(USERS);
        let at = start + ChronoDuration::seconds(30 * i as i64);
        let id = ids.for_time(at);
        let name = format!("teacher{author}");
        posts.push(post::Model {
            id,
            ap_id: format!("http://localhost/users/{name}/statuses/{id}"),
            local: true,
            author_id: actor_ids[author],
            url: Some(format!("http://localhost/@{name}/{id}")),
            content: format!(
                "<p>Lesson idea #{i}: use paper folding to introduce fractions, then ask the \
                 class to explain why two quarters make a half. Works well with year 7.</p>"
            ),
            source: None,
            summary: None,
            sensitive: false,
            visibility: "public".into(),
            language: Some("en".into()),
            in_reply_to_ap_id: None,
            in_reply_to_id: None,
            reblog_of_id: None,
            published_at: at,
            edited_at: None,
            created_at: at,
            deleted_at: None,
            application_id: None,
        });
        authors.push(author);
        post_ids.push(id);
        if posts.len() == 2000 {
            bulk(db, posts.drain(..).map(|m| m.into_active_model()), 1000).await?;
        }
    }
    bulk(db, posts.drain(..).map(|m| m.into_active_model()), 1000).await?;

    // Each user's feed: the newest FEED_ITEMS statuses of the accounts it follows.
    let mut feed = Vec::with_capacity(20_000);
    for (u, set) in followees.iter().enumerate() {
        let mut n = 0;
        for i in (0..STATUSES).rev() {
            if set.contains(&authors[i]) {
                feed.push(home_feed::Model {
                    owner_id: actor_ids[u],
                    post_id: post_ids[i],
                    author_id: actor_ids[authors[i]],
                });
                n += 1;
                if n == FEED_ITEMS {
                    break;
                }
            }
        }
        if feed.len() >= 20_000 {
            bulk(db, feed.drain(..).map(|m| m.into_active_model()), 5000).await?;
        }
    }
    bulk(db, feed.drain(..).map(|m| m.into_active_model()), 5000).await?;
    // The node never runs ANALYZE, so by default neither does the bench. With
    // HALQA_BENCH_ANALYZE=1 it does: SQLite (built with STAT4 by libsqlite3-sys) then re-plans
    // every statement whose bound values change, which costs a parse per query.
    if std::env::var_os("HALQA_BENCH_ANALYZE").is_some() {
        db.execute_unprepared("ANALYZE").await?;
        println!("ANALYZE run (sqlite_stat1 and sqlite_stat4 filled)");
    }
    println!(
        "seed: {USERS} users × {FOLLOWS_PER_USER} follows, {STATUSES} statuses, {} feed rows",
        USERS * FEED_ITEMS
    );
    Ok(tokens)
}

/// Whose token each sequential request carries.
enum Pick {
    /// The users in order.
    Each,
    /// Random users (the same sequence on every run).
    Random,
}

/// `count` home-timeline first pages, one after another on one keep-alive connection, from a
/// client small enough that its instructions barely count next to the node's; returns the
/// response bytes read. Every answer must be a 200 with a `content-length`.
async fn sequential_requests(
    addr: &str,
    tokens: &[String],
    pick: Pick,
    count: usize,
) -> anyhow::Result<usize> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let mut stream = BufReader::new(tokio::net::TcpStream::connect(addr).await?);
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let (mut line, mut body, mut total) = (String::new(), Vec::new(), 0);
    for i in 0..count {
        let token = match pick {
            Pick::Each => &tokens[i % tokens.len()],
            Pick::Random => &tokens[rng.below(tokens.len())],
        };
        let request = format!(
            "GET /api/v1/timelines/home?limit=20 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        stream.get_mut().write_all(request.as_bytes()).await?;
        line.clear();
        stream.read_line(&mut line).await?;
        anyhow::ensure!(
            line.starts_with("HTTP/1.1 200"),
            "unexpected answer: {line}"
        );
        let mut length = None;
        loop {
            line.clear();
            stream.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = Some(value.trim().parse::<usize>()?);
            }
        }
        let length = length.context("a response without content-length")?;
        body.resize(length, 0);
        stream.read_exact(&mut body).await?;
        total += length;
    }
    Ok(total)
}

/// Inserts rows in chunks, in one transaction per chunk.
async fn bulk<A, I>(db: &DatabaseConnection, rows: I, chunk: usize) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
    I: IntoIterator<Item = A>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(chunk).collect();
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await
            .context("bulk insert")?;
    }
    Ok(())
}

/// This process's CPU time so far (user + system, from `/proc/self/stat`), in seconds: the
/// node and the load generator together.
fn process_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

struct Report {
    /// Process CPU (node + load generator) per request, in microseconds.
    cpu_us: f64,
    rps: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    count: usize,
    errors: usize,
}

/// The load generator: the node's base URL, one token per user, one client per connection.
struct Load<'a> {
    base: &'a str,
    tokens: &'a Arc<Vec<String>>,
    clients: &'a [reqwest::Client],
}

impl Load<'_> {
    /// `concurrency` connections asking random users' home timelines for `length`; with
    /// `depth`, each asks the page `depth` items back (`max_id` of the item there, read once
    /// per user).
    async fn run(
        &self,
        length: Duration,
        depth: usize,
        concurrency: usize,
    ) -> anyhow::Result<Report> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for worker in 0..concurrency {
            let (base, tokens, stop) = (self.base.to_string(), self.tokens.clone(), stop.clone());
            let client = self.clients[worker % self.clients.len()].clone();
            tasks.push(tokio::spawn(async move {
                let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (worker as u64 + 1));
                let mut latencies = Vec::with_capacity(100_000);
                let mut errors = 0usize;
                let mut cursors: std::collections::HashMap<usize, String> = Default::default();
                while !stop.load(Ordering::Relaxed) {
                    let u = rng.below(tokens.len());
                    let mut url = format!("{base}/api/v1/timelines/home?limit=20");
                    if depth > 0 {
                        let cursor = match cursors.get(&u) {
                            Some(c) => c.clone(),
                            None => {
                                let page: serde_json::Value = client
                                    .get(format!(
                                        "{base}/api/v1/timelines/home?limit=40&max_id={}",
                                        i64::MAX
                                    ))
                                    .bearer_auth(&tokens[u])
                                    .send()
                                    .await?
                                    .json()
                                    .await?;
                                // Walk back `depth` items, 40 at a time.
                                let mut last = page
                                    .as_array()
                                    .and_then(|a| a.last())
                                    .and_then(|s| s["id"].as_str())
                                    .unwrap_or("0")
                                    .to_string();
                                for _ in 1..depth / 40 {
                                    let page: serde_json::Value = client
                                        .get(format!(
                                            "{base}/api/v1/timelines/home?limit=40&max_id={last}"
                                        ))
                                        .bearer_auth(&tokens[u])
                                        .send()
                                        .await?
                                        .json()
                                        .await?;
                                    if let Some(id) = page
                                        .as_array()
                                        .and_then(|a| a.last())
                                        .and_then(|s| s["id"].as_str())
                                    {
                                        last = id.to_string();
                                    }
                                }
                                cursors.insert(u, last.clone());
                                last
                            }
                        };
                        url.push_str(&format!("&max_id={cursor}"));
                    }
                    let started = Instant::now();
                    let response = client.get(&url).bearer_auth(&tokens[u]).send().await;
                    let ok = match response {
                        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                        _ => false,
                    };
                    if ok {
                        latencies.push(started.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                anyhow::Ok((latencies, errors))
            }));
        }
        let started = Instant::now();
        let cpu_before = process_cpu_secs();
        tokio::time::sleep(length).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let (latencies, e) = task.await??;
            all.extend(latencies);
            errors += e;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let cpu = process_cpu_secs() - cpu_before;
        all.sort();
        let pct = |p: f64| {
            all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Ok(Report {
            cpu_us: cpu * 1e6 / all.len().max(1) as f64,
            rps: all.len() as f64 / elapsed,
            p50: pct(0.50),
            p90: pct(0.90),
            p99: pct(0.99),
            max: all.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
            count: all.len(),
            errors,
        })
    }
}

/// The separate-process load generator: `wrk` (one thread) with a Lua script that sends each
/// request with a random user's bearer token.
mod wrk {
    use anyhow::Context;
    use std::{io::Write, process::Command};

    /// Whether a `wrk` binary is on the PATH.
    pub fn available() -> bool {
        Command::new("wrk")
            .arg("--version")
            .output()
            .is_ok_and(|o| !o.stdout.is_empty() || !o.stderr.is_empty())
    }

    /// The token file and the Lua script reading it, removed on drop.
    pub struct Script {
        tokens: std::path::PathBuf,
        pub lua: std::path::PathBuf,
    }

    impl Script {
        pub fn write(tokens: &[String]) -> anyhow::Result<Script> {
            let dir = std::env::temp_dir();
            let pid = std::process::id();
            let tokens_path = dir.join(format!("halqa-home-bench-{pid}.tokens"));
            let lua_path = dir.join(format!("halqa-home-bench-{pid}.lua"));
            std::fs::write(&tokens_path, tokens.join("\n"))?;
            let mut lua = std::fs::File::create(&lua_path)?;
            write!(
                lua,
                r#"local tokens = {{}}
for line in io.lines("{}") do tokens[#tokens + 1] = line end
math.randomseed(12345)
request = function()
  local token = tokens[math.random(#tokens)]
  return wrk.format("GET", "/api/v1/timelines/home?limit=20", {{["Authorization"] = "Bearer " .. token}})
end
"#,
                tokens_path.display()
            )?;
            Ok(Script {
                tokens: tokens_path,
                lua: lua_path,
            })
        }
    }

    impl Drop for Script {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.tokens);
            let _ = std::fs::remove_file(&self.lua);
        }
    }

    pub struct Report {
        pub rps: f64,
        pub p50: f64,
        pub p90: f64,
        pub p99: f64,
        pub count: u64,
        pub errors: u64,
        /// This process's CPU (the node alone: the in-process load runtime is idle) per request.
        pub cpu_us: f64,
    }

    /// A wrk duration (`812.00us`, `1.20ms`, `2.01s`) in milliseconds.
    fn millis(text: &str) -> Option<f64> {
        let split = text.find(|c: char| c.is_ascii_alphabetic())?;
        let (value, unit) = text.split_at(split);
        let value: f64 = value.parse().ok()?;
        Some(match unit {
            "us" => value / 1000.0,
            "ms" => value,
            "s" => value * 1000.0,
            "m" => value * 60_000.0,
            _ => return None,
        })
    }

    /// Runs wrk for `secs` seconds (after 2 s of warm-up) and reads its `--latency` output.
    pub fn run(
        script: &Script,
        base: &str,
        connections: usize,
        secs: u64,
    ) -> anyhow::Result<Report> {
        let wrk = |duration: u64| {
            Command::new("wrk")
                .args([
                    "-t1",
                    &format!("-c{connections}"),
                    &format!("-d{duration}s"),
                ])
                .args(["--latency", "-s"])
                .arg(&script.lua)
                .arg(format!("{base}/api/v1/timelines/home?limit=20"))
                .output()
                .context("running wrk")
        };
        wrk(2)?;
        let cpu_before = super::process_cpu_secs();
        let output = wrk(secs)?;
        let cpu = super::process_cpu_secs() - cpu_before;
        let text = String::from_utf8_lossy(&output.stdout);
        let field = |label: &str| -> Option<f64> {
            text.lines()
                .map(str::trim)
                .find_map(|l| l.strip_prefix(label))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|v| millis(v).or_else(|| v.parse().ok()))
        };
        let count = text
            .lines()
            .find_map(|l| l.trim().split_once(" requests in "))
            .and_then(|(n, _)| n.trim().parse().ok())
            .unwrap_or(0);
        let errors = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        Ok(Report {
            rps: field("Requests/sec:").with_context(|| format!("wrk said: {text}"))?,
            p50: field("50%").unwrap_or(0.0),
            p90: field("90%").unwrap_or(0.0),
            p99: field("99%").unwrap_or(0.0),
            count,
            errors,
            cpu_us: cpu * 1e6 / count.max(1) as f64,
        })
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn wrk_durations_read_as_milliseconds() {
            assert_eq!(super::millis("812.00us"), Some(0.812));
            assert_eq!(super::millis("1.50ms"), Some(1.5));
            assert_eq!(super::millis("2.00s"), Some(2000.0));
            assert_eq!(super::millis("nope"), None);
        }
    }
}
