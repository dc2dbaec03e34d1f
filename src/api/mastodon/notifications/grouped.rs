//! Grouped notifications (Mastodon 4.3, `api_versions.mastodon` 2): `GET /api/v2/notifications`
//! (the v1 filters plus `grouped_types[]`; `expand_accounts=partial_avatars` answers an empty
//! `partial_accounts` with every account in full, and `include_filtered` changes nothing, as
//! nothing is filtered into requests), `GET /:group_key`,
//! `POST /:group_key/dismiss`, `GET /:group_key/accounts` and `GET /unread_count`.
use super::{ListParams, filter_statuses, known, last_read};
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiQuery, de},
        mastodon::entities::{
            Account, account,
            notification::{self, Notification},
            notification_group::{self, GroupedNotificationsResults},
        },
        pagination::{id_range, link_header},
    },
    db::{
        self, entity::notification as row, notifications::GROUPED_KINDS,
        notifications::NotificationFilter,
    },
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    http::header::LINK,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// Most accounts `GET /:group_key/accounts` lists (the most recent ones).
const MAX_GROUP_ACCOUNTS: u64 = 400;
/// Most notifications `GET /:group_key` reads (a 12-hour group is rarely near it).
const MAX_GROUP_ROWS: u64 = 5_000;

/// The grouped notification routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v2/notifications", get(list))
        .route("/api/v2/notifications/unread_count", get(unread_count))
        .route("/api/v2/notifications/{group_key}", get(show))
        .route("/api/v2/notifications/{group_key}/dismiss", post(dismiss))
        .route("/api/v2/notifications/{group_key}/accounts", get(accounts))
}

#[derive(Debug, Default, Deserialize)]
struct GroupedParams {
    #[serde(flatten)]
    list: ListParams,
    #[serde(default, deserialize_with = "de::vec_string")]
    grouped_types: Vec<String>,
    expand_accounts: Option<String>,
}

impl GroupedParams {
    /// The kinds that group on this request: `grouped_types[]` where given, else all that can.
    fn grouped(&self) -> Vec<String> {
        if self.grouped_types.is_empty() {
            GROUPED_KINDS.map(String::from).to_vec()
        } else {
            self.grouped_types
                .iter()
                .filter(|k| GROUPED_KINDS.contains(&k.as_str()))
                .cloned()
                .collect()
        }
    }

    /// The rows filter, or `None` when only unknown types were asked for (nothing matches).
    fn filter(&self) -> Option<NotificationFilter> {
        let types = known(&self.list.types);
        if !self.list.types.is_empty() && types.is_empty() {
            return None;
        }
        Some(NotificationFilter {
            types,
            exclude_types: known(&self.list.exclude_types),
            account_id: self.list.account_id,
        })
    }
}

