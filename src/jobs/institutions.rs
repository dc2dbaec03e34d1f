//! The institution refresh job: every hour (or every `institution.refresh_interval_secs` if
//! shorter), reads the NodeInfo of up to `institution.refresh_batch` known hosts that are due —
//! never read, or read longer than the interval ago — four at a time, through
//! [`service::institutions::refresh_due`] (which tests call directly instead of waiting).
use crate::{app::Federation, service};
use std::time::Duration;
use tokio::sync::watch;

/// How long after start the first run happens, unless the interval is shorter.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(90);
/// The longest pause between runs: hosts met between runs are usually read on first contact,
/// and a run picks only what is due, so waking hourly costs one small query.
const MAX_WAKE_INTERVAL: Duration = Duration::from_secs(3600);

/// Runs until `shutdown` turns true (or its sender is dropped). A failed run is logged.
pub async fn run(federation: Federation, mut shutdown: watch::Receiver<bool>) {
    let interval = {
        let data = federation.to_request_data();
        Duration::from_secs(data.config.institution.refresh_interval_secs.max(1))
            .min(MAX_WAKE_INTERVAL)
    };
    let mut wait = FIRST_RUN_AFTER.min(interval);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {},
            changed = shutdown.changed() => {
                if changed.is_err() {
                    break;
                }
            },
        }
        if *shutdown.borrow() {
            break;
        }
        // A fresh request context per run: the fetch counter limits one run, not the process.
        let data = federation.to_request_data();
        match service::institutions::refresh_due(&data).await {
            Ok(report) if report.refreshed + report.failed == 0 => {
                tracing::debug!("institutions: no host due")
            }
            Ok(report) => tracing::info!(
                refreshed = report.refreshed,
                failed = report.failed,
                "institutions: hosts refreshed"
            ),
            Err(e) => tracing::warn!(error = %e, "institutions: refresh run"),
        }
        wait = interval;
    }
}
