//! PLN API: the mentorship space, for its two parties only (404 for anyone else) —
//! `GET /api/v1/pln/mentorships[/:id]`, goals (`POST …/:id/goals`, `PATCH …/goals/:goal_id`),
//! the meeting log and the private thread (`GET`/`POST …/:id/meetings`, `…/:id/messages`),
//! `POST …/:id/end`, and the PLN notifications at `GET /api/v1/pln/mentorship/notifications`.
use super::{DEFAULT_LIMIT, MAX_LIMIT, entities};
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db,
    error::{AppError, AppResult},
    service::mentorship::space::{self, MeetingInput},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{get, patch, post},
};
use entities::{Goal, Meeting, Mentorship, Message};
use serde::Deserialize;

/// The mentorship space routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/pln/mentorships", get(list_mentorships))
        .route("/api/v1/pln/mentorships/{id}", get(show_mentorship))
        .route("/api/v1/pln/mentorships/{id}/goals", post(add_goal))
        .route(
            "/api/v1/pln/mentorships/{id}/goals/{goal_id}",
            patch(update_goal).put(update_goal),
        )
        .route(
            "/api/v1/pln/mentorships/{id}/meetings",
            get(list_meetings).post(log_meeting),
        )
        .route(
            "/api/v1/pln/mentorships/{id}/messages",
            get(list_messages).post(send_message),
        )
        .route("/api/v1/pln/mentorships/{id}/end", post(end_mentorship))
        .route(
            "/api/v1/pln/mentorship/notifications",
            get(list_notifications),
        )
}

/// `GET /api/v1/pln/mentorships`: mine, as mentor or mentee.
async fn list_mentorships(
    data: Data<AppState>,
    auth: Auth,
    uri: OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read")?;
    let cursor = page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = db::mentorship::list_agreements(&data.db.read, auth.actor.id, cursor).await?;
    let range = id_range(&rows, |m| m.id);
    let list = entities::mentorships(&data, auth.actor.id, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/mentorships/:id`.
async fn show_mentorship(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Mentorship>> {
    auth.require("read")?;
    let m = space::get_mentorship(&data, &auth.actor, parse_id(&id)?).await?;
    Ok(Json(entities::mentorship(&data, auth.actor.id, m).await?))
}

#[derive(Debug, Deserialize)]
struct GoalParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    done: Option<bool>,
}

/// `POST /api/v1/pln/mentorships/:id/goals {title}`.
async fn add_goal(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<GoalParams>,
) -> AppResult<Json<Goal>> {
    auth.require("write")?;
    let title = form.params.title.unwrap_or_default();
    let g = space::add_goal(&data, &auth.actor, parse_id(&id)?, &title).await?;
    Ok(Json(entities::goal(&g)))
}

/// `PATCH /api/v1/pln/mentorships/:id/goals/:goal_id {done}`.
async fn update_goal(
    data: Data<AppState>,
    auth: Auth,
    Path((id, goal_id)): Path<(String, String)>,
    form: ApiForm<GoalParams>,
) -> AppResult<Json<Goal>> {
    auth.require("write")?;
    let done = form
        .params
        .done
        .ok_or_else(|| AppError::Invalid("done (true or false) is required".into()))?;
    let g = space::set_goal_done(
        &data,
        &auth.actor,
        parse_id(&id)?,
        parse_id(&goal_id)?,
        done,
    )
    .await?;
    Ok(Json(entities::goal(&g)))
}

/// `GET /api/v1/pln/mentorships/:id/meetings`: the meeting log, newest first.
async fn list_meetings(
    data: Data<AppState>,
    auth: Auth,
    uri: OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read")?;
    let m = space::get_mentorship(&data, &auth.actor, parse_id(&id)?).await?;
    let cursor = page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = db::mentorship::meetings_of(&data.db.read, m.id, cursor).await?;
    let range = id_range(&rows, |r| r.id);
    let list: Vec<Meeting> = rows.iter().map(entities::meeting).collect();
    paged(data.urls.base(), &uri.0, list, range)
}

#[derive(Debug, Deserialize)]
struct MeetingParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    date: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    notes: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    next_steps: Option<String>,
}

/// `POST /api/v1/pln/mentorships/:id/meetings {date, notes, next_steps}`.
async fn log_meeting(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<MeetingParams>,
) -> AppResult<Json<Meeting>> {
    auth.require("write")?;
    let p = form.params;
    let input = MeetingInput {
        date: p.date.unwrap_or_default(),
        notes: p.notes.unwrap_or_default(),
        next_steps: p.next_steps.unwrap_or_default(),
    };
    let m = space::log_meeting(&data, &auth.actor, parse_id(&id)?, input).await?;
    Ok(Json(entities::meeting(&m)))
}

/// `GET /api/v1/pln/mentorships/:id/messages`: the private thread, newest first.
async fn list_messages(
    data: Data<AppState>,
    auth: Auth,
    uri: OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read")?;
    let m = space::get_mentorship(&data, &auth.actor, parse_id(&id)?).await?;
    let cursor = page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = db::mentorship::messages_of(&data.db.read, m.id, cursor).await?;
    let range = id_range(&rows, |r| r.id);
    let list: Vec<Message> = rows.iter().map(entities::message).collect();
    paged(data.urls.base(), &uri.0, list, range)
}

#[derive(Debug, Deserialize)]
struct MessageParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    content: Option<String>,
}

/// `POST /api/v1/pln/mentorships/:id/messages {content}`.
async fn send_message(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<MessageParams>,
) -> AppResult<Json<Message>> {
    auth.require("write")?;
    let content = form.params.content.unwrap_or_default();
    let m = space::send_message(&data, &auth.actor, parse_id(&id)?, &content).await?;
    Ok(Json(entities::message(&m)))
}

#[derive(Debug, Deserialize)]
struct EndParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    reflection: Option<String>,
}

/// `POST /api/v1/pln/mentorships/:id/end {reflection}` (either party).
async fn end_mentorship(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<EndParams>,
) -> AppResult<Json<Mentorship>> {
    auth.require("write")?;
    let reflection = form.params.reflection.unwrap_or_default();
    let m = space::end_mentorship(&data, &auth.actor, parse_id(&id)?, &reflection).await?;
    Ok(Json(entities::mentorship(&data, auth.actor.id, m).await?))
}

/// `GET /api/v1/pln/mentorship/notifications`: my PLN notifications, newest first.
async fn list_notifications(
    data: Data<AppState>,
    auth: Auth,
    uri: OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read")?;
    let cursor = page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = db::mentorship::events_of(&data.db.read, auth.actor.id, cursor).await?;
    let range = id_range(&rows, |e| e.id);
    let list = entities::events(&data, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}
