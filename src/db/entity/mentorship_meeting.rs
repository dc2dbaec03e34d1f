//! `mentorship_meeting`: one entry of a mentorship's meeting log (date, notes, next steps).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_meeting")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub agreement_id: i64,
    pub author_id: i64,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// Plain text.
    pub notes: String,
    /// Plain text.
    pub next_steps: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
