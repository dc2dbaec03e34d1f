//! `resource_attachment`: a file of a resource, in order: an upload on this node (`media_id`)
//! or a document on the resource's home server, with its type, size and name.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_attachment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub resource_id: i64,
    pub position: i32,
    /// The `media_attachment` row of a local upload.
    pub media_id: Option<i64>,
    pub url: String,
    pub media_type: String,
    pub size_bytes: Option<i64>,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
