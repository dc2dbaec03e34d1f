//! Every state change and permission rule. Handlers, the CLI and inbound activities all call
//! these functions, so local and remote changes obey the same rules. Services reach the network
//! only through `federation::outbox`.
pub mod accounts;
pub mod archive;
pub mod circles;
pub mod collections;
pub mod counts;
pub mod dashboard;
pub mod documents;
pub mod endorsements;
pub mod events;
pub mod exports;
pub mod federation_policy;
pub mod filters;
pub mod follows;
pub mod imports;
pub mod institutions;
pub mod lists;
pub mod media;
pub mod mentorship;
pub mod moderation;
pub mod moves;
pub mod notifications;
pub mod password_resets;
pub mod pln_search;
pub mod polls;
pub mod posts;
pub mod profiles;
pub mod registrations;
pub mod relationships;
pub mod remote_interaction;
pub mod remote_media;
pub mod reports;
pub mod resources;
pub mod scheduled;
pub mod search;
pub mod settings;
pub mod timelines;
pub mod vocabulary;
pub mod web_sessions;

use crate::{AppState, error::AppResult};
use activitypub_federation::config::Data;
use sea_orm::DatabaseTransaction;

/// Commits a transaction that may have enqueued deliveries, then wakes the delivery workers and
/// publishes the streaming events it staged.
pub async fn commit(data: &Data<AppState>, txn: DatabaseTransaction) -> AppResult<()> {
    txn.commit().await?;
    data.delivery.wake();
    data.events.flush();
    Ok(())
}
