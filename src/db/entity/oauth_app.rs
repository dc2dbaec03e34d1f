//! `oauth_app`: OAuth client applications registered through `POST /api/v1/apps`; the secret is stored hashed.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_app")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    /// SHA-256 of the client secret.
    pub client_secret_hash: String,
    pub name: String,
    pub website: Option<String>,
    /// Newline-separated redirect URIs.
    pub redirect_uris: String,
    /// Space-separated scopes the app may ask for.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
