//! Queries on `invite`: invite codes with expiry and a number of uses, consumed atomically.
use crate::{db::entity::invite, error::AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Condition, Expr, ExprTrait},
};

/// Inserts an invite.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: invite::ActiveModel,
) -> AppResult<invite::Model> {
    Ok(row.insert(db).await?)
}

/// Every invite, newest first.
pub async fn all(db: &impl ConnectionTrait) -> AppResult<Vec<invite::Model>> {
    Ok(invite::Entity::find()
        .order_by_desc(invite::Column::Id)
        .all(db)
        .await?)
}

/// An invite by id.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<invite::Model>> {
    Ok(invite::Entity::find_by_id(id).one(db).await?)
}

/// An invite by its code.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<Option<invite::Model>> {
    Ok(invite::Entity::find()
        .filter(invite::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Takes one use of an invite if it is still live at `now` (not revoked, not expired, not used
/// up), in one conditional update so two sign-ups cannot share the last use. True if taken.
pub async fn take_use(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let result = invite::Entity::update_many()
        .col_expr(invite::Column::Uses, Expr::col(invite::Column::Uses).add(1))
        .filter(invite::Column::Id.eq(id))
        .filter(invite::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(invite::Column::ExpiresAt.is_null())
                .add(invite::Column::ExpiresAt.gt(now)),
        )
        .filter(
            Condition::any()
                .add(invite::Column::MaxUses.is_null())
                .add(Expr::col(invite::Column::Uses).lt(Expr::col(invite::Column::MaxUses))),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes an invite (no further sign-ups with it).
pub async fn revoke(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    invite::Entity::update_many()
        .col_expr(invite::Column::RevokedAt, Expr::value(now))
        .filter(invite::Column::Id.eq(id))
        .filter(invite::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Gives back a use taken by [`take_use`] when the sign-up it was for failed.
pub async fn give_back_use(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    invite::Entity::update_many()
        .col_expr(invite::Column::Uses, Expr::col(invite::Column::Uses).sub(1))
        .filter(invite::Column::Id.eq(id))
        .filter(invite::Column::Uses.gt(0))
        .exec(db)
        .await?;
    Ok(())
}
