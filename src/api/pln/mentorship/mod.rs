//! PLN API: mentorship. Offers and the directory across the federation (this file), requests
//! and decisions ([`requests`]), the mentorship space ([`space`]); the JSON shapes are in
//! [`entities`]. Lists are paged with Mastodon's `max_id`/`since_id`/`min_id`/`limit` and Link
//! headers.
pub mod entities;
mod requests;
mod space;

use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::{self, mentorship::OfferFilter},
    error::{AppError, AppResult},
    service::mentorship::{
        offers::{self, OfferChanges, OfferInput},
        suggestions,
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{Offer, Request, Suggested};
use serde::Deserialize;

/// Items per page (20 by default, at most 40).
pub(crate) const DEFAULT_LIMIT: u64 = 20;
pub(crate) const MAX_LIMIT: u64 = 40;

/// The mentorship routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/pln/mentorship/offers",
            get(list_offers).post(create_offer),
        )
        .route(
            "/api/v1/pln/mentorship/offers/{id}",
            get(show_offer)
                .patch(update_offer)
                .put(update_offer)
                .delete(withdraw_offer),
        )
        .route(
            "/api/v1/pln/mentorship/offers/{id}/close",
            post(close_offer),
        )
        .route(
            "/api/v1/pln/mentorship/offers/{id}/requests",
            post(requests::create_request),
        )
        .route("/api/v1/pln/mentorship/suggestions", get(list_suggestions))
        .merge(requests::routes())
        .merge(space::routes())
}

#[derive(Debug, Deserialize)]
struct DirectoryParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    level: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    format: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    open_only: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    author_id: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `GET /api/v1/pln/mentorship/offers`: local and remote offers this node knows.
async fn list_offers(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    ApiQuery(p): ApiQuery<DirectoryParams>,
) -> AppResult<Response> {
    let filter = OfferFilter {
        subject: non_empty(p.subject),
        level: non_empty(p.level),
        language: non_empty(p.language),
        region: non_empty(p.region),
        format: non_empty(p.format),
        open_only: p.open_only.unwrap_or(false),
        author_id: non_empty(p.author_id).map(|a| parse_id(&a)).transpose()?,
    };
    let rows = offers::directory(&data, filter, p.page.cursor(DEFAULT_LIMIT, MAX_LIMIT)).await?;
    let range = id_range(&rows, |o| o.id);
    let list = entities::offers(&data, auth.actor_id(), &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/mentorship/offers/:id`.
async fn show_offer(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Offer>> {
    let row = db::mentorship::get_offer(&data.db.read, parse_id(&id)?).await?;
    Ok(Json(entities::offer(&data, auth.actor_id(), row).await?))
}

#[derive(Debug, Default, Deserialize)]
struct OfferParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    subjects: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    levels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    format: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    capacity: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    starts_at: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    ends_at: Option<String>,
}

fn opt_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::vec_string(d).map(Some)
}

/// A date (`2026-11-20`, midnight UTC) or an RFC 3339 time; empty is none.
fn parse_when(field: &str, raw: Option<String>) -> AppResult<Option<DateTime<Utc>>> {
    let Some(raw) = non_empty(raw) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(&raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| AppError::Invalid(format!("{field} must be a date such as 2026-11-20")))
}

/// A date in a PATCH: absent (or null) keeps it, an empty string clears it.
fn when_change(field: &str, raw: Option<String>) -> AppResult<Option<Option<DateTime<Utc>>>> {
    match raw {
        None => Ok(None),
        Some(raw) => parse_when(field, Some(raw)).map(Some),
    }
}

fn capacity(raw: Option<i64>) -> AppResult<Option<i32>> {
    raw.map(|c| {
        i32::try_from(c).map_err(|_| {
            AppError::Invalid(format!(
                "capacity must be between 1 and {}",
                offers::MAX_CAPACITY
            ))
        })
    })
    .transpose()
}

/// `POST /api/v1/pln/mentorship/offers`: publish an offer (and its public status).
async fn create_offer(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<OfferParams>,
) -> AppResult<Json<Offer>> {
    auth.require("write")?;
    let p = form.params;
    let input = OfferInput {
        title: p.title.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        subjects: p.subjects.unwrap_or_default(),
        levels: p.levels.unwrap_or_default(),
        languages: p.languages.unwrap_or_default(),
        format: p.format.unwrap_or_default(),
        region: p.region,
        capacity: capacity(p.capacity)?.unwrap_or(1),
        starts_at: parse_when("starts_at", p.starts_at)?,
        ends_at: parse_when("ends_at", p.ends_at)?,
    };
    let row = offers::publish_offer(&data, &auth.actor, input).await?;
    Ok(Json(
        entities::offer(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `PATCH /api/v1/pln/mentorship/offers/:id` (author only).
async fn update_offer(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<OfferParams>,
) -> AppResult<Json<Offer>> {
    auth.require("write")?;
    let p = form.params;
    let changes = OfferChanges {
        title: p.title,
        description: p.description,
        subjects: p.subjects,
        levels: p.levels,
        languages: p.languages,
        format: p.format,
        region: p.region,
        capacity: capacity(p.capacity)?,
        starts_at: when_change("starts_at", p.starts_at)?,
        ends_at: when_change("ends_at", p.ends_at)?,
    };
    let row = offers::edit_offer(&data, &auth.actor, parse_id(&id)?, changes).await?;
    Ok(Json(
        entities::offer(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `POST /api/v1/pln/mentorship/offers/:id/close` (author only).
async fn close_offer(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Offer>> {
    auth.require("write")?;
    let row = offers::close_offer(&data, &auth.actor, parse_id(&id)?).await?;
    Ok(Json(
        entities::offer(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `DELETE /api/v1/pln/mentorship/offers/:id`: withdraws the offer (pending requests declined,
/// its status deleted, the offer closed for good); answers the closed offer.
async fn withdraw_offer(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Offer>> {
    auth.require("write")?;
    let row = offers::withdraw_offer(&data, &auth.actor, parse_id(&id)?).await?;
    Ok(Json(
        entities::offer(&data, Some(auth.actor.id), row).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct SuggestionParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    lang: Option<String>,
}

/// `GET /api/v1/pln/mentorship/suggestions`: open offers ranked for the viewer, with reasons.
/// Reasons are written in `?lang=`, else the `Accept-Language`, else the node's language.
async fn list_suggestions(
    data: Data<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    ApiQuery(p): ApiQuery<SuggestionParams>,
) -> AppResult<Json<Vec<Suggested>>> {
    auth.require("read")?;
    let limit = p
        .limit
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_LIMIT as i64)
        .min(MAX_LIMIT as i64);
    let lang = crate::api::pln::vocabulary::request_lang(&data, &headers, p.lang.as_deref());
    let ranked = suggestions::suggestions(&data, &auth.actor, limit as usize, lang).await?;
    Ok(Json(
        entities::suggestions(&data, auth.actor.id, ranked).await?,
    ))
}

/// A request entity for a write response.
async fn request_json(
    data: &Data<AppState>,
    auth: &Auth,
    row: crate::db::entity::mentorship_request::Model,
) -> AppResult<Json<Request>> {
    Ok(Json(entities::request(data, auth.actor.id, row).await?))
}
