//! `held_activity`: a mentorship activity for a local account that moved here, kept until the
//! account's archive import brings the agreement it belongs to (then replayed), 30 days at most.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "held_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// The local account it was addressed to.
    pub recipient_id: i64,
    /// The agreement's ActivityPub id (the activity's `context`, or `object` of a leave).
    pub context: String,
    /// The activity as received and verified (JSON).
    pub body: String,
    pub received_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
