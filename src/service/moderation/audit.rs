//! The audit log: every moderation action, role change and settings change, written in the
//! same transaction as the change it records.
use crate::{
    AppState,
    db::{self, entity::audit_log},
    error::AppResult,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ConnectionTrait, Set};

/// Records that `by` (None: the CLI) did `action` to `target_kind` `target_id`.
pub async fn record(
    db: &impl ConnectionTrait,
    state: &AppState,
    by: Option<i64>,
    action: &str,
    target_kind: &str,
    target_id: &str,
    note: &str,
) -> AppResult<audit_log::Model> {
    tracing::info!(?by, action, target_kind, target_id, "moderation action");
    db::audit::insert(
        db,
        audit_log::ActiveModel {
            id: Set(state.ids.next()),
            actor_id: Set(by),
            action: Set(action.to_string()),
            target_kind: Set(target_kind.to_string()),
            target_id: Set(target_id.to_string()),
            note: Set(note.to_string()),
            created_at: Set(Utc::now()),
        },
    )
    .await
}

/// A page of the log, newest first.
pub async fn page(
    data: &Data<AppState>,
    max_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<audit_log::Model>> {
    db::audit::page(&data.db.read, max_id, limit.clamp(1, 200)).await
}
