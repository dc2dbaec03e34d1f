//! Queries of the remote-media cache (`service::remote_media`): remote images waiting for a
//! local copy, claiming one download attempt, recording the copy, and the copies to release
//! (expired, or their post deleted) and the detached remote rows to remove.
use crate::{
    db::entity::{media_attachment, post},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};

use media_attachment::Column as M;

/// Download attempts per remote file before it is left remote (the partial index
/// `idx_media_uncached` of migration 16 has the same bound).
pub const MAX_ATTEMPTS: i32 = 3;

/// Remote images of live posts, created after `since`, not cached and with attempts left,
/// oldest first.
pub async fn waiting(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<media_attachment::Model>> {
    Ok(media_attachment::Entity::find()
        .filter(M::RemoteUrl.is_not_null())
        .filter(M::FileName.is_null())
        .filter(M::CacheAttempts.lt(MAX_ATTEMPTS))
        .filter(M::PostId.is_not_null())
        .filter(M::Kind.is_in(["image", "gifv"]))
        .filter(M::CreatedAt.gt(since))
        .order_by_asc(M::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Takes one download attempt of `media`: false when another process took it first (or it
/// was cached meanwhile). A crash after this counts as a failed attempt.
pub async fn claim_attempt(
    db: &impl ConnectionTrait,
    media: &media_attachment::Model,
) -> AppResult<bool> {
    let claimed = media_attachment::Entity::update_many()
        .col_expr(M::CacheAttempts, Expr::col(M::CacheAttempts).add(1))
        .filter(M::Id.eq(media.id))
        .filter(M::CacheAttempts.eq(media.cache_attempts))
        .filter(M::FileName.is_null())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// A local copy of a remote image, as stored under the media dir.
#[derive(Debug, Clone)]
pub struct LocalCopy {
    pub file_name: String,
    pub preview_file_name: String,
    pub width: i32,
    pub height: i32,
    pub small_width: i32,
    pub small_height: i32,
    pub size_bytes: i64,
    pub blurhash: Option<String>,
}

/// Records the copy of `id`; false when the row went or left its post meanwhile (the caller
/// then removes the files).
pub async fn record_copy(
    db: &impl ConnectionTrait,
    id: i64,
    copy: LocalCopy,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let recorded = media_attachment::Entity::update_many()
        .col_expr(M::FileName, Expr::value(copy.file_name))
        .col_expr(M::PreviewFileName, Expr::value(copy.preview_file_name))
        .col_expr(M::Width, Expr::value(copy.width))
        .col_expr(M::Height, Expr::value(copy.height))
        .col_expr(M::SmallWidth, Expr::value(copy.small_width))
        .col_expr(M::SmallHeight, Expr::value(copy.small_height))
        .col_expr(M::SizeBytes, Expr::value(copy.size_bytes))
        .col_expr(M::Blurhash, Expr::value(copy.blurhash))
        .col_expr(M::CachedAt, Expr::value(now))
        .filter(M::Id.eq(id))
        .filter(M::FileName.is_null())
        .filter(M::PostId.is_not_null())
        .exec(db)
        .await?;
    Ok(recorded.rows_affected == 1)
}

/// Cached copies to release: made before `before`, or of a deleted post (detached rows go
/// whole, through [`delete_detached`]).
pub async fn to_release(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<media_attachment::Model>> {
    let deleted_posts = Query::select()
        .column(post::Column::Id)
        .from(post::Entity)
        .and_where(Expr::col(post::Column::DeletedAt).is_not_null())
        .to_owned();
    Ok(media_attachment::Entity::find()
        .filter(M::CachedAt.is_not_null())
        .filter(
            Condition::any()
                .add(M::CachedAt.lt(before))
                .add(M::PostId.in_subquery(deleted_posts)),
        )
        .order_by_asc(M::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Forgets the local copy of `id` (the caller removes its files); it is not fetched again.
pub async fn release(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    media_attachment::Entity::update_many()
        .col_expr(M::FileName, Expr::value(Option::<String>::None))
        .col_expr(M::PreviewFileName, Expr::value(Option::<String>::None))
        .col_expr(M::CachedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(M::CacheAttempts, Expr::value(MAX_ATTEMPTS))
        .filter(M::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes up to `limit` remote rows no post uses any more (their post replaced its
/// attachments) and returns them, so their cached files can be removed.
pub async fn delete_detached(
    db: &impl ConnectionTrait,
    limit: u64,
) -> AppResult<Vec<media_attachment::Model>> {
    let detached = || {
        Condition::all()
            .add(M::RemoteUrl.is_not_null())
            .add(M::PostId.is_null())
    };
    let ids: Vec<i64> = media_attachment::Entity::find()
        .select_only()
        .column(M::Id)
        .filter(detached())
        .order_by_asc(M::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(media_attachment::Entity::delete_many()
        .filter(M::Id.is_in(ids))
        .filter(detached())
        .exec_with_returning(db)
        .await?)
}
