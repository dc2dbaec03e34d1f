//! `circle`: what a local circle (an `actor` row of kind `Group`) has that actors don't:
//! visibility (`public` or `approval`), creator, moderators and rules.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "circle")]
pub struct Model {
    /// The circle's `actor` row.
    #[sea_orm(primary_key, auto_increment = false)]
    pub actor_id: i64,
    pub creator_id: i64,
    /// `public` (joins are accepted at once) or `approval` (a moderator admits each member).
    pub visibility: String,
    /// Plain text.
    pub rules: String,
    /// JSON array of the moderators' (local) actor ids; the creator is always one.
    pub moderators: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The moderators' actor ids (an unreadable value reads as the creator alone).
    pub fn moderator_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = serde_json::from_str(&self.moderators).unwrap_or_default();
        if !ids.contains(&self.creator_id) {
            ids.insert(0, self.creator_id);
        }
        ids
    }

    pub fn is_moderator(&self, actor_id: i64) -> bool {
        self.moderator_ids().contains(&actor_id)
    }
}
