//! The status jobs, every `jobs.status_interval_secs`: publish the scheduled statuses that are
//! due, close the polls that ended (notifications and the final `Update(Question)`), send
//! the coalesced poll updates that are due, and cache the remote images that arrived
//! (`service::remote_media`). Each piece of work is claimed in the transaction
//! that does it, so several processes may sweep the same database and a crash loses nothing
//! (what was not committed is found again by the next sweep).
use crate::{
    AppState,
    error::AppResult,
    service::{polls, remote_media, scheduled},
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio::sync::watch;

/// How long after start the first sweep happens, unless the interval is shorter: work that fell
/// due while the node was down goes out soon after it is back.
const FIRST_SWEEP_AFTER: Duration = Duration::from_secs(2);

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub published: usize,
    pub polls_closed: usize,
    pub poll_updates: usize,
    pub media_cached: usize,
}

/// Does everything that is due at `now`. A failing part is logged and left for the next
/// sweep; the other parts still run.
pub async fn sweep(data: &Data<AppState>, now: DateTime<Utc>) -> Swept {
    fn logged(what: &str, result: AppResult<usize>) -> usize {
        result.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "{what}");
            0
        })
    }
    Swept {
        published: logged(
            "publishing scheduled statuses",
            scheduled::publish_due(data, now).await,
        ),
        polls_closed: logged(
            "closing ended polls",
            polls::close_ended_polls(data, now).await,
        ),
        poll_updates: logged(
            "sending poll updates",
            polls::send_due_updates(data, now).await,
        ),
        media_cached: logged(
            "caching remote media",
            remote_media::cache_waiting(data, now).await,
        ),
    }
}

/// Sweeps every `jobs.status_interval_secs` until `shutdown` turns true (or its sender is
/// dropped).
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    // Services take the federation's request data (publishing may resolve mentions).
    let federation = match crate::federation::federation_config(state.clone()).await {
        Ok(federation) => federation,
        Err(e) => {
            tracing::error!(error = %e, "the status jobs cannot start");
            return;
        }
    };
    let interval = Duration::from_secs(state.config.jobs.status_interval_secs.max(1));
    let mut wait = FIRST_SWEEP_AFTER.min(interval);
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
        let swept = sweep(&federation.to_request_data(), Utc::now()).await;
        if swept != Swept::default() {
            tracing::info!(
                published = swept.published,
                polls_closed = swept.polls_closed,
                poll_updates = swept.poll_updates,
                media_cached = swept.media_cached,
                "status jobs"
            );
        }
        wait = interval;
    }
}
