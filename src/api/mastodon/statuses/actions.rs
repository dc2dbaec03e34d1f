//! What a signed-in account does to a status, each answering with the status in its new
//! state: favourite, boost (with its visibility), bookmark, pin to its profile, mute the
//! conversation, and their undo.
use super::{content_post, visible};
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::status::{self, Status},
    },
    error::AppResult,
    service::posts,
};
use activitypub_federation::config::Data;
use axum::{Json, extract::Path};
use serde::Deserialize;

/// A viewer's toggle on a status: each answers with the (original) status in its new state.
#[derive(Debug, Clone, Copy)]
enum Toggle {
    Favourite,
    Unfavourite,
    Unreblog,
    Bookmark,
    Unbookmark,
    Pin,
    Unpin,
    Mute,
    Unmute,
}

impl Toggle {
    fn scope(self) -> &'static str {
        match self {
            Toggle::Favourite | Toggle::Unfavourite => "write:favourites",
            Toggle::Unreblog => "write:statuses",
            Toggle::Bookmark | Toggle::Unbookmark => "write:bookmarks",
            Toggle::Pin | Toggle::Unpin => "write:accounts",
            Toggle::Mute | Toggle::Unmute => "write:mutes",
        }
    }
}

async fn toggle(
    data: &Data<AppState>,
    auth: &Auth,
    id: &str,
    what: Toggle,
) -> AppResult<Json<Status>> {
    auth.require(what.scope())?;
    let post = visible(data, Some(&auth.actor), id).await?;
    let actor = &auth.actor;
    // A pin is of the status itself (a boost id is refused); the rest act on the original.
    let post = match what {
        Toggle::Pin => {
            return pinned(data, actor, posts::pins::pin(data, actor, post.id).await?).await;
        }
        Toggle::Unpin => {
            return pinned(data, actor, posts::pins::unpin(data, actor, post.id).await?).await;
        }
        _ => content_post(data, post).await?,
    };
    match what {
        Toggle::Favourite => {
            posts::favourite(data, actor, post.id).await?;
        }
        Toggle::Unfavourite => posts::unfavourite(data, actor, post.id).await?,
        Toggle::Unreblog => posts::unreblog(data, actor, post.id).await?,
        Toggle::Bookmark => posts::bookmark(data, actor, post.id).await?,
        Toggle::Unbookmark => posts::unbookmark(data, actor, post.id).await?,
        Toggle::Mute => posts::pins::mute_conversation(data, actor, &post).await?,
        Toggle::Unmute => posts::pins::unmute_conversation(data, actor, &post).await?,
        Toggle::Pin | Toggle::Unpin => {}
    }
    Ok(Json(status::status(data, Some(actor.id), post).await?))
}

pub(super) async fn favourite(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Favourite).await
}

pub(super) async fn unfavourite(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unfavourite).await
}

pub(super) async fn unreblog(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unreblog).await
}

pub(super) async fn bookmark(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Bookmark).await
}

pub(super) async fn unbookmark(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unbookmark).await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReblogParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

pub(super) async fn reblog(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ReblogParams>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let post = visible(&data, Some(&auth.actor), &id).await?;
    let visibility = form
        .params
        .visibility
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "public".into());
    let boost = posts::reblog_as(&data, &auth.actor, post.id, &visibility).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), boost).await?,
    ))
}

/// The status after a pin change.
async fn pinned(
    data: &Data<AppState>,
    actor: &crate::db::entity::actor::Model,
    post: crate::db::entity::post::Model,
) -> AppResult<Json<Status>> {
    Ok(Json(status::status(data, Some(actor.id), post).await?))
}

pub(super) async fn pin(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Pin).await
}

pub(super) async fn unpin(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unpin).await
}

pub(super) async fn mute(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Mute).await
}

pub(super) async fn unmute(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unmute).await
}
