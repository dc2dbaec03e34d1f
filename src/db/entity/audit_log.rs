//! `audit_log`: every moderation action, role change and settings change: who, what, on what,
//! with which note, when.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// The local actor who acted (None: the CLI, run by whoever holds the server).
    pub actor_id: Option<i64>,
    /// e.g. `account.suspend`, `account.role`, `report.resolve`, `setting.update`.
    pub action: String,
    /// account, report, invite or setting.
    pub target_kind: String,
    pub target_id: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
