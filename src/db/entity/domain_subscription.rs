//! `domain_subscription`: a block or allow list published at a URL that this node fetches
//! periodically and merges with its own entries.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_subscription")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub url: String,
    /// `block` or `allow`: what the list's entries become.
    pub kind: String,
    /// Higher wins when two subscriptions list the same domain.
    pub priority: i32,
    pub title: String,
    pub fetched_at: Option<DateTime<Utc>>,
    pub succeeded_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub entry_count: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
