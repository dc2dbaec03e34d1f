//! Queries on `password_reset`: storing a link's token hash, finding it, and using it once.
use crate::{
    db::entity::{local_user, password_reset},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};

/// Stores a new link.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: password_reset::ActiveModel,
) -> AppResult<password_reset::Model> {
    Ok(row.insert(db).await?)
}

/// The link with this token hash and its user, if both exist.
pub async fn find_by_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> AppResult<Option<(password_reset::Model, local_user::Model)>> {
    let Some(link) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let user = local_user::Entity::find_by_id(link.user_id).one(db).await?;
    Ok(user.map(|u| (link, u)))
}

/// Marks the link used at `now` if it was still unused and unexpired; false when another
/// request used it first (or it ended), so a link works exactly once.
pub async fn mark_used(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let done = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Ends the unused links of a user (a new link or a new password replaces them).
pub async fn expire_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::ExpiresAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(())
}
