//! A status's edit history (each revision with the attachments and poll it had) and its
//! source text.
use super::{content_post, require_read, viewer, visible};
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        mastodon::entities::{
            Emojis,
            account::{self, Account},
            datetime, media,
        },
    },
    db::{self, entity::media_attachment},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use axum::{Json, extract::Path};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Mastodon's StatusEdit entity.
#[derive(Debug, Serialize)]
pub(super) struct StatusEdit {
    content: String,
    spoiler_text: String,
    sensitive: bool,
    created_at: String,
    account: Account,
    poll: Option<Value>,
    media_attachments: Vec<media::MediaAttachment>,
    emojis: Emojis,
}

/// A poll in a revision: its option titles only (StatusEdit's poll has no counts).
fn poll_json(options: &[String]) -> Value {
    json!({
        "options": options.iter().map(|title| json!({"title": title})).collect::<Vec<_>>()
    })
}

/// The attachments a revision recorded, with the alt text they had then (attachments deleted
/// since are left out).
fn revision_media(
    data: &Data<AppState>,
    recorded: &[db::posts::RevisionMedia],
    rows: &HashMap<i64, media_attachment::Model>,
) -> Vec<media::MediaAttachment> {
    recorded
        .iter()
        .filter_map(|m| {
            let row = rows.get(&m.id.parse::<i64>().ok()?)?;
            let mut entity = media::build(data, row);
            entity.description = m.description.clone();
            Some(entity)
        })
        .collect()
}

/// `GET /api/v1/statuses/:id/history`: earlier revisions oldest first, then the current one.
pub(super) async fn history(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<StatusEdit>>> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let author = db::actors::get_by_id(&data.db.read, post.author_id).await?;
    let account = account::account(&data, &author).await?;
    let revisions = db::posts::revisions(&data.db.read, post.id).await?;
    let recorded: Vec<i64> = revisions
        .iter()
        .flat_map(db::posts::revision_media)
        .filter_map(|m| m.id.parse().ok())
        .collect();
    let rows = db::posts::media_by_ids(&data.db.read, &recorded).await?;
    let mut edits: Vec<StatusEdit> = revisions
        .into_iter()
        .map(|r| StatusEdit {
            poll: db::posts::revision_poll(&r).map(|p| poll_json(&p.options)),
            media_attachments: revision_media(&data, &db::posts::revision_media(&r), &rows),
            content: r.content,
            spoiler_text: r.summary.unwrap_or_default(),
            sensitive: r.sensitive,
            created_at: datetime(&r.created_at),
            account: account.clone(),
            emojis: Vec::new(),
        })
        .collect();
    let media: Vec<media::MediaAttachment> = db::media::of_post(&data.db.read, post.id)
        .await?
        .iter()
        .map(|m| media::build(&data, m))
        .collect();
    let poll = db::polls::get(&data.db.read, post.id)
        .await?
        .map(|p| poll_json(&db::polls::options(&p)));
    edits.push(StatusEdit {
        content: post.content.clone(),
        spoiler_text: post.summary.clone().unwrap_or_default(),
        sensitive: post.sensitive,
        created_at: datetime(&post.edited_at.unwrap_or(post.published_at)),
        account,
        poll,
        media_attachments: media,
        emojis: Vec::new(),
    });
    Ok(Json(edits))
}

/// `GET /api/v1/statuses/:id/source`: the text as the author typed it (own statuses only).
pub(super) async fn source(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("read:statuses")?;
    let post = visible(&data, Some(&auth.actor), &id).await?;
    if post.author_id != auth.actor.id {
        return Err(AppError::not_found("Record not found"));
    }
    Ok(Json(json!({
        "id": post.id.to_string(),
        "text": post.source.clone().unwrap_or_else(|| crate::text::html_to_plain_text(&post.content)),
        "spoiler_text": post.summary.clone().unwrap_or_default(),
    })))
}
