//! `domain_permission`: one block or allow entry for a domain, local (`subscription_id` null) or
//! brought in by a domain subscription.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_permission")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Lower-case host, with a port only when the entry is for one port (`localhost:3001`).
    pub domain: String,
    /// `block` or `allow`.
    pub kind: String,
    /// For blocks: `suspend`, `silence` (limit) or `noop` (only the flags apply).
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    /// Shown with letters replaced by `*` in public lists.
    pub obfuscate: bool,
    pub private_comment: String,
    pub public_comment: String,
    pub subscription_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
