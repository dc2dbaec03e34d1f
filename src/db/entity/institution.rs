//! `institution`: one row per host — this node's institution profile (`local`) and each remote
//! host met, with what its NodeInfo said and when it was last refreshed.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution")]
pub struct Model {
    /// `host[:port]`, lowercase.
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain: String,
    /// This node's own profile.
    pub local: bool,
    /// NodeInfo `software.name` / `software.version`.
    pub software_name: Option<String>,
    pub software_version: Option<String>,
    /// Whether the host runs Halqa (so it gets the rich PLN objects).
    pub is_halqa: bool,
    /// Institution profile (empty for hosts that are not Halqa nodes).
    pub name: String,
    /// A code of `vocabulary::INSTITUTION_KINDS`.
    pub kind: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    /// JSON array of language tags.
    pub languages: String,
    /// Plain text.
    pub description: String,
    /// The institution's `Organization` actor.
    pub actor_url: Option<String>,
    /// NodeInfo `usage.users.total`, when given.
    pub user_count: Option<i64>,
    pub first_seen_at: DateTime<Utc>,
    /// Last successful NodeInfo refresh.
    pub refreshed_at: Option<DateTime<Utc>>,
    /// Last refresh attempt, successful or not.
    pub attempted_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (cleared by a success).
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The languages, decoded from their JSON column (unreadable reads as empty).
    pub fn language_list(&self) -> Vec<String> {
        serde_json::from_str(&self.languages).unwrap_or_default()
    }
}
