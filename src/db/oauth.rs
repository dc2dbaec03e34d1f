//! Queries on `oauth_app`, `oauth_code` and `oauth_token`: registering apps, issuing and
//! consuming authorization codes (single use), and issuing, rotating, revoking and touching tokens.
//! Secrets, codes and tokens are looked up by their SHA-256 hashes only.
use crate::{
    db::entity::{oauth_app, oauth_code, oauth_token},
    error::AppResult,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::Expr,
};

/// Stores a new app.
pub async fn insert_app(
    db: &impl ConnectionTrait,
    row: oauth_app::ActiveModel,
) -> AppResult<oauth_app::Model> {
    Ok(row.insert(db).await?)
}

/// An app by its public `client_id`.
pub async fn find_app_by_client_id(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> AppResult<Option<oauth_app::Model>> {
    Ok(oauth_app::Entity::find()
        .filter(oauth_app::Column::ClientId.eq(client_id))
        .one(db)
        .await?)
}

/// An app by id.
pub async fn get_app(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<oauth_app::Model>> {
    Ok(oauth_app::Entity::find_by_id(id).one(db).await?)
}

/// Stores an authorization code, clearing out expired ones on the way.
pub async fn insert_code(
    db: &impl ConnectionTrait,
    row: oauth_code::ActiveModel,
) -> AppResult<oauth_code::Model> {
    oauth_code::Entity::delete_many()
        .filter(oauth_code::Column::ExpiresAt.lt(Utc::now()))
        .exec(db)
        .await?;
    Ok(row.insert(db).await?)
}

/// An authorization code by its hash (expired or not: the caller checks).
pub async fn find_code(
    db: &impl ConnectionTrait,
    code_hash: &str,
) -> AppResult<Option<oauth_code::Model>> {
    Ok(oauth_code::Entity::find()
        .filter(oauth_code::Column::CodeHash.eq(code_hash))
        .one(db)
        .await?)
}

/// Deletes a code; `false` if it was already gone (another request used it first).
pub async fn consume_code(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    let result = oauth_code::Entity::delete_by_id(id).exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// Stores a token row.
pub async fn insert_token(
    db: &impl ConnectionTrait,
    row: oauth_token::ActiveModel,
) -> AppResult<oauth_token::Model> {
    Ok(row.insert(db).await?)
}

/// A live (not revoked) token by the hash of its refresh token.
pub async fn find_by_refresh(
    db: &impl ConnectionTrait,
    refresh_hash: &str,
) -> AppResult<Option<oauth_token::Model>> {
    Ok(oauth_token::Entity::find()
        .filter(oauth_token::Column::RefreshTokenHash.eq(refresh_hash))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// A live token whose access or refresh token has this hash.
pub async fn find_by_either_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> AppResult<Option<oauth_token::Model>> {
    Ok(oauth_token::Entity::find()
        .filter(
            Condition::any()
                .add(oauth_token::Column::TokenHash.eq(hash))
                .add(oauth_token::Column::RefreshTokenHash.eq(hash)),
        )
        .filter(oauth_token::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// Revokes a token; `false` if it was already revoked (a concurrent refresh won).
pub async fn revoke_token(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    let result = oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(oauth_token::Column::Id.eq(id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records that a token was used at `now`, unless that was already recorded within the last
/// hour (so a busy client does not write on every request, and several processes agree).
pub async fn touch_token(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::LastUsedAt, Expr::value(now))
        .filter(oauth_token::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(oauth_token::Column::LastUsedAt.is_null())
                .add(oauth_token::Column::LastUsedAt.lt(now - Duration::hours(1))),
        )
        .exec(db)
        .await?;
    Ok(())
}
