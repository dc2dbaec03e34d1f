//! Queries on scheduled statuses (`scheduled_status`): an account's list and limits, the due
//! ones, and the uploads they hold until they are published.
use crate::{
    db::{entity::scheduled_status, paging::Cursor},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// Stores a new scheduled status.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: scheduled_status::ActiveModel,
) -> AppResult<scheduled_status::Model> {
    Ok(row.insert(db).await?)
}

/// `actor_id`'s scheduled status `id`, or 404 (also when it is someone else's).
pub async fn get_own(
    db: &impl ConnectionTrait,
    actor_id: i64,
    id: i64,
) -> AppResult<scheduled_status::Model> {
    scheduled_status::Entity::find_by_id(id)
        .filter(scheduled_status::Column::ActorId.eq(actor_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// A page of `actor_id`'s scheduled statuses over their ids, newest first.
pub async fn list_own(
    db: &impl ConnectionTrait,
    actor_id: i64,
    cursor: Cursor,
) -> AppResult<Vec<scheduled_status::Model>> {
    let query =
        scheduled_status::Entity::find().filter(scheduled_status::Column::ActorId.eq(actor_id));
    let rows = cursor
        .apply(query, scheduled_status::Column::Id)
        .all(db)
        .await?;
    Ok(cursor.finish(rows))
}

/// How many statuses `actor_id` has scheduled, in all and for the `[from, to)` period.
pub async fn count_own(
    db: &impl ConnectionTrait,
    actor_id: i64,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> AppResult<u64> {
    let mut query =
        scheduled_status::Entity::find().filter(scheduled_status::Column::ActorId.eq(actor_id));
    if let Some((from, to)) = period {
        query = query
            .filter(scheduled_status::Column::ScheduledAt.gte(from))
            .filter(scheduled_status::Column::ScheduledAt.lt(to));
    }
    Ok(query.count(db).await?)
}

/// Moves a scheduled status to `at`.
pub async fn reschedule(
    db: &impl ConnectionTrait,
    row: scheduled_status::Model,
    at: DateTime<Utc>,
) -> AppResult<scheduled_status::Model> {
    let mut active: scheduled_status::ActiveModel = row.into();
    active.scheduled_at = Set(at);
    Ok(active.update(db).await?)
}

/// Deletes scheduled status `id`; false when it was already gone (published or cancelled).
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    Ok(scheduled_status::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Scheduled statuses due at `now`, oldest due first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<scheduled_status::Model>> {
    Ok(scheduled_status::Entity::find()
        .filter(scheduled_status::Column::ScheduledAt.lte(now))
        .order_by_asc(scheduled_status::Column::ScheduledAt)
        .order_by_asc(scheduled_status::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The ids of the uploads scheduled statuses will attach (so they are not cleaned up as
/// unattached while they wait).
pub async fn held_media_ids(db: &impl ConnectionTrait) -> AppResult<Vec<i64>> {
    let params: Vec<String> = scheduled_status::Entity::find()
        .select_only()
        .column(scheduled_status::Column::Params)
        .into_tuple()
        .all(db)
        .await?;
    #[derive(serde::Deserialize)]
    struct Media {
        #[serde(default)]
        media_ids: Vec<i64>,
    }
    Ok(params
        .iter()
        .filter_map(|p| serde_json::from_str::<Media>(p).ok())
        .flat_map(|m| m.media_ids)
        .collect())
}
