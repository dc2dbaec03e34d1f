//! The running node: [`AppState`] (config, database, caches, delivery queue), the router that
//! mounts every surface, and [`serve`]/[`start`] that run it.
use crate::{
    config::Config,
    db::{Db, entity::actor},
    federation::{self, delivery::DeliveryQueue, signatures, urls::Urls},
    ids::IdGenerator,
    service,
};
use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use anyhow::Context;
use axum::Router;
use std::{net::SocketAddr, ops::Deref, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};

/// Everything a request, a job or a service call needs; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<StateInner>);

/// The contents of [`AppState`].
pub struct StateInner {
    pub config: Config,
    pub db: Db,
    pub ids: IdGenerator,
    pub urls: Urls,
    /// Remote public keys parsed once per key id.
    pub public_keys: signatures::PublicKeyCache,
    /// Local private keys parsed once per actor.
    pub private_keys: signatures::PrivateKeyCache,
    pub delivery: DeliveryQueue,
    /// Streaming events, published after each commit.
    pub events: service::events::EventBus,
    /// The HTTP client for all outgoing requests (no redirects, timeouts, SSRF-safe resolver).
    pub http: reqwest::Client,
    /// The node's own actor, which signs fetches.
    pub instance_actor: actor::Model,
    /// Request counters for the client API's rate limits.
    pub rate_limits: crate::api::rate_limit::RateLimiter,
    /// The federation policy in force (mode and domain rules), reloaded from the database.
    pub domain_policy: federation::DomainPolicy,
}

impl Deref for AppState {
    type Target = StateInner;
    fn deref(&self) -> &StateInner {
        &self.0
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("domain", &self.config.instance.domain)
            .finish()
    }
}

/// The federation library's config, carrying our [`AppState`] as app data.
pub type Federation = FederationConfig<AppState>;

/// Connects, migrates and builds the node's state and federation config (no HTTP server yet).
pub async fn build(config: Config) -> anyhow::Result<Federation> {
    let db = Db::connect(&config.database.url, config.database.max_connections).await?;
    db.migrate().await?;
    let urls = Urls::new(&config.base_url());
    let ids = IdGenerator::default();
    let instance_actor =
        service::accounts::ensure_instance_actor(&db, &ids, &urls, &config).await?;
    service::institutions::ensure_local(&db, &ids, &urls, &config).await?;
    let http = federation::http_client(&config)?;
    let rate_limits = crate::api::rate_limit::RateLimiter::new(&config.rate_limits)
        .map_err(anyhow::Error::msg)?;
    let events = service::events::EventBus::for_database(&db);
    let domain_policy = federation::DomainPolicy::new(
        &config.instance.domain,
        &config.federation.blocked_domains,
        config.federation.mode == "allowlist",
    );
    let state = AppState(Arc::new(StateInner {
        public_keys: signatures::PublicKeyCache::new(config.federation.public_key_cache_size),
        private_keys: signatures::PrivateKeyCache::new(1024),
        delivery: DeliveryQueue::default(),
        events,
        rate_limits,
        domain_policy,
        config,
        db,
        ids,
        urls,
        http,
        instance_actor,
    }));
    service::federation_policy::reload(&state).await?;
    federation::federation_config(state).await
}

/// Every route of the node, with the federation middleware and the HTTP layers. Unknown routes
/// and wrong methods answer JSON (clients choke on axum's empty text bodies), and a trailing
/// slash is ignored (Mastodon.py asks for `/api/v1/instance/`).
pub fn build_router(federation: Federation) -> Router {
    use tower_http::{normalize_path::NormalizePath, trace::TraceLayer};
    let max_inbox_body_bytes = federation
        .to_request_data()
        .app_data()
        .config
        .server
        .max_inbox_body_bytes;
    let state = federation.to_request_data().app_data().clone();
    let routes = Router::new()
        .merge(federation::routes::routes(max_inbox_body_bytes))
        .merge(crate::api::routes())
        .merge(crate::web::routes())
        .fallback(crate::api::not_found)
        .method_not_allowed_fallback(crate::api::method_not_allowed)
        // Browsers get translated HTML error pages and every page its CSP (needs the
        // federation data, so inside the federation middleware).
        .layer(axum::middleware::from_fn(
            crate::web::errors::html_responses,
        ))
        .layer(FederationMiddleware::new(federation))
        // Inside CORS, so a 429 still carries the CORS headers browser clients need to read it.
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::api::rate_limit::limit,
        ))
        .layer(crate::api::cors())
        .layer(crate::web::assets::compression())
        .layer(TraceLayer::new_for_http());
    Router::new().fallback_service(NormalizePath::trim_trailing_slash(routes))
}

/// A node serving on a listener, with its delivery workers; stops when dropped or shut down.
pub struct RunningNode {
    pub federation: Federation,
    app_state: AppState,
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    workers: Option<JoinHandle<()>>,
}

impl RunningNode {
    /// The node's state.
    pub fn state(&self) -> &AppState {
        &self.app_state
    }

    /// Stops accepting requests, delivering and the scheduled jobs; waits for them to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(workers) = self.workers.take() {
            let _ = workers.await;
        }
    }
}

impl Drop for RunningNode {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Starts a built node on `listener`: the HTTP server and the delivery workers.
pub async fn start(federation: Federation, listener: TcpListener) -> anyhow::Result<RunningNode> {
    let addr = listener.local_addr()?;
    let (shutdown, mut stop_server) = watch::channel(false);
    let data = federation.to_request_data();
    let state = data.app_data().clone();
    federation::delivery::release_leases(&state).await?;
    // The delivery workers, the scheduled jobs (pruning, trimming) and the relay of streaming
    // events between processes (PostgreSQL) run until shutdown, as one task.
    let deliveries = federation::delivery::run_workers(state.clone(), shutdown.subscribe());
    let jobs = crate::jobs::run(state.clone(), shutdown.subscribe());
    let relay = service::events::relay(state.clone(), shutdown.subscribe());
    let institutions = crate::jobs::institutions::run(federation.clone(), shutdown.subscribe());
    let policy = crate::jobs::federation_policy::run(state.clone(), shutdown.subscribe());
    let imports = crate::jobs::imports::run(federation.clone(), shutdown.subscribe());
    let workers = tokio::spawn(async move {
        tokio::join!(deliveries, jobs, relay, institutions, policy, imports);
    });
    let app = build_router(federation.clone());
    let server = tokio::spawn(async move {
        let result = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop_server.wait_for(|stop| *stop).await;
        })
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "HTTP server stopped");
        }
    });
    Ok(RunningNode {
        app_state: state,
        federation,
        addr,
        shutdown,
        server: Some(server),
        workers: Some(workers),
    })
}

/// `halqa serve`: build, make sure an admin exists, serve until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let bind = config.server.bind.clone();
    let listener = TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (server.bind)"))?;
    let federation = build(config).await?;
    let state = federation.to_request_data().app_data().clone();
    if let Some(password) = service::accounts::ensure_first_admin(&state).await? {
        println!(
            "Created the first admin account @{}@{} with the one-time password:\n\n    {password}\n\nLog in and change it. It will not be shown again.",
            state.config.admin.username, state.config.instance.domain
        );
    }
    let node = start(federation, listener).await?;
    tracing::info!(
        "Halqa serving {} on http://{}",
        state.urls.base(),
        node.addr
    );
    wait_for_signal().await;
    tracing::info!("shutting down");
    tokio::time::timeout(Duration::from_secs(15), node.shutdown())
        .await
        .ok();
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
