//! Search: `GET /api/v2/search` (accounts, statuses, Tag entities) and the old `GET
//! /api/v1/search` (hashtags as plain names). `resolve=true` looks handles up over WebFinger
//! and fetches pasted URLs; like Mastodon, that and `offset` need a signed-in user.
use crate::{
    AppState,
    api::{
        auth::MaybeAuth,
        form::{ApiQuery, de},
        mastodon::{
            entities::{Account, Status, account, status},
            tags::{self, Tag},
        },
    },
    error::{AppError, AppResult},
    service::search::{self, AccountQuery, StatusQuery},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::get};
use serde::{Deserialize, Serialize};

/// The search routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v2/search", get(search_v2))
        .route("/api/v1/search", get(search_v1))
}

/// Search parameters.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    resolve: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    following: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    exclude_unreviewed: Option<bool>,
}

/// Results (v2).
#[derive(Debug, Serialize)]
pub struct Results {
    pub accounts: Vec<Account>,
    pub statuses: Vec<Status>,
    pub hashtags: Vec<Tag>,
}

/// Results (v1): hashtags as names.
#[derive(Debug, Serialize)]
pub struct ResultsV1 {
    pub accounts: Vec<Account>,
    pub statuses: Vec<Status>,
    pub hashtags: Vec<String>,
}

struct Found {
    accounts: Vec<Account>,
    statuses: Vec<Status>,
    hashtags: Vec<String>,
}

async fn run(data: &Data<AppState>, auth: &MaybeAuth, p: SearchParams) -> AppResult<Found> {
    if let Some(a) = &auth.0 {
        a.require("read:search")?;
    }
    let resolve = p.resolve.unwrap_or(false);
    let offset = p.offset.unwrap_or(0).max(0) as u64;
    if auth.0.is_none() && (resolve || offset > 0) {
        return Err(AppError::Unauthorized(
            "Search queries that resolve remote resources or page are not supported without authentication".into(),
        ));
    }
    let limit = match p.limit {
        Some(n) if n > 0 => (n as u64).min(40),
        _ => 20,
    };
    let q = p.q.unwrap_or_default();
    let mut found = Found {
        accounts: Vec::new(),
        statuses: Vec::new(),
        hashtags: Vec::new(),
    };
    if q.trim().is_empty() {
        return Ok(found);
    }
    let kind = p.kind.filter(|k| !k.is_empty());
    let wants = |k: &str| kind.as_deref().is_none_or(|w| w == k);
    let viewer = auth.0.as_ref().map(|a| &a.actor);
    if wants("accounts") {
        let actors = search::accounts(
            data,
            &AccountQuery {
                q: q.clone(),
                resolve,
                following_of: p
                    .following
                    .unwrap_or(false)
                    .then(|| viewer.map(|v| v.id))
                    .flatten(),
                limit,
                offset,
            },
        )
        .await?;
        found.accounts = account::accounts(data, &actors).await?;
    }
    if wants("statuses") {
        let posts = search::statuses(
            data,
            viewer,
            &StatusQuery {
                q: q.clone(),
                resolve,
                account_id: p.account_id,
                limit,
                offset,
            },
        )
        .await?;
        found.statuses = status::statuses(data, viewer.map(|v| v.id), posts).await?;
    }
    // Hashtags make no sense for a URL or a handle.
    if wants("hashtags") && search::as_url(&q).is_none() && search::as_handle(&q).is_none() {
        let _ = p.exclude_unreviewed;
        found.hashtags = search::hashtags(data, &q, limit, offset).await?;
    }
    Ok(found)
}

async fn search_v2(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> AppResult<Json<Results>> {
    let found = run(&data, &auth, p).await?;
    let hashtags = tags::tags(&data, auth.actor_id(), &found.hashtags).await?;
    Ok(Json(Results {
        accounts: found.accounts,
        statuses: found.statuses,
        hashtags,
    }))
}

async fn search_v1(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> AppResult<Json<ResultsV1>> {
    let found = run(&data, &auth, p).await?;
    Ok(Json(ResultsV1 {
        accounts: found.accounts,
        statuses: found.statuses,
        hashtags: found.hashtags,
    }))
}
