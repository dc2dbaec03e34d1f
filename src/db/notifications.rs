//! Queries on notifications (insert with de-duplication, filtered pages, dismiss, clear, unread
//! counts) and on reading-position markers.
use crate::{
    db::entity::{block, follow, marker, mute, notification},
    db::paging::Cursor,
    error::AppResult,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, sea_query::OnConflict,
};

/// A notification of the same kind, from the same actor, about the same post.
pub async fn find_duplicate(
    db: &impl ConnectionTrait,
    recipient_id: i64,
    kind: &str,
    from_actor_id: i64,
    post_id: Option<i64>,
) -> AppResult<bool> {
    let mut query = notification::Entity::find()
        .filter(notification::Column::RecipientId.eq(recipient_id))
        .filter(notification::Column::Kind.eq(kind))
        .filter(notification::Column::FromActorId.eq(from_actor_id));
    query = match post_id {
        Some(id) => query.filter(notification::Column::PostId.eq(id)),
        None => query.filter(notification::Column::PostId.is_null()),
    };
    Ok(query.count(db).await? > 0)
}

/// Whether `recipient` does not want to hear from `from`: a block either way, or a live mute
/// that hides notifications.
pub async fn silenced(db: &impl ConnectionTrait, recipient: i64, from: i64) -> AppResult<bool> {
    let blocked = block::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(block::Column::ActorId.eq(recipient))
                        .add(block::Column::TargetId.eq(from)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(block::Column::ActorId.eq(from))
                        .add(block::Column::TargetId.eq(recipient)),
                ),
        )
        .count(db)
        .await?
        > 0;
    if blocked {
        return Ok(true);
    }
    let now = Utc::now();
    Ok(mute::Entity::find()
        .filter(mute::Column::ActorId.eq(recipient))
        .filter(mute::Column::TargetId.eq(from))
        .filter(mute::Column::HideNotifications.eq(true))
        .one(db)
        .await?
        .is_some_and(|m| m.expires_at.is_none_or(|e| e > now)))
}

/// Inserts a notification row.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: notification::ActiveModel,
) -> AppResult<notification::Model> {
    Ok(row.insert(db).await?)
}

/// The local followers of `author_id` who asked to be notified of its posts.
pub async fn notify_followers(db: &impl ConnectionTrait, author_id: i64) -> AppResult<Vec<i64>> {
    Ok(follow::Entity::find()
        .select_only()
        .column(follow::Column::FollowerId)
        .filter(follow::Column::FolloweeId.eq(author_id))
        .filter(follow::Column::Accepted.eq(true))
        .filter(follow::Column::Notify.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// Which notifications a list request wants.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    /// Only these kinds (empty: all).
    pub types: Vec<String>,
    /// Not these kinds.
    pub exclude_types: Vec<String>,
    /// Only from this actor.
    pub account_id: Option<i64>,
}

/// A page of `recipient`'s notifications, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    recipient: i64,
    filter: &NotificationFilter,
    cursor: Cursor,
) -> AppResult<Vec<notification::Model>> {
    let mut query =
        notification::Entity::find().filter(notification::Column::RecipientId.eq(recipient));
    if !filter.types.is_empty() {
        query = query.filter(notification::Column::Kind.is_in(filter.types.clone()));
    }
    if !filter.exclude_types.is_empty() {
        query = query.filter(notification::Column::Kind.is_not_in(filter.exclude_types.clone()));
    }
    if let Some(account) = filter.account_id {
        query = query.filter(notification::Column::FromActorId.eq(account));
    }
    let rows = cursor
        .apply(query, notification::Column::Id)
        .all(db)
        .await?;
    Ok(cursor.finish(rows))
}

/// One of `recipient`'s notifications.
pub async fn get(
    db: &impl ConnectionTrait,
    recipient: i64,
    id: i64,
) -> AppResult<Option<notification::Model>> {
    Ok(notification::Entity::find_by_id(id)
        .filter(notification::Column::RecipientId.eq(recipient))
        .one(db)
        .await?)
}

/// Deletes one of `recipient`'s notifications.
pub async fn dismiss(db: &impl ConnectionTrait, recipient: i64, id: i64) -> AppResult<()> {
    notification::Entity::delete_many()
        .filter(notification::Column::RecipientId.eq(recipient))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes all of `recipient`'s notifications.
pub async fn clear(db: &impl ConnectionTrait, recipient: i64) -> AppResult<()> {
    notification::Entity::delete_many()
        .filter(notification::Column::RecipientId.eq(recipient))
        .exec(db)
        .await?;
    Ok(())
}

/// How many of `recipient`'s notifications are newer than `after`, up to `limit`.
pub async fn count_after(
    db: &impl ConnectionTrait,
    recipient: i64,
    after: i64,
    limit: u64,
) -> AppResult<u64> {
    let ids: Vec<i64> = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::RecipientId.eq(recipient))
        .filter(notification::Column::Id.gt(after))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.len() as u64)
}

/// `owner`'s markers for `timelines`.
pub async fn markers(
    db: &impl ConnectionTrait,
    owner: i64,
    timelines: &[String],
) -> AppResult<Vec<marker::Model>> {
    Ok(marker::Entity::find()
        .filter(marker::Column::OwnerId.eq(owner))
        .filter(marker::Column::Timeline.is_in(timelines.iter().cloned()))
        .all(db)
        .await?)
}

/// Sets `owner`'s marker for `timeline`, bumping its version.
pub async fn set_marker(
    db: &impl ConnectionTrait,
    owner: i64,
    timeline: &str,
    last_read_id: &str,
) -> AppResult<marker::Model> {
    let existing = marker::Entity::find_by_id((owner, timeline.to_string()))
        .one(db)
        .await?;
    let now = Utc::now();
    match existing {
        Some(m) => {
            let version = m.version + 1;
            let mut row: marker::ActiveModel = m.into();
            row.last_read_id = Set(last_read_id.to_string());
            row.version = Set(version);
            row.updated_at = Set(now);
            Ok(row.update(db).await?)
        }
        None => {
            marker::Entity::insert(marker::ActiveModel {
                owner_id: Set(owner),
                timeline: Set(timeline.to_string()),
                last_read_id: Set(last_read_id.to_string()),
                version: Set(1),
                updated_at: Set(now),
            })
            .on_conflict(
                OnConflict::columns([marker::Column::OwnerId, marker::Column::Timeline])
                    .update_columns([marker::Column::LastReadId, marker::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            Ok(marker::Entity::find_by_id((owner, timeline.to_string()))
                .one(db)
                .await?
                .ok_or_else(|| crate::error::AppError::not_found("marker not found"))?)
        }
    }
}
