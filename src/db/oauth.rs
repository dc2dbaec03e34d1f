//! Queries on `oauth_app`, `oauth_code` and `oauth_token`: registering apps, issuing and
//! consuming authorization codes (single use; a replay revokes the tokens the code issued), and
//! issuing, rotating, revoking and touching tokens.
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

/// How long a code is kept after it expires, so that a replay of a redeemed code is still
/// recognised (and revokes its tokens) rather than looking merely expired.
const KEEP_EXPIRED_CODES: Duration = Duration::days(1);

/// Stores an authorization code, clearing out long-expired ones on the way.
pub async fn insert_code(
    db: &impl ConnectionTrait,
    row: oauth_code::ActiveModel,
) -> AppResult<oauth_code::Model> {
    oauth_code::Entity::delete_many()
        .filter(oauth_code::Column::ExpiresAt.lt(Utc::now() - KEEP_EXPIRED_CODES))
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

/// Marks a code redeemed; `false` if it already was (another request used it first). The row
/// stays, so a replay can be told apart from an unknown code.
pub async fn consume_code(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    let result = oauth_code::Entity::update_many()
        .col_expr(oauth_code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(oauth_code::Column::Id.eq(id))
        .filter(oauth_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes every live token issued from code `code_id` (directly or by refreshing one that
/// was): a replayed code means it leaked (RFC 6749 §4.1.2). Returns how many were revoked.
pub async fn revoke_tokens_of_code(db: &impl ConnectionTrait, code_id: i64) -> AppResult<u64> {
    let result = oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(oauth_token::Column::CodeId.eq(code_id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
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
