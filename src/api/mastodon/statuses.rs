//! Statuses: create (media, poll, reply, CW, visibility, language, `Idempotency-Key`,
//! `scheduled_at`), show, delete (returning the source for "delete and redraft"), context,
//! edit, who favourited/boosted, several by id, and the translate/card stubs. The actions on a
//! status (favourite, boost, bookmark, pin, mute) are in [`actions`], history and source in
//! [`history`].
mod actions;
mod history;

use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::{
            account,
            scheduled_status::scheduled_status,
            status::{self, Status},
        },
        pagination::{PageParams, paged},
        parse_id,
    },
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    service::{
        polls::NewPoll,
        posts::{self, EditExtras, NewPost, PollEdit, PostExtras, can_see},
        scheduled,
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The status routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/statuses", post(create).get(index))
        .route(
            "/api/v1/statuses/{id}",
            get(show).delete(destroy).put(update),
        )
        .route("/api/v1/statuses/{id}/context", get(context))
        .route("/api/v1/statuses/{id}/history", get(history::history))
        .route("/api/v1/statuses/{id}/source", get(history::source))
        .route("/api/v1/statuses/{id}/favourited_by", get(favourited_by))
        .route("/api/v1/statuses/{id}/reblogged_by", get(reblogged_by))
        .route("/api/v1/statuses/{id}/favourite", post(actions::favourite))
        .route(
            "/api/v1/statuses/{id}/unfavourite",
            post(actions::unfavourite),
        )
        .route("/api/v1/statuses/{id}/reblog", post(actions::reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(actions::unreblog))
        .route("/api/v1/statuses/{id}/bookmark", post(actions::bookmark))
        .route(
            "/api/v1/statuses/{id}/unbookmark",
            post(actions::unbookmark),
        )
        .route("/api/v1/statuses/{id}/pin", post(actions::pin))
        .route("/api/v1/statuses/{id}/unpin", post(actions::unpin))
        .route("/api/v1/statuses/{id}/mute", post(actions::mute))
        .route("/api/v1/statuses/{id}/unmute", post(actions::unmute))
        .route("/api/v1/statuses/{id}/translate", post(translate))
        .route("/api/v1/statuses/{id}/card", get(card))
}

/// The post `id` if `viewer` may see it; 404 otherwise (as if it did not exist).
async fn visible(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    id: &str,
) -> AppResult<post::Model> {
    let not_found = || AppError::not_found("Record not found");
    let post = db::posts::get_by_id(&data.db.read, parse_id(id)?)
        .await
        .map_err(|_| not_found())?;
    if !can_see(data, viewer, &post).await? {
        return Err(not_found());
    }
    Ok(post)
}

/// The boosted post when `post` is a boost wrapper, else `post`.
async fn content_post(data: &Data<AppState>, post: post::Model) -> AppResult<post::Model> {
    match post.reblog_of_id {
        Some(original) => db::posts::get_by_id(&data.db.read, original).await,
        None => Ok(post),
    }
}

fn viewer(auth: &MaybeAuth) -> Option<&actor::Model> {
    auth.0.as_ref().map(|a| &a.actor)
}

fn require_read(auth: &MaybeAuth) -> AppResult<()> {
    match &auth.0 {
        Some(a) => a.require("read:statuses"),
        None => Ok(()),
    }
}

#[derive(Debug, Default, Deserialize)]
struct PollParams {
    #[serde(default, deserialize_with = "de::vec_string")]
    options: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "de::bool")]
    multiple: bool,
    #[serde(default, deserialize_with = "de::bool")]
    hide_totals: bool,
}

impl PollParams {
    fn into_new(self) -> NewPoll {
        NewPoll {
            options: self.options,
            expires_in: self.expires_in.unwrap_or(86400),
            multiple: self.multiple,
            hide_totals: self.hide_totals,
        }
    }
}

/// A poll parameter that may be absent, `null`, or an (empty) object.
fn opt_poll<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PollParams>, D::Error> {
    let value = Value::deserialize(d)?;
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::Object(map) if map.is_empty() => Ok(None),
        other => serde_json::from_value::<PollParams>(other)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

#[derive(Debug, Default, Deserialize)]
struct StatusParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::vec_i64")]
    media_ids: Vec<i64>,
    #[serde(default, deserialize_with = "opt_poll")]
    poll: Option<PollParams>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    in_reply_to_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scheduled_at: Option<String>,
}

fn language(raw: Option<String>) -> Option<String> {
    raw.map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty() && l.len() <= 16)
}

/// A `scheduled_at` parameter: absent or blank is None; anything but an ISO 8601 time is 422.
pub fn scheduled_at(raw: Option<&str>) -> AppResult<Option<DateTime<Utc>>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| {
                AppError::Invalid("scheduled_at must be an ISO 8601 date and time".into())
            }),
    }
}

