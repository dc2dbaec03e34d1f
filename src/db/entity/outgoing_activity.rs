//! `outgoing_activity`: every activity a local actor sent, as the exact JSON delivered.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outgoing_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    /// The local actor that signs its deliveries.
    pub actor_id: i64,
    /// AS2 type (Create, Follow, …).
    pub kind: String,
    /// Addressed to the public collection (may be served at its id and listed in the outbox).
    pub public: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
