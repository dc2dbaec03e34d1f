//! The files of an account archive (`halqa-archive.json` format version 1) as serde types:
//! the manifest, resources, collections and mentorships. `actor.json` and `outbox.json` are
//! ActivityStreams documents (a `Person`, an `OrderedCollection` of `Create(Note)`), read as
//! JSON values; the CSV files are Mastodon's.
use crate::service::resources::ResourceLink;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The manifest's file name.
pub const MANIFEST: &str = "halqa-archive.json";
/// What `format` says in every Halqa archive.
pub const FORMAT: &str = "halqa-archive";
/// The version this node writes and reads.
pub const VERSION: u32 = 1;
/// The JSON files, besides the manifest.
pub const ACTOR: &str = "actor.json";
pub const OUTBOX: &str = "outbox.json";
pub const RESOURCES: &str = "resources.json";
pub const COLLECTIONS: &str = "collections.json";
pub const MENTORSHIPS: &str = "mentorships.json";
/// The folder of the resources' files.
pub const MEDIA_DIR: &str = "media/";

/// `halqa-archive.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    pub version: u32,
    /// The node that wrote it (its domain).
    pub node: String,
    /// The account's ActivityPub id.
    pub actor: String,
    /// `user@domain`.
    pub account: String,
    pub created_at: DateTime<Utc>,
    /// The software that wrote it (`Halqa x.y.z`).
    #[serde(default)]
    pub generator: String,
}

/// A file of a resource: an upload stored in the archive (`path` under `media/`), or a
/// reference to a file on another node (a remix's original; `path` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceFile {
    #[serde(default)]
    pub path: Option<String>,
    /// Where it was served.
    pub url: String,
    pub media_type: String,
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub name: String,
}

/// One resource of `resources.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Its ActivityPub id (the `Page`).
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    /// Its readable status's id.
    #[serde(default)]
    pub note: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    /// Sanitised HTML, for readers of the archive.
    #[serde(default)]
    pub body_html: String,
    pub license: String,
    pub resource_type: String,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub links: Vec<ResourceLink>,
    #[serde(default)]
    pub files: Vec<ResourceFile>,
    /// The resource it remixes (attribution to someone else's work).
    #[serde(default)]
    pub based_on: Option<String>,
    /// Where it was first published, when it was itself imported.
    #[serde(default)]
    pub original_url: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A resource in a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionItem {
    /// The resource's ActivityPub id.
    pub resource: String,
    /// Its readable status's id, when known.
    #[serde(default)]
    pub note: Option<String>,
    /// The owner's note on the item.
    #[serde(default)]
    pub comment: String,
}

/// One collection of `collections.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// `public`, `approval` or `private`.
    pub visibility: String,
    #[serde(default)]
    pub items: Vec<CollectionItem>,
    pub published_at: DateTime<Utc>,
}

/// The offer a mentorship came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub region: Option<String>,
}

/// The request that started a mentorship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub goals: Vec<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
}

/// A shared goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    /// Its author's actor id.
    pub author: String,
    pub title: String,
    #[serde(default)]
    pub done: bool,
    #[serde(default)]
    pub done_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A meeting note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: String,
    pub author: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub next_steps: String,
    pub created_at: DateTime<Utc>,
}

/// A message of the private thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub author: String,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

/// One mentorship of `mentorships.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentorship {
    /// The agreement's ActivityPub id (on the mentor's node).
    pub id: String,
    /// The account's role: `mentor` or `mentee`.
    pub role: String,
    /// The other party's actor id.
    pub other_party: String,
    pub offer: Offer,
    pub request: Request,
    /// `active` or `ended`.
    pub state: String,
    #[serde(default)]
    pub reflection: Option<String>,
    /// The actor id of whoever ended it.
    #[serde(default)]
    pub ended_by: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub messages: Vec<Message>,
}
