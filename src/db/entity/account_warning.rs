//! `account_warning`: a message staff sent a local user with a moderation action (Mastodon's
//! AccountWarning); its id is also the id of the `moderation_warning` notification.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_warning")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// The warned local actor.
    pub target_id: i64,
    /// Mastodon's action names: none, disable, silence, suspend, delete_statuses.
    pub action: String,
    pub text: String,
    pub report_id: Option<i64>,
    /// JSON array of the post ids the warning is about.
    pub status_ids: String,
    /// The staff member who sent it (None: the CLI).
    pub created_by_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