async fn list(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<GroupedParams>,
) -> AppResult<Response> {
    auth.require("read:notifications")?;
    let grouped = params.grouped();
    let rows = match params.filter() {
        Some(filter) => {
            let cursor = params.list.page.cursor(40, 80);
            db::notifications::group_page_rows(&data.db.read, auth.actor.id, &filter, cursor, |r| {
                notification_group::page_key(r, &grouped)
            })
            .await?
        }
        None => Vec::new(),
    };
    let mut body = results(&data, auth.actor.id, &rows, &grouped, true).await?;
    if params.expand_accounts.as_deref() == Some("partial_avatars") {
        body.partial_accounts = Some(Vec::new());
    }
    let mut response = Json(body).into_response();
    if let Some(link) = link_header(data.urls.base(), &uri, id_range(&rows, |r| r.id)) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

/// The groups of `rows` (newest first) as `viewer` sees them, with their accounts and statuses;
/// a group whose latest notification is gone (its status deleted or filtered out) is left out.
async fn results(
    data: &Data<AppState>,
    viewer: i64,
    rows: &[row::Model],
    grouped: &[String],
    paginated: bool,
) -> AppResult<GroupedNotificationsResults> {
    let groups = notification_group::groups(rows, grouped);
    let latest_rows: Vec<row::Model> = groups.iter().map(|g| g.latest().clone()).collect();
    let mut latest = notification::notifications(data, viewer, &latest_rows).await?;
    filter_statuses(data, viewer, &mut latest).await?;
    let latest: HashMap<String, Notification> =
        latest.into_iter().map(|n| (n.id.clone(), n)).collect();
    let samples: Vec<Vec<i64>> = groups.iter().map(|g| g.sample_actor_ids()).collect();
    let sample_ids: Vec<i64> = samples.iter().flatten().copied().collect();
    let actors = db::views::actors_by_ids(&data.db.read, &sample_ids).await?;
    let accounts = account::accounts_by_id(data, &actors).await?;

    let mut out = GroupedNotificationsResults {
        accounts: Vec::new(),
        partial_accounts: None,
        statuses: Vec::new(),
        notification_groups: Vec::with_capacity(groups.len()),
    };
    let mut seen_accounts = HashSet::new();
    let mut seen_statuses = HashSet::new();
    for (group, sample) in groups.iter().zip(samples) {
        let Some(shown) = latest.get(&group.latest().id.to_string()) else {
            continue;
        };
        let mut sample_ids = Vec::with_capacity(sample.len());
        for account in sample.iter().filter_map(|id| accounts.get(id)) {
            sample_ids.push(account.id.clone());
            if seen_accounts.insert(account.id.clone()) {
                out.accounts.push(account.clone());
            }
        }
        // The latest notification's account always comes in full.
        if seen_accounts.insert(shown.account.id.clone()) {
            out.accounts.push(shown.account.clone());
        }
        if let Some(status) = &shown.status
            && seen_statuses.insert(status.id.clone())
        {
            out.statuses.push(status.clone());
        }
        out.notification_groups
            .push(notification_group::group_entity(
                group, shown, sample_ids, paginated,
            ));
    }
    Ok(out)
}

/// `recipient`'s group `key`, newest first, or 404.
async fn group_or_404(
    data: &Data<AppState>,
    recipient: i64,
    key: &str,
    limit: u64,
) -> AppResult<Vec<row::Model>> {
    let rows = db::notifications::group_rows(&data.db.read, recipient, key, limit).await?;
    if rows.is_empty() {
        return Err(AppError::not_found("Record not found"));
    }
    Ok(rows)
}

async fn show(
    data: Data<AppState>,
    auth: Auth,
    Path(key): Path<String>,
) -> AppResult<Json<GroupedNotificationsResults>> {
    auth.require("read:notifications")?;
    let rows = group_or_404(&data, auth.actor.id, &key, MAX_GROUP_ROWS).await?;
    // However the group is asked for, its rows are one group here.
    let rows: Vec<row::Model> = rows
        .into_iter()
        .map(|r| row::Model {
            group_key: Some(key.clone()),
            ..r
        })
        .collect();
    let kinds: Vec<String> = rows.iter().map(|r| r.kind.clone()).collect();
    let body = results(&data, auth.actor.id, &rows, &kinds, false).await?;
    if body.notification_groups.is_empty() {
        return Err(AppError::not_found("Record not found"));
    }
    Ok(Json(body))
}

async fn dismiss(
    data: Data<AppState>,
    auth: Auth,
    Path(key): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:notifications")?;
    db::notifications::dismiss_group(&data.db.write, auth.actor.id, &key).await?;
    Ok(Json(json!({})))
}

async fn accounts(
    data: Data<AppState>,
    auth: Auth,
    Path(key): Path<String>,
) -> AppResult<Json<Vec<Account>>> {
    auth.require("read:notifications")?;
    let rows = group_or_404(&data, auth.actor.id, &key, MAX_GROUP_ACCOUNTS).await?;
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    for r in &rows {
        if !ids.contains(&r.from_actor_id) {
            ids.push(r.from_actor_id);
        }
    }
    let actors = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let accounts = account::accounts_by_id(&data, &actors).await?;
    Ok(Json(
        ids.iter()
            .filter_map(|id| accounts.get(id).cloned())
            .collect(),
    ))
}

/// How many groups are newer than the notifications marker (capped by `limit`: 100 unless
/// asked, at most 1,000), with the list's filters.
async fn unread_count(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<GroupedParams>,
) -> AppResult<Json<Value>> {
    auth.require("read:notifications")?;
    let Some(filter) = params.filter() else {
        return Ok(Json(json!({ "count": 0 })));
    };
    let grouped = params.grouped();
    let after = last_read(&data, auth.actor.id).await?;
    let cursor = db::paging::Cursor {
        since_id: Some(after),
        limit: params.list.page.limit(100, 1000),
        ..Default::default()
    };
    let rows =
        db::notifications::group_page_rows(&data.db.read, auth.actor.id, &filter, cursor, |r| {
            notification_group::page_key(r, &grouped)
        })
        .await?;
    let count = rows
        .iter()
        .map(|r| notification_group::page_key(r, &grouped))
        .collect::<HashSet<_>>()
        .len();
    Ok(Json(json!({ "count": count })))
}
