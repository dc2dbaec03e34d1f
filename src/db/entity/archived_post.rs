//! `archived_post`: a post of an imported account archive, kept as it was (sanitised HTML) and
//! listed on the profile's archive page; never federated again, never in a timeline.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "archived_post")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub actor_id: i64,
    /// The post's id on its first server.
    pub ap_id: String,
    /// Its page there.
    pub url: Option<String>,
    /// Sanitised HTML.
    pub content: String,
    pub summary: Option<String>,
    pub language: Option<String>,
    pub sensitive: bool,
    pub published_at: DateTime<Utc>,
    pub imported_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
