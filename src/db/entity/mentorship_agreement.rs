//! `mentorship_agreement`: a mentorship, i.e. an accepted request (the FEP-0837 `Agreement`
//! minted by the mentor's node, whose id is `ap_id`), stored on both parties' nodes.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_agreement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    #[sea_orm(unique)]
    pub request_id: i64,
    pub offer_id: i64,
    pub mentor_id: i64,
    pub mentee_id: i64,
    /// active or ended.
    pub state: String,
    pub reflection: Option<String>,
    pub ended_by_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether `actor_id` is the mentor or the mentee.
    pub fn is_party(&self, actor_id: i64) -> bool {
        self.mentor_id == actor_id || self.mentee_id == actor_id
    }

    /// The party that is not `actor_id`.
    pub fn other_party(&self, actor_id: i64) -> i64 {
        if self.mentor_id == actor_id {
            self.mentee_id
        } else {
            self.mentor_id
        }
    }
}
