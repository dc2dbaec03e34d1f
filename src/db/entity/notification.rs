//! `notification`: notifications for local users, in Mastodon's types.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub recipient_id: i64,
    /// mention, status, reblog, follow, follow_request, favourite, poll, update, admin.report, …
    pub kind: String,
    pub from_actor_id: i64,
    pub post_id: Option<i64>,
    pub report_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Mastodon's group key for the kinds that group (favourite, reblog, follow,
    /// admin.sign_up); null for the others, which read as `ungrouped-<id>`.
    pub group_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
