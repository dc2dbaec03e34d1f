//! Queries on pinned statuses (`status_pin`): pin, unpin, count, and the pinned posts of an
//! account, most recently pinned first.
use crate::{
    db::entity::{post, remote_featured, status_pin},
    error::AppResult,
};
use chrono::{DateTime, Utc};
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

/// Remembers that remote actor `actor_id` publishes its pins at `collection_url` (kept when it
/// is unchanged, so its sync time survives a profile refresh).
pub async fn set_featured_url(
    db: &impl ConnectionTrait,
    actor_id: i64,
    collection_url: &str,
) -> AppResult<()> {
    match remote_featured::Entity::find_by_id(actor_id)
        .one(db)
        .await?
    {
        Some(row) if row.collection_url == collection_url => {}
        Some(row) => {
            let mut row: remote_featured::ActiveModel = row.into();
            row.collection_url = Set(collection_url.to_owned());
            row.synced_at = Set(None);
            row.update(db).await?;
        }
        None => {
            remote_featured::ActiveModel {
                actor_id: Set(actor_id),
                collection_url: Set(collection_url.to_owned()),
                synced_at: Set(None),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// The `featured` collection of remote actor `actor_id`, if it published one.
pub async fn featured_of(
    db: &impl ConnectionTrait,
    actor_id: i64,
) -> AppResult<Option<remote_featured::Model>> {
    Ok(remote_featured::Entity::find_by_id(actor_id)
        .one(db)
        .await?)
}

/// Claims a sync of `actor_id`'s pins: true (and the sync time set to now) when it was never
/// synced or last synced before `stale_before`, false when another sync is recent. One
/// conditional UPDATE, so two concurrent profile views start one fetch.
pub async fn claim_featured_sync(
    db: &impl ConnectionTrait,
    actor_id: i64,
    stale_before: DateTime<Utc>,
) -> AppResult<bool> {
    let claimed = remote_featured::Entity::update_many()
        .col_expr(
            remote_featured::Column::SyncedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(remote_featured::Column::ActorId.eq(actor_id))
        .filter(
            sea_orm::Condition::any()
                .add(remote_featured::Column::SyncedAt.is_null())
                .add(remote_featured::Column::SyncedAt.lt(stale_before)),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected > 0)
}

/// Makes `post_ids` (most recently pinned first) the pins of `actor_id`: others are removed,
/// new ones added, kept ones keep their order. `new_id` gives ids to new rows.
pub async fn replace(
    db: &impl ConnectionTrait,
    actor_id: i64,
    post_ids: &[i64],
    mut new_id: impl FnMut() -> i64,
) -> AppResult<()> {
    status_pin::Entity::delete_many()
        .filter(status_pin::Column::ActorId.eq(actor_id))
        .filter(status_pin::Column::PostId.is_not_in(post_ids.iter().copied()))
        .exec(db)
        .await?;
    // Pins list newest first by row id: insert from the oldest.
    for post_id in post_ids.iter().rev() {
        let id = new_id();
        insert(db, id, actor_id, *post_id).await?;
    }
    Ok(())
}
