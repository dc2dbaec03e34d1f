//! `account_import`: one background import for a local account — an account archive or one of
//! Mastodon's CSV files — with its stored upload, state (`queued`, `running`, `done`,
//! `failed`), progress counters and report (a JSON array of lines shown on the import page).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_import")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub actor_id: i64,
    /// `archive`, `following`, `lists`, `blocks`, `mutes` or `bookmarks`.
    pub kind: String,
    /// `merge` or `overwrite` (CSV imports; an archive always merges).
    pub mode: String,
    /// The upload, under the imports folder (removed once the import ends).
    pub file_name: String,
    /// The file name the user chose (shown on the page).
    pub original_name: String,
    pub state: String,
    /// Why the whole import was refused or stopped.
    pub error: Option<String>,
    pub total: i32,
    pub processed: i32,
    pub imported: i32,
    pub skipped: i32,
    /// JSON array of `{"kind", "item", "outcome", "reason"}`.
    pub report: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    /// Refreshed while a worker runs it; a stale one is taken over (the worker died).
    pub heartbeat_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
