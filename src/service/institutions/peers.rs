//! The other nodes this node has met: a host's NodeInfo is read when its first actor is stored
//! and again when due (the refresh job), its Organization actor fetched if it runs Halqa, and
//! the directory lists this node and the Halqa nodes known.
use super::{local_profile, nodeinfo};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, institution},
        institutions::DirectoryFilter,
    },
    error::{AppError, AppResult},
    federation::actors::person::DbActor,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use chrono::{Duration, Utc};
use futures_util::{StreamExt, stream};

/// Hosts whose NodeInfo is read at once by the refresh job.
const REFRESH_CONCURRENCY: usize = 4;
/// A known Halqa host whose Organization actor changed is re-read at most this often.
const MIN_REFRESH_GAP_SECS: i64 = 60;

/// Called whenever a remote actor is stored: the first actor of a host makes this node read
/// the host's NodeInfo (in the background); an Organization actor of a known Halqa node that
/// changed makes it re-read that node's profile. Never fails: problems are logged.
pub async fn host_seen(data: &Data<AppState>, actor: &actor::Model) {
    if actor.local {
        return;
    }
    let domain = actor.domain.clone();
    let known = match db::institutions::find(&data.db.read, &domain).await {
        Ok(known) => known,
        Err(e) => {
            tracing::warn!(error = %e, %domain, "reading the institution row");
            return;
        }
    };
    let refresh = match known {
        None => match db::institutions::insert_seen(&data.db.write, &domain).await {
            Ok(inserted) => inserted,
            Err(e) => {
                tracing::warn!(error = %e, %domain, "recording a new host");
                false
            }
        },
        Some(row) => {
            actor.kind == "Organization"
                && row.is_halqa
                && row.actor_url.as_deref() == Some(actor.ap_id.as_str())
                && row
                    .refreshed_at
                    .is_some_and(|t| t < Utc::now() - Duration::seconds(MIN_REFRESH_GAP_SECS))
        }
    };
    if refresh {
        let data = data.reset_request_count();
        tokio::spawn(async move {
            if let Err(e) = refresh_host(&data, &domain).await {
                tracing::debug!(error = %e, %domain, "reading a host's NodeInfo");
            }
        });
    }
}

/// Reads `domain`'s NodeInfo now and stores what it says; for a Halqa node, its Organization
/// actor is fetched too (so it can be followed). A failure is recorded on the row and returned.
pub async fn refresh_host(data: &Data<AppState>, domain: &str) -> AppResult<institution::Model> {
    let domain = domain.to_lowercase();
    if domain == data.config.instance.domain.to_lowercase() {
        return local_profile(&data.db.read).await;
    }
    let record = match nodeinfo::fetch(data, &domain).await {
        Ok(record) => record,
        Err(e) => {
            db::institutions::record_failure(&data.db.write, &domain, &e.to_string()).await?;
            return Err(e);
        }
    };
    let actor_url = record.profile.actor_url.clone();
    // Stored before the actor is fetched, so storing the actor does not trigger another read.
    let row = db::institutions::record_refresh(&data.db.write, &domain, record).await?;
    if let Some(url) = actor_url {
        let fetched = match ObjectId::<DbActor>::parse(&url) {
            Ok(id) => id.dereference(data).await.map(|_| ()),
            Err(e) => Err(AppError::BadRequest(format!("actor id {url:?}: {e}"))),
        };
        if let Err(e) = fetched {
            tracing::debug!(error = %e, %domain, "fetching an institution's actor");
        }
    }
    Ok(row)
}

/// What one run of the refresh job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RefreshReport {
    pub refreshed: usize,
    pub failed: usize,
}

/// Refreshes the hosts due (never read, or read longer than `institution.refresh_interval_secs`
/// ago), up to `institution.refresh_batch` of them, a few at a time. Hosts known from actors
/// stored before this feature existed are added first.
pub async fn refresh_due(data: &Data<AppState>) -> AppResult<RefreshReport> {
    let config = &data.config.institution;
    db::institutions::insert_missing_hosts(&data.db.write, &data.config.instance.domain).await?;
    let interval =
        Duration::seconds(i64::try_from(config.refresh_interval_secs).unwrap_or(i64::MAX / 1000));
    let stale_before = Utc::now() - interval;
    let due =
        db::institutions::claim_due(&data.db.write, stale_before, config.refresh_batch).await?;
    let results: Vec<bool> = stream::iter(due)
        .map(|domain| async move { refresh_host(data, &domain).await.is_ok() })
        .buffer_unordered(REFRESH_CONCURRENCY)
        .collect()
        .await;
    let refreshed = results.iter().filter(|ok| **ok).count();
    Ok(RefreshReport {
        refreshed,
        failed: results.len() - refreshed,
    })
}

/// A page of the institution directory: this node first (with its current user count), then
/// the Halqa nodes met.
pub async fn directory(
    data: &Data<AppState>,
    filter: &DirectoryFilter,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<institution::Model>> {
    let mut rows = db::institutions::list_directory(&data.db.read, filter, offset, limit).await?;
    if rows.iter().any(|r| r.local) {
        let users = db::users::count(&data.db.read).await? as i64;
        for row in rows.iter_mut().filter(|r| r.local) {
            row.user_count = Some(users);
        }
    }
    Ok(rows)
}

/// One institution of the directory by domain: this node or a Halqa node met.
pub async fn find(data: &Data<AppState>, domain: &str) -> AppResult<institution::Model> {
    let not_found = || AppError::not_found(format!("no known Halqa institution at {domain}"));
    let mut row = db::institutions::find(&data.db.read, domain)
        .await?
        .filter(|r| r.local || r.is_halqa)
        .ok_or_else(not_found)?;
    if row.local {
        row.user_count = Some(db::users::count(&data.db.read).await? as i64);
    }
    Ok(row)
}
