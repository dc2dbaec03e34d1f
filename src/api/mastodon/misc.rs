//! Small endpoints clients call at startup or on side pages: preferences, custom emojis,
//! announcements, trends (local: the week's most used tags and most boosted statuses),
//! suggestions, conversations, push subscriptions (JSON 404 so clients fall back to polling)
//! and the profile directory.
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiQuery, de},
        mastodon::{
            entities::{Account, Status, account, status},
            tags::{self, Tag},
        },
    },
    db,
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    routing::{delete, get, post, put},
};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes of this module.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/preferences", get(preferences))
        .route("/api/v1/custom_emojis", get(empty_list))
        .route("/api/v1/announcements", get(empty_list))
        .route("/api/v1/announcements/{id}/dismiss", post(empty_object))
        .route(
            "/api/v1/announcements/{id}/reactions/{name}",
            put(empty_object).delete(empty_object),
        )
        .route("/api/v1/trends", get(trending_tags))
        .route("/api/v1/trends/tags", get(trending_tags))
        .route("/api/v1/trends/statuses", get(trending_statuses))
        .route("/api/v1/trends/links", get(empty_list))
        .route("/api/v2/suggestions", get(signed_in_empty_list))
        .route("/api/v1/suggestions", get(signed_in_empty_list))
        .route("/api/v1/suggestions/{id}", delete(signed_in_empty_object))
        .route("/api/v1/conversations", get(signed_in_empty_list))
        .route("/api/v1/conversations/{id}", delete(signed_in_empty_object))
        .route("/api/v1/conversations/{id}/read", post(signed_in_not_found))
        .route(
            "/api/v1/push/subscription",
            get(not_found)
                .post(not_found)
                .put(not_found)
                .delete(not_found),
        )
        .route("/api/v1/directory", get(directory))
}

async fn empty_list() -> Json<Value> {
    Json(json!([]))
}

async fn empty_object() -> Json<Value> {
    Json(json!({}))
}

async fn signed_in_empty_list(_auth: Auth) -> Json<Value> {
    Json(json!([]))
}

async fn signed_in_empty_object(_auth: Auth) -> Json<Value> {
    Json(json!({}))
}

async fn signed_in_not_found(_auth: Auth) -> AppError {
    AppError::not_found("Record not found")
}

async fn not_found() -> AppError {
    AppError::not_found("Record not found")
}

/// The user's posting and reading defaults, with Mastodon's colon keys.
async fn preferences(auth: Auth) -> AppResult<Json<Value>> {
    auth.require("read:accounts")?;
    let user = &auth.user;
    Ok(Json(json!({
        "posting:default:visibility": user.default_visibility,
        "posting:default:sensitive": user.default_sensitive,
        "posting:default:language": user.default_language,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
        "reading:autoplay:gifs": false,
    })))
}

#[derive(Debug, Default, Deserialize)]
struct OffsetParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
}

impl OffsetParams {
    fn limit(&self, default: u64, max: u64) -> u64 {
        match self.limit {
            Some(n) if n > 0 => (n as u64).min(max),
            _ => default,
        }
    }
    fn offset(&self) -> u64 {
        self.offset.unwrap_or(0).max(0) as u64
    }
}

/// The tags used in the most public posts this week.
async fn trending_tags(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<OffsetParams>,
) -> AppResult<Json<Vec<Tag>>> {
    let since = Utc::now() - Duration::days(7);
    let names: Vec<String> = db::tags::trending(&data.db.read, since, p.limit(10, 20), p.offset())
        .await?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    Ok(Json(tags::tags(&data, auth.actor_id(), &names).await?))
}

/// This week's public statuses boosted most this week.
async fn trending_statuses(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<OffsetParams>,
) -> AppResult<Json<Vec<Status>>> {
    let since = Utc::now() - Duration::days(7);
    let ids = db::tags::most_boosted(&data.db.read, since, p.limit(20, 40), p.offset()).await?;
    let mut found = db::views::posts_by_ids(&data.db.read, &ids).await?;
    let posts: Vec<_> = ids
        .iter()
        .filter_map(|id| found.remove(id))
        .filter(|p| p.deleted_at.is_none() && p.visibility == "public")
        .collect();
    Ok(Json(status::statuses(&data, auth.actor_id(), posts).await?))
}

#[derive(Debug, Default, Deserialize)]
struct DirectoryParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    order: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    local: Option<bool>,
}

/// Discoverable accounts: `order=new` (newest first) or `active` (latest post first, the
/// default); `local=true` for this node's accounts only.
async fn directory(
    data: Data<AppState>,
    ApiQuery(p): ApiQuery<DirectoryParams>,
) -> AppResult<Json<Vec<Account>>> {
    let limit = match p.limit {
        Some(n) if n > 0 => (n as u64).min(80),
        _ => 40,
    };
    let offset = p.offset.unwrap_or(0).max(0) as u64;
    let local_only = p.local.unwrap_or(false);
    let actors = if p.order.as_deref() == Some("new") {
        db::instance::discoverable(&data.db.read, local_only, limit, offset).await?
    } else {
        // Active first: rank the newest 2,000 candidates by their latest status.
        let candidates = db::instance::discoverable(&data.db.read, local_only, 2000, 0).await?;
        let ids: Vec<i64> = candidates.iter().map(|a| a.id).collect();
        let stats = db::views::account_stats(&data.db.read, &ids).await?;
        let mut ranked = candidates;
        ranked.sort_by_key(|a| {
            std::cmp::Reverse((stats.get(&a.id).and_then(|s| s.last_status_at), a.id))
        });
        ranked
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect()
    };
    Ok(Json(account::accounts(&data, &actors).await?))
}
