//! `post`: statuses (Notes), local and remote; a boost is a post with `reblog_of_id`.
//! The table also has `replies_count`, `reblogs_count` and `favourites_count`, kept by database
//! triggers (migration 4) and left off this model so no code writes them; they are read through
//! `db::views::page_extras`.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub local: bool,
    pub author_id: i64,
    pub url: Option<String>,
    /// Sanitised HTML.
    pub content: String,
    /// The text the author typed (local posts only).
    pub source: Option<String>,
    /// Content warning.
    pub summary: Option<String>,
    pub sensitive: bool,
    /// public, unlisted, private (followers only) or direct.
    pub visibility: String,
    pub language: Option<String>,
    pub in_reply_to_ap_id: Option<String>,
    pub in_reply_to_id: Option<i64>,
    pub reblog_of_id: Option<i64>,
    pub published_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The OAuth app it was posted from (local posts).
    pub application_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