/// `POST /api/v1/statuses`: a Status, or a ScheduledStatus when `scheduled_at` is given.
async fn create(
    data: Data<AppState>,
    auth: Auth,
    headers: HeaderMap,
    form: ApiForm<StatusParams>,
) -> AppResult<Response> {
    auth.require("write:statuses")?;
    // Per account (all its tokens together), as Mastodon's 300 statuses per 3 hours.
    let limiter = &data.rate_limits;
    let verdict = limiter.hit(
        crate::api::rate_limit::Rule::StatusesPerAccount,
        &format!("actor:{}", auth.actor.id),
    );
    if limiter.enabled() && verdict.exceeded {
        return Ok(crate::api::rate_limit::Throttled(verdict).into_response());
    }
    let p = form.params;
    let at = scheduled_at(p.scheduled_at.as_deref())?;
    let visibility = p
        .visibility
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| auth.user.default_visibility.clone());
    let new = NewPost {
        text: p.status.unwrap_or_default(),
        spoiler_text: p.spoiler_text,
        sensitive: p.sensitive.unwrap_or(auth.user.default_sensitive),
        visibility,
        language: language(p.language).or_else(|| auth.user.default_language.clone()),
        in_reply_to_id: p.in_reply_to_id,
    };
    let extras = PostExtras {
        media_ids: p.media_ids,
        poll: p.poll.map(PollParams::into_new),
        application_id: auth.token.app_id,
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    let post = match at {
        None => posts::create_status(&data, &auth.actor, new, extras).await?,
        Some(at) => match scheduled::schedule(&data, &auth.actor, new, extras, at).await? {
            scheduled::Outcome::Published(post) => *post,
            scheduled::Outcome::Scheduled(row) => {
                return Ok(Json(scheduled_status(&data, &row).await?).into_response());
            }
        },
    };
    Ok(Json(status::status(&data, Some(auth.actor.id), post).await?).into_response())
}

async fn show(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    Ok(Json(status::status(&data, auth.actor_id(), post).await?))
}

#[derive(Debug, Deserialize)]
struct IdsParams {
    #[serde(default, deserialize_with = "de::vec_i64")]
    id: Vec<i64>,
}

async fn index(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(params): ApiQuery<IdsParams>,
) -> AppResult<Json<Vec<Status>>> {
    require_read(&auth)?;
    let ids: Vec<i64> = params.id.into_iter().take(40).collect();
    let by_id = db::views::posts_by_ids(&data.db.read, &ids).await?;
    let mut posts = Vec::new();
    for id in &ids {
        if let Some(p) = by_id.get(id)
            && can_see(&data, viewer(&auth), p).await?
        {
            posts.push(p.clone());
        }
    }
    Ok(Json(status::statuses(&data, auth.actor_id(), posts).await?))
}

async fn destroy(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let post = db::posts::get_by_id(&data.db.read, parse_id(&id)?)
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    if post.author_id != auth.actor.id || post.deleted_at.is_some() {
        return Err(AppError::not_found("Record not found"));
    }
    // Built before the delete wipes it: the source, media and poll let clients redraft.
    let mut entity = status::status(&data, Some(auth.actor.id), post.clone()).await?;
    entity.text = post.source.clone().or_else(|| Some(String::new()));
    posts::delete_post(&data, &auth.actor, post.id).await?;
    Ok(Json(entity))
}

/// Mastodon's Context entity.
#[derive(Debug, Serialize)]
struct Context {
    ancestors: Vec<Status>,
    descendants: Vec<Status>,
}

async fn context(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Context>> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let (ancestors, ordered) = posts::thread::thread(&data, viewer(&auth), &post).await?;
    Ok(Json(Context {
        ancestors: status::statuses(&data, auth.actor_id(), ancestors).await?,
        descendants: status::statuses(&data, auth.actor_id(), ordered).await?,
    }))
}

async fn update(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<Value>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let id = parse_id(&id)?;
    let raw = form.params;
    let media_sent = raw.get("media_ids").is_some();
    let p: StatusParams = serde_json::from_value(raw)
        .map_err(|e| AppError::Invalid(format!("invalid parameters: {e}")))?;
    let existing = db::posts::get_by_id(&data.db.read, id)
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    let new = NewPost {
        text: p.status.unwrap_or_default(),
        spoiler_text: p.spoiler_text,
        sensitive: p.sensitive.unwrap_or(existing.sensitive),
        visibility: existing.visibility.clone(),
        language: language(p.language),
        in_reply_to_id: None,
    };
    let extras = EditExtras {
        media_ids: media_sent.then_some(p.media_ids),
        // As on Mastodon, an edit without a poll removes it.
        poll: match p.poll {
            Some(poll) => PollEdit::Set(poll.into_new()),
            None => PollEdit::Remove,
        },
    };
    let post = posts::edit_status(&data, &auth.actor, id, new, extras).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), post).await?,
    ))
}

/// Accounts for `(row id, actor id)` rows, with a Link header over the row ids.
async fn accounts_page(
    data: &Data<AppState>,
    uri: &axum::http::Uri,
    rows: Vec<(i64, i64)>,
) -> AppResult<Response> {
    let range = rows.first().zip(rows.last()).map(|(a, b)| (a.0, b.0));
    let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let by_id = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let actors: Vec<actor::Model> = ids.iter().filter_map(|id| by_id.get(id).cloned()).collect();
    let accounts = account::accounts(data, &actors).await?;
    paged(data.urls.base(), uri, accounts, range)
}

async fn favourited_by(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Response> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let rows = db::posts::favouriters_of(&data.db.read, post.id, params.cursor(40, 80)).await?;
    accounts_page(&data, &uri, rows).await
}

async fn reblogged_by(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Response> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let rows = db::posts::rebloggers_of(&data.db.read, post.id, params.cursor(40, 80)).await?;
    accounts_page(&data, &uri, rows).await
}

async fn translate(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    visible(&data, viewer(&auth), &id).await?;
    Err(AppError::Invalid(
        "translation is not available on this server".into(),
    ))
}

async fn card(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    visible(&data, viewer(&auth), &id).await?;
    Err(AppError::not_found("Record not found"))
}
