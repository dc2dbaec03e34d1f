//! `mentorship_event`: a PLN notification for a local party (request received, accepted,
//! declined, withdrawn; goal, meeting, message; ended; offer full; a followed collection's
//! additions and removals, follow requests and approvals).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub from_actor_id: i64,
    pub offer_id: Option<i64>,
    pub request_id: Option<i64>,
    pub agreement_id: Option<i64>,
    /// A collection notification's collection and resource (migration 11).
    pub collection_id: Option<i64>,
    pub resource_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
