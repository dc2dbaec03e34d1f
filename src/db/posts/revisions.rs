//! Edit revisions (`post_edit`): each earlier version of a post with the attachments (ids and
//! alt texts) and poll options it had, for the status history.
use crate::{
    db::entity::{media_attachment, post, post_edit},
    error::AppResult,
    ids::IdGenerator,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// An attachment as an earlier revision had it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RevisionMedia {
    /// The attachment's id, as a string (as the API shows ids).
    pub id: String,
    pub description: Option<String>,
}

/// A poll as an earlier revision had it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RevisionPoll {
    pub options: Vec<String>,
    #[serde(default)]
    pub multiple: bool,
}

/// The attachments an earlier revision recorded.
pub fn revision_media(edit: &post_edit::Model) -> Vec<RevisionMedia> {
    serde_json::from_str(&edit.media).unwrap_or_default()
}

/// The poll an earlier revision recorded.
pub fn revision_poll(edit: &post_edit::Model) -> Option<RevisionPoll> {
    edit.poll
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
}

/// Stores `post` as it is now — text, attachments (ids and alt texts) and poll options — as an
/// earlier revision (before an edit replaces it).
pub async fn save_revision(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    post: &post::Model,
) -> AppResult<()> {
    let media: Vec<RevisionMedia> = crate::db::media::of_post(db, post.id)
        .await?
        .into_iter()
        .map(|m| RevisionMedia {
            id: m.id.to_string(),
            description: m.description,
        })
        .collect();
    let poll = crate::db::polls::get(db, post.id)
        .await?
        .map(|p| RevisionPoll {
            options: crate::db::polls::options(&p),
            multiple: p.multiple,
        });
    post_edit::ActiveModel {
        id: Set(ids.next()),
        post_id: Set(post.id),
        content: Set(post.content.clone()),
        summary: Set(post.summary.clone()),
        sensitive: Set(post.sensitive),
        media: Set(serde_json::to_string(&media).unwrap_or_else(|_| "[]".into())),
        poll: Set(poll.and_then(|p| serde_json::to_string(&p).ok())),
        created_at: Set(post.edited_at.unwrap_or(post.published_at)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Attachments by id (those that still exist), for revisions and scheduled statuses.
pub async fn media_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, media_attachment::Model>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(media_attachment::Entity::find()
        .filter(media_attachment::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// Earlier revisions of a post, oldest first.
pub async fn revisions(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> AppResult<Vec<post_edit::Model>> {
    Ok(post_edit::Entity::find()
        .filter(post_edit::Column::PostId.eq(post_id))
        .order_by_asc(post_edit::Column::Id)
        .all(db)
        .await?)
}
