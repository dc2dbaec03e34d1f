//! `mentorship_offer`: a mentorship offer (FEP-0837 `Proposal`), local or remote, with its
//! facets, capacity and state; `note_ap_id` links it to its readable `Note` status.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_offer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub local: bool,
    /// The mentor.
    pub author_id: i64,
    /// The id of the offer's public `Note` (a `post` row once it is stored here).
    pub note_ap_id: Option<String>,
    /// The offer's web page.
    pub url: Option<String>,
    pub title: String,
    /// Plain text.
    pub description: String,
    /// JSON arrays of vocabulary codes / language tags.
    pub subjects: String,
    pub levels: String,
    pub languages: String,
    /// online, in_person, hybrid.
    pub format: String,
    pub region: Option<String>,
    pub capacity: i32,
    /// Places left (capacity minus active mentorships).
    pub available: i32,
    /// open, full or closed.
    pub state: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
