//! The import worker: claims the next account import (an archive or a Mastodon CSV, see
//! `service::imports`) and runs it, one at a time per process; polls every
//! [`POLL`] while there is none. An import whose worker died (no heartbeat for
//! `service::imports::STALE_AFTER_SECS`) is claimed again and resumes.
use crate::{app::Federation, service::imports};
use std::time::Duration;
use tokio::sync::watch;

/// How often the worker looks for a new import when idle.
pub const POLL: Duration = Duration::from_secs(2);

/// Runs until `shutdown` turns true (or its sender is dropped). Failures are logged.
pub async fn run(federation: Federation, mut shutdown: watch::Receiver<bool>) {
    let data = federation.to_request_data();
    loop {
        if *shutdown.borrow() {
            break;
        }
        let wait = match imports::run_next(&data).await {
            Ok(Some(done)) => {
                tracing::info!(
                    import = done.id,
                    kind = %done.kind,
                    state = %done.state,
                    imported = done.imported,
                    skipped = done.skipped,
                    "account import finished"
                );
                Duration::ZERO
            }
            Ok(None) => POLL,
            Err(e) => {
                tracing::warn!(error = %e, "account import");
                POLL
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {},
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            },
        }
    }
}
