//! Queries on pinned statuses (`status_pin`): pin, unpin, count, and the pinned posts of an
//! account, most recently pinned first.
use crate::{
    db::entity::{post, status_pin},
    error::AppResult,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// Whether `actor_id` pinned `post_id`.
pub async fn is_pinned(db: &impl ConnectionTrait, actor_id: i64, post_id: i64) -> AppResult<bool> {
    Ok(status_pin::Entity::find()
        .filter(status_pin::Column::ActorId.eq(actor_id))
        .filter(status_pin::Column::PostId.eq(post_id))
        .count(db)
        .await?
        > 0)
}

/// How many live posts `actor_id` has pinned.
pub async fn count(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<u64> {
    Ok(pinned_posts(db, actor_id).await?.len() as u64)
}

/// Pins `post_id` for `actor_id` (nothing happens if it already is).
pub async fn insert(
    db: &impl ConnectionTrait,
    id: i64,
    actor_id: i64,
    post_id: i64,
) -> AppResult<()> {
    if is_pinned(db, actor_id, post_id).await? {
        return Ok(());
    }
    status_pin::ActiveModel {
        id: Set(id),
        actor_id: Set(actor_id),
        post_id: Set(post_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Unpins `post_id`; returns whether it was pinned.
pub async fn delete(db: &impl ConnectionTrait, actor_id: i64, post_id: i64) -> AppResult<bool> {
    Ok(status_pin::Entity::delete_many()
        .filter(status_pin::Column::ActorId.eq(actor_id))
        .filter(status_pin::Column::PostId.eq(post_id))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// The live posts `actor_id` pinned, most recently pinned first (a handful: no paging).
pub async fn pinned_posts(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<Vec<post::Model>> {
    let ids: Vec<i64> = status_pin::Entity::find()
        .select_only()
        .column(status_pin::Column::PostId)
        .filter(status_pin::Column::ActorId.eq(actor_id))
        .order_by_desc(status_pin::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let by_id = crate::db::views::posts_by_ids(db, &ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| by_id.get(id))
        .filter(|p| p.deleted_at.is_none() && p.author_id == actor_id)
        .cloned()
        .collect())
}
