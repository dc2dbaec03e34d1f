//! PLN API: mentorship requests — `POST /api/v1/pln/mentorship/offers/:id/requests`,
//! `GET /api/v1/pln/mentorship/requests?role=mentor|mentee&state=…` (and `/:id`), and the
//! decisions `POST …/requests/:id/accept|decline|withdraw`.
use super::{DEFAULT_LIMIT, MAX_LIMIT, entities, request_json};
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
    service::mentorship::requests::{self, RequestInput, STATES},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{get, post},
};
use entities::Request;
use serde::Deserialize;

/// The request routes (the create route is mounted with the offers).
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/pln/mentorship/requests", get(list_requests))
        .route("/api/v1/pln/mentorship/requests/{id}", get(show_request))
        .route(
            "/api/v1/pln/mentorship/requests/{id}/accept",
            post(accept_request),
        )
        .route(
            "/api/v1/pln/mentorship/requests/{id}/decline",
            post(decline_request),
        )
        .route(
            "/api/v1/pln/mentorship/requests/{id}/withdraw",
            post(withdraw_request),
        )
}

#[derive(Debug, Deserialize)]
pub struct RequestParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    goals: Vec<String>,
}

/// `POST /api/v1/pln/mentorship/offers/:id/requests`: ask the offer's mentor.
pub async fn create_request(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<RequestParams>,
) -> AppResult<Json<Request>> {
    auth.require("write")?;
    let input = RequestInput {
        message: form.params.message.unwrap_or_default(),
        goals: form.params.goals,
    };
    let row = requests::request_mentorship(&data, &auth.actor, parse_id(&id)?, input).await?;
    request_json(&data, &auth, row).await
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    role: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

/// `GET /api/v1/pln/mentorship/requests`: requests to me (`role=mentor`, the default) or mine.
async fn list_requests(
    data: Data<AppState>,
    auth: Auth,
    uri: OriginalUri,
    ApiQuery(p): ApiQuery<ListParams>,
) -> AppResult<Response> {
    auth.require("read")?;
    let as_mentor = match p.role.as_deref().unwrap_or("mentor") {
        "mentor" => true,
        "mentee" => false,
        other => {
            return Err(AppError::Invalid(format!(
                "role: unknown value {other:?}; allowed: mentor, mentee"
            )));
        }
    };
    let state = p.state.filter(|s| !s.is_empty());
    if let Some(s) = &state
        && !STATES.contains(&s.as_str())
    {
        return Err(AppError::Invalid(format!(
            "state: unknown value {s:?}; allowed: {}",
            STATES.join(", ")
        )));
    }
    let cursor = p.page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = db::mentorship::list_requests(
        &data.db.read,
        auth.actor.id,
        as_mentor,
        state.as_deref(),
        cursor,
    )
    .await?;
    let range = id_range(&rows, |r| r.id);
    let list = entities::requests(&data, auth.actor.id, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/mentorship/requests/:id` (its mentor and mentee only).
async fn show_request(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Request>> {
    auth.require("read")?;
    let row = db::mentorship::get_request(&data.db.read, parse_id(&id)?).await?;
    if row.mentor_id != auth.actor.id && row.mentee_id != auth.actor.id {
        return Err(AppError::not_found("request not found"));
    }
    request_json(&data, &auth, row).await
}

/// `POST …/requests/:id/accept` (the mentor).
async fn accept_request(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Request>> {
    auth.require("write")?;
    let (row, _) = requests::accept_request(&data, &auth.actor, parse_id(&id)?).await?;
    request_json(&data, &auth, row).await
}

#[derive(Debug, Deserialize)]
struct DeclineParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    reason: Option<String>,
}

/// `POST …/requests/:id/decline {reason}` (the mentor).
async fn decline_request(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<DeclineParams>,
) -> AppResult<Json<Request>> {
    auth.require("write")?;
    let reason = form.params.reason.unwrap_or_default();
    let row = requests::decline_request(&data, &auth.actor, parse_id(&id)?, &reason).await?;
    request_json(&data, &auth, row).await
}

/// `POST …/requests/:id/withdraw` (the mentee, while pending).
async fn withdraw_request(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Request>> {
    auth.require("write")?;
    let row = requests::withdraw_request(&data, &auth.actor, parse_id(&id)?).await?;
    request_json(&data, &auth, row).await
}
