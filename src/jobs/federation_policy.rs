//! The federation policy jobs: every `federation.policy_reload_secs`, re-read the policy from
//! the database (changes made by another process sharing it); every
//! `federation.subscription_refresh_secs`, fetch the subscribed domain lists that are due.
use crate::{AppState, service::federation_policy};
use std::time::Duration;
use tokio::sync::watch;

/// Runs until `shutdown` turns true (or its sender is dropped). Failures are logged.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let reload_every = Duration::from_secs(state.config.federation.policy_reload_secs.max(1));
    let refresh_every =
        Duration::from_secs(state.config.federation.subscription_refresh_secs.max(1));
    let mut reload = tokio::time::interval(reload_every);
    let mut refresh = tokio::time::interval_at(
        tokio::time::Instant::now() + refresh_every.min(Duration::from_secs(120)),
        refresh_every,
    );
    reload.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = reload.tick() => {
                if let Err(e) = federation_policy::apply(&state, &[], &|_, _| {}).await {
                    tracing::warn!(error = %e, "federation policy: reload");
                }
            },
            _ = refresh.tick() => {
                match federation_policy::subscriptions::refresh_all(&state, true, &|_, _| {}).await {
                    Ok(r) if r.refreshed + r.failed == 0 => {}
                    Ok(r) => tracing::info!(refreshed = r.refreshed, failed = r.failed, "domain list subscriptions refreshed"),
                    Err(e) => tracing::warn!(error = %e, "domain list subscriptions: refresh run"),
                }
            },
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            },
        }
    }
}
