//! `report`: reports from local users and received `Flag`s.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub reporter_id: i64,
    pub target_id: i64,
    /// JSON array of reported post ids.
    pub status_ids: String,
    pub comment: String,
    /// spam, legal, violation or other.
    pub category: String,
    /// JSON array of rule ids.
    pub rule_ids: String,
    pub forwarded: bool,
    pub action_taken_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The staff member's actor handling it.
    pub assigned_id: Option<i64>,
    /// The staff member's actor who resolved it.
    pub action_taken_by_id: Option<i64>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
