//! Polls: `GET /api/v1/polls/:id` and `POST /api/v1/polls/:id/votes` (`choices[]`).
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, de},
        mastodon::entities::poll::{self, Poll},
        parse_id,
    },
    db,
    error::AppResult,
    service::polls,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    routing::{get, post},
};
use serde::Deserialize;

/// The poll routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/polls/{id}", get(show))
        .route("/api/v1/polls/{id}/votes", post(vote))
}

/// The Poll entity of `poll_id` as `viewer` sees it.
async fn entity(data: &Data<AppState>, viewer: Option<i64>, poll_id: i64) -> AppResult<Poll> {
    let viewer_actor = match viewer {
        Some(id) => Some(db::actors::get_by_id(&data.db.read, id).await?),
        None => None,
    };
    let (post, row) = polls::get_visible(data, viewer_actor.as_ref(), poll_id).await?;
    let own = match viewer {
        Some(v) => Some(db::polls::choices_of(&data.db.read, post.id, v).await?),
        None => None,
    };
    Ok(poll::build(&row, own, viewer == Some(post.author_id)))
}

async fn show(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Poll>> {
    if let Some(a) = &auth.0 {
        a.require("read:statuses")?;
    }
    Ok(Json(entity(&data, auth.actor_id(), parse_id(&id)?).await?))
}

#[derive(Debug, Deserialize)]
struct VoteParams {
    #[serde(default, deserialize_with = "de::vec_i64")]
    choices: Vec<i64>,
}

async fn vote(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<VoteParams>,
) -> AppResult<Json<Poll>> {
    auth.require("write:statuses")?;
    let id = parse_id(&id)?;
    polls::vote(&data, &auth.actor, id, &form.params.choices).await?;
    Ok(Json(entity(&data, Some(auth.actor.id), id).await?))
}
