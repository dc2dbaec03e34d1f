//! `resource`: a teaching resource (AS2 `Page` with LRMI terms), local or remote, with its
//! licence and facets; `note_ap_id` links it to its readable `Note` status. Deleted resources
//! keep their row (with `deleted_at`) so collections can still name them.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub local: bool,
    pub author_id: i64,
    /// The id of the resource's public `Note` (a `post` row once it is stored here).
    pub note_ap_id: Option<String>,
    /// The resource's web page (on its home server).
    pub url: Option<String>,
    pub title: String,
    /// Plain text.
    pub description: String,
    /// Markdown as the author typed it (remote: the `source` the server sent, else empty).
    pub body_source: String,
    /// Sanitised HTML.
    pub body_html: String,
    /// A licence id of `service::resources::licenses::LICENSES`.
    pub license: String,
    /// lesson_plan, worksheet, assessment, slides, reading, video or link.
    pub resource_type: String,
    /// JSON arrays of vocabulary codes / language tags.
    pub subjects: String,
    pub levels: String,
    pub languages: String,
    /// ISO 8601 duration (`PT45M`) or a short text.
    pub duration: Option<String>,
    /// JSON array of strings.
    pub prerequisites: String,
    /// JSON array of `{url, title}`.
    pub links: String,
    /// The resource this one remixes (its ActivityPub id or page), kept for attribution.
    pub based_on: Option<String>,
    /// Where this resource was first published, when it came from an account archive
    /// (migration 24): the author's own earlier copy, shown as its origin.
    pub original_url: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
