//! Queries on `web_session` (browser logins, stored as the SHA-256 of the cookie).
use crate::{
    db::entity::{local_user, web_session},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Inserts a session row.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: web_session::ActiveModel,
) -> AppResult<web_session::Model> {
    Ok(row.insert(db).await?)
}

/// The live session with this token hash and its user.
pub async fn find_live(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(web_session::Model, local_user::Model)>> {
    let Some(session) = web_session::Entity::find()
        .filter(web_session::Column::TokenHash.eq(token_hash))
        .filter(web_session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let user = local_user::Entity::find_by_id(session.user_id)
        .one(db)
        .await?;
    Ok(user.map(|u| (session, u)))
}

/// Deletes the session with this token hash (log out).
pub async fn delete_by_hash(db: &impl ConnectionTrait, token_hash: &str) -> AppResult<()> {
    web_session::Entity::delete_many()
        .filter(web_session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes sessions that ended before `now`.
pub async fn delete_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<u64> {
    Ok(web_session::Entity::delete_many()
        .filter(web_session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Moves a session's end (sliding expiry) and records when it was last used.
pub async fn touch(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    web_session::Entity::update_many()
        .col_expr(
            web_session::Column::LastSeenAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            web_session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(web_session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets a user's interface language (`None`: follow the browser).
pub async fn set_locale(
    db: &impl ConnectionTrait,
    user_id: i64,
    locale: Option<String>,
) -> AppResult<()> {
    local_user::Entity::update_many()
        .col_expr(
            local_user::Column::Locale,
            sea_orm::sea_query::Expr::value(locale),
        )
        .filter(local_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes every session of a user (their password changed: every browser logs in again).
pub async fn delete_of_user(db: &impl ConnectionTrait, user_id: i64) -> AppResult<()> {
    web_session::Entity::delete_many()
        .filter(web_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
