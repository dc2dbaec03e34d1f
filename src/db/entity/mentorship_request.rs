//! `mentorship_request`: a mentee's request for an offer (the FEP-0837 `Offer` activity, whose
//! id is `ap_id`), stored on the mentee's and the mentor's node.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub offer_id: i64,
    pub mentee_id: i64,
    pub mentor_id: i64,
    /// Plain text.
    pub message: String,
    /// JSON array of goal titles.
    pub goals: String,
    /// pending, accepted, declined or withdrawn.
    pub state: String,
    /// Why it was declined.
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
