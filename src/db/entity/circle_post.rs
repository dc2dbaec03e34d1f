//! `circle_post`: a post shared to a local circle, with the circle's boost of it (its
//! `Announce`) and, once a moderator took it down, when.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "circle_post")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub circle_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub post_id: i64,
    /// The circle's boost (a `post` row whose `ap_id` is the Announce's id).
    pub boost_id: Option<i64>,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
