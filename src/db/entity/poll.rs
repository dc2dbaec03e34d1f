//! `poll`: a post's poll: options and counts as JSON arrays.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub post_id: i64,
    /// JSON array of option titles.
    pub options: String,
    /// JSON array of vote counts, one per option.
    pub vote_counts: String,
    pub multiple: bool,
    pub hide_totals: bool,
    pub voters_count: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// A coalesced `Update(Question)` is waiting to go out at this time (local polls).
    pub update_due_at: Option<DateTime<Utc>>,
    /// When its closing was handled (notifications, final update); None while open.
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
