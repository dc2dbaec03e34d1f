//! Notifications: `GET /api/v1/notifications` (`types[]`, `exclude_types[]` — unknown values
//! ignored — `account_id`, paging over notification ids with Link), `GET /:id`, `POST /clear`,
//! `POST /:id/dismiss` (and the legacy `POST /dismiss` with `id`), `GET /unread_count` (from the
//! notifications marker), and the P2 shapes `GET/PATCH /api/v2/notifications/policy` and
//! `GET /api/v1/notifications/requests` (`[]`) with `/requests/merged` (always merged). The
//! grouped v2 API is in [`grouped`].
mod grouped;

use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::notification::{self, Notification},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::{self, notifications::NotificationFilter},
    error::{AppError, AppResult},
    service::notifications::KINDS,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

/// The notification routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/clear", post(clear))
        .route("/api/v1/notifications/dismiss", post(dismiss_legacy))
        .route("/api/v1/notifications/unread_count", get(unread_count))
        .route("/api/v1/notifications/requests", get(requests))
        .route(
            "/api/v1/notifications/requests/merged",
            get(requests_merged),
        )
        .route("/api/v1/notifications/{id}", get(show))
        .route("/api/v1/notifications/{id}/dismiss", post(dismiss))
        .route("/api/v2/notifications/policy", get(policy).patch(policy))
        .merge(grouped::routes())
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(flatten)]
    page: PageParams,
    #[serde(default, deserialize_with = "de::vec_string")]
    types: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    exclude_types: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
}

/// Known kinds only (clients send types from newer Mastodon versions).
fn known(kinds: &[String]) -> Vec<String> {
    kinds
        .iter()
        .filter(|k| KINDS.contains(&k.as_str()))
        .cloned()
        .collect()
}

async fn list(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<ListParams>,
) -> AppResult<Response> {
    auth.require("read:notifications")?;
    let types = known(&params.types);
    if !params.types.is_empty() && types.is_empty() {
        // Only unknown types asked for: nothing can match.
        return paged::<Notification>(data.urls.base(), &uri, Vec::new(), None);
    }
    let filter = NotificationFilter {
        types,
        exclude_types: known(&params.exclude_types),
        account_id: params.account_id,
    };
    let cursor = params.page.cursor(40, 80);
    let rows = db::notifications::page(&data.db.read, auth.actor.id, &filter, cursor).await?;
    let range = id_range(&rows, |n| n.id);
    let mut items = notification::notifications(&data, auth.actor.id, &rows).await?;
    filter_statuses(&data, auth.actor.id, &mut items).await?;
    paged(data.urls.base(), &uri, items, range)
}

/// The viewer's `notifications` filters: mark the statuses, drop notifications whose status a
/// `hide` filter matches.
async fn filter_statuses(
    data: &Data<AppState>,
    viewer: i64,
    items: &mut Vec<Notification>,
) -> AppResult<()> {
    let mut statuses: Vec<_> = items.iter().filter_map(|n| n.status.clone()).collect();
    if statuses.is_empty() {
        return Ok(());
    }
    super::timelines::apply_filters(data, Some(viewer), "notifications", &mut statuses).await?;
    items.retain_mut(|n| match &n.status {
        None => true,
        Some(s) => match statuses.iter().find(|f| f.id == s.id) {
            Some(filtered) => {
                n.status = Some(filtered.clone());
                true
            }
            None => false,
        },
    });
    Ok(())
}

async fn show(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Notification>> {
    auth.require("read:notifications")?;
    let row = db::notifications::get(&data.db.read, auth.actor.id, parse_id(&id)?)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    notification::notifications(&data, auth.actor.id, &[row])
        .await?
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| AppError::not_found("Record not found"))
}

async fn clear(data: Data<AppState>, auth: Auth) -> AppResult<Json<Value>> {
    auth.require("write:notifications")?;
    db::notifications::clear(&data.db.write, auth.actor.id).await?;
    Ok(Json(json!({})))
}

async fn dismiss(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:notifications")?;
    db::notifications::dismiss(&data.db.write, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
struct DismissParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    id: Option<i64>,
}

async fn dismiss_legacy(
    data: Data<AppState>,
    auth: Auth,
    ApiForm { params, .. }: ApiForm<DismissParams>,
) -> AppResult<Json<Value>> {
    auth.require("write:notifications")?;
    let id = params
        .id
        .ok_or_else(|| AppError::Invalid("id is required".into()))?;
    db::notifications::dismiss(&data.db.write, auth.actor.id, id).await?;
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
struct CountParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

async fn unread_count(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<CountParams>,
) -> AppResult<Json<Value>> {
    auth.require("read:notifications")?;
    let limit = params.limit.filter(|n| *n > 0).unwrap_or(100).min(1000) as u64;
    let after = last_read(&data, auth.actor.id).await?;
    let count = db::notifications::count_after(&data.db.read, auth.actor.id, after, limit).await?;
    Ok(Json(json!({ "count": count })))
}

/// The id in `viewer`'s notifications marker (0 when none is set).
async fn last_read(data: &Data<AppState>, viewer: i64) -> AppResult<i64> {
    let markers =
        db::notifications::markers(&data.db.read, viewer, &["notifications".into()]).await?;
    Ok(markers
        .first()
        .and_then(|m| m.last_read_id.parse::<i64>().ok())
        .unwrap_or(0))
}

async fn requests(auth: Auth) -> AppResult<Json<Vec<Value>>> {
    auth.require("read:notifications")?;
    Ok(Json(Vec::new()))
}

/// Nothing waits to be merged: Halqa filters nothing into requests.
async fn requests_merged(auth: Auth) -> AppResult<Json<Value>> {
    auth.require("read:notifications")?;
    Ok(Json(json!({ "merged": true })))
}

/// Halqa filters nothing into requests: everything is accepted.
async fn policy(auth: Auth) -> AppResult<Json<Value>> {
    auth.require("read:notifications")?;
    Ok(Json(json!({
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
        "filter_not_following": false,
        "filter_not_followers": false,
        "filter_new_accounts": false,
        "filter_private_mentions": false,
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0}
    })))
}
