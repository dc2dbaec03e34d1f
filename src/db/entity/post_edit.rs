//! `post_edit`: earlier revisions of edited posts (status history).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_edit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub post_id: i64,
    pub content: String,
    pub summary: Option<String>,
    pub sensitive: bool,
    /// JSON array of this revision's attachments: `[{"id": "…", "description": …}]`.
    pub media: String,
    /// JSON of this revision's poll (`{"options": […], "multiple": …}`), if it had one.
    pub poll: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
