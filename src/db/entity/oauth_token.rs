//! `oauth_token`: bearer and refresh tokens, stored as SHA-256 hashes only.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    #[sea_orm(unique)]
    pub refresh_token_hash: Option<String>,
    /// The app it was issued to (none for tokens minted by the CLI).
    pub app_id: Option<i64>,
    /// The local user it acts for; none for client-credentials tokens.
    pub user_id: Option<i64>,
    /// Space-separated OAuth scopes.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The authorization code it was issued from (kept through refreshes), so a replayed code
    /// revokes every token it led to (RFC 6749 §4.1.2).
    pub code_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
