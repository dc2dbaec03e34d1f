//! `follow`: follow relations and pending follow requests, keyed by the Follow activity id.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follow")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub follower_id: i64,
    pub followee_id: i64,
    pub accepted: bool,
    pub created_at: DateTime<Utc>,
    /// Show the followee's boosts in the follower's home feed.
    pub show_reblogs: bool,
    /// Notify the follower of each new post (`status` notifications).
    pub notify: bool,
    /// JSON array of languages to show, or none for all.
    pub languages: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::actor::Entity",
        from = "Column::FollowerId",
        to = "super::actor::Column::Id"
    )]
    Follower,
    #[sea_orm(
        belongs_to = "super::actor::Entity",
        from = "Column::FolloweeId",
        to = "super::actor::Column::Id"
    )]
    Followee,
}

impl ActiveModelBehavior for ActiveModel {}
