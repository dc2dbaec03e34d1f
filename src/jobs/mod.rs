//! Scheduled background work, run by `app::start` beside the delivery workers until shutdown:
//! every `jobs.prune_interval_secs`, the pruning of old rows ([`prune`]), the trimming of home
//! feeds ([`home_feed`]) and the removal of uploads never attached to a status ([`media`]);
//! every `jobs.status_interval_secs`, the status jobs ([`statuses`]).
//! Every process of a node may run the jobs; they are idempotent (several processes on one
//! PostgreSQL just share the deletes).
pub mod federation_policy;
pub mod home_feed;
pub mod imports;
pub mod institutions;
pub mod media;
pub mod prune;
pub mod statuses;

use crate::AppState;
use chrono::Utc;
use std::{path::Path, time::Duration};
use tokio::sync::watch;

/// How long after start the first run happens (start-up has enough to do), unless the
/// configured interval is shorter.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(60);

/// Runs the jobs until `shutdown` turns true (or its sender is dropped): the status jobs
/// ([`statuses`]) on their own short interval, the others together.
pub async fn run(state: AppState, shutdown: watch::Receiver<bool>) {
    tokio::join!(
        statuses::run(state.clone(), shutdown.clone()),
        run_periodic(state, shutdown)
    );
}

/// Runs the periodic jobs every `jobs.prune_interval_secs`. A failed job is logged and retried
/// at the next interval; the others still run.
async fn run_periodic(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let interval = Duration::from_secs(state.config.jobs.prune_interval_secs.max(1));
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
        run_once(&state, &shutdown).await;
        wait = interval;
    }
}

/// One round of every job, each logged on its own.
async fn run_once(state: &AppState, shutdown: &watch::Receiver<bool>) {
    let config = &state.config.jobs;
    let db = &state.db;
    let started = std::time::Instant::now();
    let cutoffs = prune::Cutoffs::new(config, Utc::now());
    match prune::prune(db, cutoffs, shutdown).await {
        Ok(pruned) if pruned.is_empty() => tracing::debug!("pruning: nothing to delete"),
        Ok(pruned) => tracing::info!(
            received_activities = pruned.received_activities,
            deliveries = pruned.deliveries,
            outgoing_activities = pruned.outgoing_activities,
            held_activities = pruned.held_activities,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "pruned old rows"
        ),
        Err(e) => tracing::warn!(error = %e, "pruning old rows"),
    }
    match home_feed::trim_home_feeds(db, config.home_feed_max_items, shutdown).await {
        Ok(0) => {}
        Ok(rows) => tracing::info!(rows, "trimmed home feeds"),
        Err(e) => tracing::warn!(error = %e, "trimming home feeds"),
    }
    let before = Utc::now() - chrono::Duration::hours(i64::from(config.unattached_media_hours));
    let dir = Path::new(&state.config.media.dir);
    match media::remove_unattached(db, dir, before, shutdown).await {
        Ok(0) => {}
        Ok(uploads) => tracing::info!(uploads, "removed uploads never attached to a status"),
        Err(e) => tracing::warn!(error = %e, "removing unattached uploads"),
    }
    let hours = u64::from(config.unattached_media_hours);
    let stale = std::time::SystemTime::now()
        .checked_sub(std::time::Duration::from_secs(hours.saturating_mul(3600)))
        .unwrap_or(std::time::UNIX_EPOCH);
    match media::remove_partial_uploads(dir, stale).await {
        0 => {}
        files => tracing::info!(files, "removed half-written uploads"),
    }
    match crate::service::remote_media::release_copies(state, Utc::now()).await {
        Ok(0) => {}
        Ok(copies) => tracing::info!(copies, "released cached remote media"),
        Err(e) => tracing::warn!(error = %e, "releasing cached remote media"),
    }
    match crate::service::web_sessions::prune(db).await {
        Ok(0) => {}
        Ok(sessions) => tracing::info!(sessions, "removed ended web sessions"),
        Err(e) => tracing::warn!(error = %e, "removing ended web sessions"),
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
        let mut config = crate::Config::defaults().unwrap();
        config.database.url = temp.url();
        config.jobs.prune_interval_secs = 1;
        config.jobs.received_activity_days = 14;
        let federation = crate::app::build(config).await.unwrap();
        let state = federation.to_request_data().app_data().clone();
        let (stop, shutdown) = watch::channel(false);
        let job = tokio::spawn(run(state, shutdown));
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
