//! Everything that knows ActivityPub, JSON-LD and HTTP signatures: the library config and the
//! HTTP client, URL policy (blocked domains), and the submodules for actors, objects, activities,
//! the inbox pipeline, the outbox and the persistent delivery queue.
pub mod activities;
pub mod actors;
pub mod archive;
pub mod context;
pub mod delivery;
pub mod featured;
pub mod inbox;
pub mod media_fetch;
pub mod objects;
pub mod outbox;
pub mod policy;
pub mod routes;
pub mod signatures;
pub mod urls;
pub mod wire;

pub use policy::DomainPolicy;

use crate::{AppState, app::Federation, config::Config};
use activitypub_federation::{config::FederationConfig, resolver::ValidatingDnsResolver};
use anyhow::Context;
use std::{sync::Arc, time::Duration};

/// The user agent of every outgoing request.
pub fn user_agent() -> String {
    format!(
        "Halqa/{} (+https://joinmastodon.org/; compatible)",
        env!("CARGO_PKG_VERSION")
    )
}

/// The one HTTP client for fetches and deliveries: no automatic redirects, timeouts, and (outside
/// debug mode) a resolver that refuses private and loopback addresses at connect time.
pub fn http_client(config: &Config) -> anyhow::Result<reqwest::Client> {
    let timeout = Duration::from_secs(config.federation.request_timeout_secs);
    reqwest::Client::builder()
        .user_agent(user_agent())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .pool_max_idle_per_host(2)
        .dns_resolver(Arc::new(ValidatingDnsResolver::new(
            vec![],
            !config.federation.debug,
        )))
        .build()
        .context("building the HTTP client")
}

/// The library's HTTP client: ours, with [`signatures::SignedFetch`] signing every GET as the
/// instance actor through OpenSSL (the library's own signing, with the `rsa` crate, is not used).
pub fn fetch_client(state: &AppState) -> anyhow::Result<reqwest_middleware::ClientWithMiddleware> {
    let instance = &state.instance_actor;
    let pem = instance
        .private_key_pem
        .as_deref()
        .context("the instance actor has no private key")?;
    let signer = signatures::SignedFetch::new(pem, instance.public_key_id.clone())
        .context("reading the instance actor's private key")?;
    Ok(reqwest_middleware::ClientBuilder::new(state.http.clone())
        .with(signer)
        .build())
}

/// Builds the library config around our state; the instance actor signs outgoing fetches.
pub async fn federation_config(state: AppState) -> anyhow::Result<Federation> {
    let config = FederationConfig::builder()
        .domain(state.config.instance.domain.clone())
        .client(fetch_client(&state)?)
        .debug(state.config.federation.debug)
        .allow_http_urls(state.config.federation.debug || !state.config.use_https())
        .request_timeout(Duration::from_secs(
            state.config.federation.request_timeout_secs,
        ))
        .url_verifier(Box::new(state.domain_policy.clone()))
        .http_fetch_limit(50)
        .app_data(state)
        .build()
        .await
        .context("building the federation config")?;
    Ok(config)
}
