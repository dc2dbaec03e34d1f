//! Queries on media attachments: uploads before they are attached, attaching them to a post in
//! order, and the remote attachments that arrive with federated posts.
use crate::{
    db::entity::media_attachment,
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};

/// One attachment by id, or 404.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<media_attachment::Model> {
    media_attachment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// Stores a new attachment row.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: media_attachment::ActiveModel,
) -> AppResult<media_attachment::Model> {
    Ok(row.insert(db).await?)
}

/// Saves changed fields of an attachment.
pub async fn update(
    db: &impl ConnectionTrait,
    row: media_attachment::ActiveModel,
) -> AppResult<media_attachment::Model> {
    Ok(row.update(db).await?)
}

/// Removes an attachment row.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    media_attachment::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The attachments of a post, in order.
pub async fn of_post(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> AppResult<Vec<media_attachment::Model>> {
    Ok(media_attachment::Entity::find()
        .filter(media_attachment::Column::PostId.eq(post_id))
        .order_by_asc(media_attachment::Column::Position)
        .order_by_asc(media_attachment::Column::Id)
        .all(db)
        .await?)
}

/// Links `ids` (in this order) to `post_id` and detaches the post's other attachments.
pub async fn attach(db: &impl ConnectionTrait, post_id: i64, ids: &[i64]) -> AppResult<()> {
    media_attachment::Entity::update_many()
        .col_expr(
            media_attachment::Column::PostId,
            Expr::value(Option::<i64>::None),
        )
        .filter(media_attachment::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    for (position, id) in ids.iter().enumerate() {
        media_attachment::Entity::update_many()
            .col_expr(media_attachment::Column::PostId, Expr::value(Some(post_id)))
            .col_expr(
                media_attachment::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(i32::MAX)),
            )
            .filter(media_attachment::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A remote attachment as a federated post describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteMedia {
    pub kind: String,
    pub content_type: Option<String>,
    pub url: String,
    pub description: Option<String>,
    pub blurhash: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub focus: Option<(f64, f64)>,
}

/// Replaces the attachments of remote post `post_id` by `media` (in the caller's transaction).
pub async fn replace_remote(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    post_id: i64,
    author_id: i64,
    media: &[RemoteMedia],
) -> AppResult<()> {
    let existing = of_post(db, post_id).await?;
    let unchanged = existing.len() == media.len()
        && existing.iter().zip(media).all(|(row, m)| {
            row.remote_url.as_deref() == Some(m.url.as_str())
                && row.description == m.description
                && row.blurhash == m.blurhash
        });
    if unchanged {
        return Ok(());
    }
    // Detached rather than deleted: the media job removes detached remote rows with their
    // cached files (`db::remote_media::detached`), which a transaction cannot do.
    media_attachment::Entity::update_many()
        .col_expr(
            media_attachment::Column::PostId,
            Expr::value(Option::<i64>::None),
        )
        .filter(media_attachment::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    for (position, m) in media.iter().enumerate() {
        media_attachment::ActiveModel {
            id: Set(ids.next()),
            actor_id: Set(author_id),
            post_id: Set(Some(post_id)),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            kind: Set(m.kind.clone()),
            content_type: Set(m.content_type.clone()),
            file_name: Set(None),
            preview_file_name: Set(None),
            remote_url: Set(Some(m.url.clone())),
            description: Set(m.description.clone()),
            blurhash: Set(m.blurhash.clone()),
            width: Set(m.width),
            height: Set(m.height),
            small_width: Set(None),
            small_height: Set(None),
            size_bytes: Set(None),
            focus_x: Set(m.focus.map(|f| f.0)),
            focus_y: Set(m.focus.map(|f| f.1)),
            processed: Set(true),
            created_at: Set(now),
            cache_attempts: Set(0),
            cached_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
