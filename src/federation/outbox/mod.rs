//! The one door from services to the network: each function builds an activity, works out its
//! recipients (deduplicated by shared inbox) and enqueues it in the caller's transaction, so the
//! change and its deliveries commit together. `service::commit` then wakes the workers.
//! One submodule per subject (`posts`, `accounts`, `mentorship`, `resources`, `collections`); every function is
//! re-exported here, so callers write `outbox::post_created`.
mod accounts;
mod circles;
mod collections;
mod mentorship;
mod moves;
mod posts;
mod resources;

pub use accounts::*;
pub use circles::*;
pub use collections::*;
pub use mentorship::*;
pub use moves::*;
pub use posts::*;
pub use resources::*;

use crate::{
    AppState,
    db::{self, entity::actor},
    error::AppResult,
    federation::{context::default_context, urls::host_of},
};
use activitypub_federation::{config::Data, protocol::context::WithContext};
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use std::collections::BTreeSet;
use url::Url;

/// What is stored with an activity besides its body.
struct Envelope<'a> {
    /// Row id; the activity's `ap_id` is `urls.activity(id)` unless the activity has its own.
    id: i64,
    kind: &'a str,
    /// Addressed to the public: servable at its id.
    public: bool,
}

/// Stores `activity` (signed later by `actor`) and one delivery per distinct remote inbox.
async fn enqueue<T: Serialize>(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
    envelope: Envelope<'_>,
    activity: T,
    inboxes: impl IntoIterator<Item = String>,
) -> AppResult<()> {
    let Envelope { id, kind, public } = envelope;
    let body = serde_json::to_string(&WithContext::new(activity, default_context()))
        .map_err(|e| anyhow::anyhow!("serialising {kind}: {e}"))?;
    let policy = &data.domain_policy;
    let unavailable: BTreeSet<String> = db::deliveries::unavailable_hosts(txn)
        .await?
        .into_iter()
        .collect();
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for inbox in inboxes {
        let Ok(url) = Url::parse(&inbox) else {
            continue;
        };
        let Some(host) = host_of(&url) else { continue };
        if data.urls.is_local(&url) || policy.is_blocked(&host) || !seen.insert(inbox.clone()) {
            continue;
        }
        let skip = unavailable.contains(&host);
        rows.push((inbox, host, skip));
    }
    db::deliveries::enqueue(
        txn,
        &data.ids,
        db::deliveries::NewActivity {
            ap_id: &data.urls.activity(id),
            id,
            actor_id: actor.id,
            kind,
            public,
            body: &body,
            inboxes: rows,
        },
    )
    .await
}

fn remote_inbox(actor: &actor::Model) -> Option<String> {
    (!actor.local).then(|| actor.delivery_inbox().to_string())
}

fn url(s: &str) -> AppResult<Url> {
    Ok(Url::parse(s).map_err(|e| anyhow::anyhow!("bad URL {s}: {e}"))?)
}
