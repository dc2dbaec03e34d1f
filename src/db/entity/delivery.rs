//! `delivery`: one row per (activity, inbox) still to send, sent, or given up on.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub activity_id: i64,
    pub inbox: String,
    /// `host[:port]` of the inbox, for per-host concurrency and health.
    pub host: String,
    /// See [`State`].
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// A worker holds the row until then; an expired lease (crashed worker) frees it.
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The states a delivery row moves through.
pub mod state {
    /// Waiting for its `next_attempt_at`.
    pub const PENDING: &str = "pending";
    /// The inbox answered 2xx.
    pub const DONE: &str = "done";
    /// Gave up: retries exhausted or an error that retrying cannot fix.
    pub const FAILED: &str = "failed";
    /// The inbox answered 410 Gone.
    pub const GONE: &str = "gone";
    /// Dropped because its host is marked unavailable.
    pub const SKIPPED: &str = "skipped";
}
