//! Scheduled background work, run by `app::start` beside the delivery workers until shutdown:
//! for now the hourly pruning of old rows ([`prune`]). Every process of a node may run the jobs;
//! they are idempotent (several processes on one PostgreSQL just share the deletes).
pub mod prune;

use crate::{config::JobsConfig, db::Db};
use chrono::Utc;
use std::time::Duration;
use tokio::sync::watch;

/// How long after start the first run happens (start-up has enough to do), unless the
/// configured interval is shorter.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(60);

/// Runs the jobs every `jobs.prune_interval_secs` until `shutdown` turns true (or its sender is
/// dropped). A failed run is logged and retried at the next interval.
pub async fn run(db: Db, config: JobsConfig, mut shutdown: watch::Receiver<bool>) {
    let interval = Duration::from_secs(config.prune_interval_secs.max(1));
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
        let started = std::time::Instant::now();
        let cutoffs = prune::Cutoffs::new(&config, Utc::now());
        match prune::prune(&db, cutoffs, &shutdown).await {
            Ok(pruned) if pruned.is_empty() => tracing::debug!("pruning: nothing to delete"),
            Ok(pruned) => tracing::info!(
                received_activities = pruned.received_activities,
                deliveries = pruned.deliveries,
                outgoing_activities = pruned.outgoing_activities,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "pruned old rows"
            ),
            Err(e) => tracing::warn!(error = %e, "pruning old rows"),
        }
        wait = interval;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use prune::tests::{TempDb, counts, received};
    use std::time::Instant;

    #[tokio::test]
    async fn runs_on_schedule_and_stops_on_shutdown() {
        let temp = TempDb::new("jobs").await;
        let now = Utc::now();
        received(
            &temp.db,
            "https://r.example/old",
            now - chrono::Duration::days(15),
        )
        .await;
        received(&temp.db, "https://r.example/new", now).await;
        let config = JobsConfig {
            prune_interval_secs: 1,
            received_activity_days: 14,
            delivery_retention_days: 14,
        };
        let (stop, shutdown) = watch::channel(false);
        let job = tokio::spawn(run(temp.db.clone(), config, shutdown));
        let deadline = Instant::now() + Duration::from_secs(15);
        while counts(&temp.db).await.0 != 1 {
            assert!(Instant::now() < deadline, "the old row was not pruned");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), job)
            .await
            .expect("the job stops at shutdown")
            .unwrap();
        assert_eq!(counts(&temp.db).await.0, 1);
    }
}
