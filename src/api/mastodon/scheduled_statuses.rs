//! `/api/v1/scheduled_statuses`: the signed-in account's statuses waiting to be published —
//! list (paged), show, move (`PUT` with a new `scheduled_at`) and cancel. They are created by
//! `POST /api/v1/statuses` with `scheduled_at`.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::{
            entities::scheduled_status::{ScheduledStatus, scheduled_status, scheduled_statuses},
            statuses::scheduled_at,
        },
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    error::{AppError, AppResult},
    service::scheduled,
};
use activitypub_federation::config::Data;
use axum::{Json, Router, extract::Path, http::Uri, response::Response, routing::get};
use serde::Deserialize;
use serde_json::{Value, json};

/// The scheduled-status routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/scheduled_statuses", get(index))
        .route(
            "/api/v1/scheduled_statuses/{id}",
            get(show).put(update).delete(destroy),
        )
}

/// `GET /api/v1/scheduled_statuses` (20 by default, at most 40, newest first).
async fn index(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:statuses")?;
    let rows = scheduled::list(&data, &auth.actor, page.cursor(20, 40)).await?;
    let range = id_range(&rows, |r| r.id);
    paged(
        data.urls.base(),
        &uri,
        scheduled_statuses(&data, &rows).await?,
        range,
    )
}

/// `GET /api/v1/scheduled_statuses/:id`.
async fn show(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ScheduledStatus>> {
    auth.require("read:statuses")?;
    let row = scheduled::get(&data, &auth.actor, parse_id(&id)?).await?;
    Ok(Json(scheduled_status(&data, &row).await?))
}

#[derive(Debug, Default, Deserialize)]
struct UpdateParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    scheduled_at: Option<String>,
}

/// `PUT /api/v1/scheduled_statuses/:id`: moves it to `scheduled_at`.
async fn update(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<UpdateParams>,
) -> AppResult<Json<ScheduledStatus>> {
    auth.require("write:statuses")?;
    let at = scheduled_at(form.params.scheduled_at.as_deref())?
        .ok_or_else(|| AppError::Invalid("scheduled_at is required".into()))?;
    let row = scheduled::reschedule(&data, &auth.actor, parse_id(&id)?, at).await?;
    Ok(Json(scheduled_status(&data, &row).await?))
}

/// `DELETE /api/v1/scheduled_statuses/:id`: `{}`.
async fn destroy(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:statuses")?;
    scheduled::cancel(&data, &auth.actor, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}
