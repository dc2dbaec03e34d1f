//! `collection`: an ordered, curated set of teaching resources (AS2 `OrderedCollection`), local
//! or remote, owned by an actor (a person, later a circle); `note_ap_id` links it to its
//! readable `Note` status. Deleted collections keep their row with `deleted_at`.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collection")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub local: bool,
    /// The owning actor (a person, or a circle's `Group`).
    pub owner_id: i64,
    pub note_ap_id: Option<String>,
    /// The collection's web page (on its home server).
    pub url: Option<String>,
    pub title: String,
    /// Plain text.
    pub description: String,
    /// JSON arrays of vocabulary codes / language tags.
    pub subjects: String,
    pub levels: String,
    pub languages: String,
    /// `public`, `approval` or `private`.
    pub visibility: String,
    /// Where this collection was first published, when it came from an account archive
    /// (migration 24).
    pub original_url: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
