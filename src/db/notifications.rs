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
    QueryOrder, QuerySelect, Set, sea_query::OnConflict,
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

/// The kinds Mastodon groups (4.3's grouped notifications; 4.4 added sign-ups).
pub const GROUPED_KINDS: [&str; 4] = ["favourite", "reblog", "follow", "admin.sign_up"];

/// The longest span of one group, in hours, as Mastodon's `MAXIMUM_GROUP_SPAN_HOURS`.
const GROUP_SPAN_HOURS: i64 = 12;

/// Inserts a notification row, with its group key for a kind that groups.
pub async fn insert(
    db: &impl ConnectionTrait,
    mut row: notification::ActiveModel,
) -> AppResult<notification::Model> {
    let key = match (&row.kind, &row.recipient_id, &row.post_id, &row.created_at) {
        (Set(kind), Set(recipient), Set(post_id), Set(at))
            if GROUPED_KINDS.contains(&kind.as_str()) =>
        {
            Some(group_key(db, *recipient, kind, *post_id, *at).await?)
        }
        _ => None,
    };
    row.group_key = Set(key);
    Ok(row.insert(db).await?)
}

/// Mastodon's group key: `<kind>-<status id or empty>-<hour>`, where the hour is the one the
/// latest notification of the same kind about the same status started its group in, unless
/// that was 12 hours or more before `at` (then `at`'s own hour starts a new group).
async fn group_key(
    db: &impl ConnectionTrait,
    recipient: i64,
    kind: &str,
    post_id: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> AppResult<String> {
    let prefix = format!(
        "{kind}-{}",
        post_id.map(|id| id.to_string()).unwrap_or_default()
    );
    let mut query = notification::Entity::find()
        .select_only()
        .column(notification::Column::GroupKey)
        .filter(notification::Column::RecipientId.eq(recipient))
        .filter(notification::Column::Kind.eq(kind))
        .filter(notification::Column::GroupKey.is_not_null());
    query = match post_id {
        Some(id) => query.filter(notification::Column::PostId.eq(id)),
        None => query.filter(notification::Column::PostId.is_null()),
    };
    let latest: Option<Option<String>> = query
        .order_by_desc(notification::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    let hour = at.timestamp().div_euclid(3600);
    let started = latest
        .flatten()
        .and_then(|key| key.rsplit('-').next()?.parse::<i64>().ok())
        .filter(|started| hour >= *started && hour < started + GROUP_SPAN_HOURS);
    Ok(format!("{prefix}-{}", started.unwrap_or(hour)))
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

/// Rows read per query while gathering a page of groups.
const GROUP_SCAN_BATCH: u64 = 200;
/// Most rows one page of groups reads (a burst of thousands of favourites on one status still
/// answers quickly; the next page goes on from where this one stopped).
const GROUP_SCAN_MAX: usize = 2_000;

/// The rows behind a page of `cursor.limit` notification groups, newest first: every row
/// matching `filter` from the cursor on (older than `max_id`, or upward from `min_id`), up to
/// the row that would start one group too many. `key` names a row's group.
pub async fn group_page_rows(
    db: &impl ConnectionTrait,
    recipient: i64,
    filter: &NotificationFilter,
    cursor: Cursor,
    key: impl Fn(&notification::Model) -> String,
) -> AppResult<Vec<notification::Model>> {
    let forward = cursor.min_id.is_some();
    let mut edge = Cursor {
        limit: GROUP_SCAN_BATCH,
        ..cursor
    };
    let mut keys = std::collections::HashSet::new();
    let mut rows = Vec::new();
    'scan: loop {
        let mut batch = page(db, recipient, filter, edge).await?;
        let more = batch.len() as u64 == GROUP_SCAN_BATCH;
        if forward {
            batch.reverse();
        }
        for row in batch {
            let group = key(&row);
            if !keys.contains(&group) {
                if keys.len() as u64 == cursor.limit {
                    break 'scan;
                }
                keys.insert(group);
            }
            if forward {
                edge.min_id = Some(row.id);
            } else {
                edge.max_id = Some(row.id);
            }
            rows.push(row);
            if rows.len() == GROUP_SCAN_MAX {
                break 'scan;
            }
        }
        if !more {
            break;
        }
    }
    if forward {
        rows.reverse();
    }
    Ok(rows)
}

/// `recipient`'s notifications in group `key` (a stored key, or `ungrouped-<id>`), newest
/// first, at most `limit`.
pub async fn group_rows(
    db: &impl ConnectionTrait,
    recipient: i64,
    key: &str,
    limit: u64,
) -> AppResult<Vec<notification::Model>> {
    let query =
        notification::Entity::find().filter(notification::Column::RecipientId.eq(recipient));
    let query = match key.strip_prefix("ungrouped-").map(str::parse::<i64>) {
        Some(Ok(id)) => query.filter(notification::Column::Id.eq(id)),
        _ => query.filter(notification::Column::GroupKey.eq(key)),
    };
    Ok(query
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Deletes `recipient`'s notifications in group `key` (as [`group_rows`] reads it).
pub async fn dismiss_group(db: &impl ConnectionTrait, recipient: i64, key: &str) -> AppResult<()> {
    let query =
        notification::Entity::delete_many().filter(notification::Column::RecipientId.eq(recipient));
    let query = match key.strip_prefix("ungrouped-").map(str::parse::<i64>) {
        Some(Ok(id)) => query.filter(notification::Column::Id.eq(id)),
        _ => query.filter(notification::Column::GroupKey.eq(key)),
    };
    query.exec(db).await?;
    Ok(())
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
