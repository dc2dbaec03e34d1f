//! `media_attachment`: uploaded (local) and federated (remote) media; attached to a post once it is published.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media_attachment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Who uploaded it (or the remote author).
    pub actor_id: i64,
    pub post_id: Option<i64>,
    pub position: i32,
    /// image, gifv, video, audio or unknown.
    pub kind: String,
    pub content_type: Option<String>,
    /// The stored original under the media dir (local uploads).
    pub file_name: Option<String>,
    /// The stored preview under the media dir.
    pub preview_file_name: Option<String>,
    /// The original's URL on its home server (remote media).
    pub remote_url: Option<String>,
    /// Alt text.
    pub description: Option<String>,
    pub blurhash: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub small_width: Option<i32>,
    pub small_height: Option<i32>,
    pub size_bytes: Option<i64>,
    pub focus_x: Option<f64>,
    pub focus_y: Option<f64>,
    /// False while an upload is still being processed.
    pub processed: bool,
    pub created_at: DateTime<Utc>,
    /// Remote media: downloads tried by the cacher (`service::remote_media`), which stops after
    /// a few.
    pub cache_attempts: i32,
    /// Remote media: when the local copy (`file_name`) was made; `None` while not cached.
    pub cached_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
