//! PLN federation policy API: `GET/PUT /api/v1/pln/admin/federation` (mode and a summary),
//! `/api/v1/pln/admin/domain_subscriptions[/:id]` (list, subscribe, show, change, unsubscribe)
//! and `POST …/{id}/refresh` / `POST …/refresh` (fetch now); and the public lists a node
//! publishes for its consortium: `/api/v1/pln/federation/blocklist[.csv]` and
//! `/api/v1/pln/federation/allowlist[.csv]`.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::{datetime, opt_datetime},
        parse_id,
    },
    db::entity::domain_subscription,
    error::{AppError, AppResult},
    service::federation_policy::{
        self, KIND_ALLOW, KIND_BLOCK, lists, published,
        subscriptions::{self, NewSubscription},
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::header,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

/// The federation policy routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/pln/admin/federation",
            get(show_policy).put(set_policy).patch(set_policy),
        )
        .route(
            "/api/v1/pln/admin/domain_subscriptions",
            get(list_subscriptions).post(subscribe),
        )
        .route(
            "/api/v1/pln/admin/domain_subscriptions/refresh",
            post(refresh_all),
        )
        .route(
            "/api/v1/pln/admin/domain_subscriptions/{id}",
            get(show_subscription)
                .patch(update_subscription)
                .put(update_subscription)
                .delete(unsubscribe),
        )
        .route(
            "/api/v1/pln/admin/domain_subscriptions/{id}/refresh",
            post(refresh_one),
        )
        .route("/api/v1/pln/federation/blocklist", get(blocklist_json))
        .route("/api/v1/pln/federation/blocklist.csv", get(blocklist_csv))
        .route("/api/v1/pln/federation/allowlist", get(allowlist_json))
        .route("/api/v1/pln/federation/allowlist.csv", get(allowlist_csv))
}

fn staff(auth: &Auth) -> AppResult<()> {
    auth.require("admin:read")?;
    federation_policy::require_staff(&auth.user.role)
}

fn admin(auth: &Auth) -> AppResult<()> {
    auth.require("admin:write")?;
    federation_policy::require_admin(&auth.user.role)
}

async fn policy_entity(data: &Data<AppState>) -> AppResult<Value> {
    let snapshot = data.domain_policy.snapshot();
    Ok(json!({
        "mode": federation_policy::mode(data).await?,
        "effective_blocks": snapshot.blocks.len(),
        "effective_allows": snapshot.allowed.len(),
        "subscriptions": subscriptions::list(data).await?.len(),
        "reload_interval_secs": data.config.federation.policy_reload_secs,
        "subscription_refresh_secs": data.config.federation.subscription_refresh_secs,
    }))
}

async fn show_policy(data: Data<AppState>, auth: Auth) -> AppResult<Json<Value>> {
    staff(&auth)?;
    Ok(Json(policy_entity(&data).await?))
}

#[derive(Debug, Deserialize)]
struct PolicyParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    mode: Option<String>,
}

async fn set_policy(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<PolicyParams>,
) -> AppResult<Json<Value>> {
    admin(&auth)?;
    let mode = form
        .params
        .mode
        .ok_or_else(|| AppError::Invalid("mode is required (open or allowlist)".into()))?;
    federation_policy::set_mode(&data, Some(auth.actor.id), &mode).await?;
    Ok(Json(policy_entity(&data).await?))
}

fn subscription_entity(row: &domain_subscription::Model) -> Value {
    json!({
        "id": row.id.to_string(),
        "url": row.url,
        "kind": row.kind,
        "priority": row.priority,
        "title": row.title,
        "entry_count": row.entry_count,
        "fetched_at": opt_datetime(&row.fetched_at),
        "succeeded_at": opt_datetime(&row.succeeded_at),
        "last_error": row.last_error,
        "created_at": datetime(&row.created_at),
    })
}

async fn list_subscriptions(data: Data<AppState>, auth: Auth) -> AppResult<Json<Vec<Value>>> {
    staff(&auth)?;
    let rows = subscriptions::list(&data).await?;
    Ok(Json(rows.iter().map(subscription_entity).collect()))
}

async fn show_subscription(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    staff(&auth)?;
    let row = subscriptions::get(&data, parse_id(&id)?).await?;
    Ok(Json(subscription_entity(&row)))
}

#[derive(Debug, Deserialize)]
struct SubscriptionParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    priority: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
}

fn priority(p: Option<i64>) -> AppResult<Option<i32>> {
    p.map(|p| i32::try_from(p).map_err(|_| AppError::Invalid("priority is out of range".into())))
        .transpose()
}

/// Subscribes and fetches once; the answer carries the subscription and, under
/// `first_fetch`, what the first fetch did or why it failed.
async fn subscribe(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<SubscriptionParams>,
) -> AppResult<Json<Value>> {
    admin(&auth)?;
    let p = form.params;
    let new = NewSubscription {
        url: p
            .url
            .ok_or_else(|| AppError::Invalid("url is required".into()))?,
        kind: p.kind.unwrap_or_else(|| KIND_BLOCK.into()),
        priority: priority(p.priority)?.unwrap_or(0),
        title: p.title.unwrap_or_default(),
    };
    let (row, first) = subscriptions::subscribe(&data, Some(auth.actor.id), new).await?;
    let mut entity = subscription_entity(&row);
    entity["first_fetch"] = match first {
        Ok(applied) => json!({"ok": true, "applied": applied}),
        Err(error) => json!({"ok": false, "error": error}),
    };
    Ok(Json(entity))
}

async fn update_subscription(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<SubscriptionParams>,
) -> AppResult<Json<Value>> {
    admin(&auth)?;
    let p = form.params;
    let row = subscriptions::update(
        &data,
        Some(auth.actor.id),
        parse_id(&id)?,
        priority(p.priority)?,
        p.title,
    )
    .await?;
    Ok(Json(subscription_entity(&row)))
}

async fn unsubscribe(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    admin(&auth)?;
    let row = subscriptions::unsubscribe(&data, Some(auth.actor.id), parse_id(&id)?).await?;
    Ok(Json(subscription_entity(&row)))
}

/// Fetches one list now: the refreshed subscription, or the fetch's error (entries kept).
async fn refresh_one(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    admin(&auth)?;
    let id = parse_id(&id)?;
    let applied = subscriptions::refresh(&data, id, &|_, _| {}).await?;
    let mut entity = subscription_entity(&subscriptions::get(&data, id).await?);
    entity["applied"] = json!(applied);
    Ok(Json(entity))
}

async fn refresh_all(data: Data<AppState>, auth: Auth) -> AppResult<Json<Value>> {
    admin(&auth)?;
    let report = subscriptions::refresh_all(&data, false, &|_, _| {}).await?;
    Ok(Json(json!(report)))
}

async fn json_list(data: &Data<AppState>, kind: &str) -> AppResult<Json<Vec<Value>>> {
    let entries = published::own_list(data, kind).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| {
                json!({
                    "domain": e.domain,
                    "severity": e.severity.as_str(),
                    "reject_media": e.reject_media,
                    "reject_reports": e.reject_reports,
                    "comment": e.public_comment,
                })
            })
            .collect(),
    ))
}

async fn csv_list(data: &Data<AppState>, kind: &str) -> AppResult<Response> {
    let entries = published::own_list(data, kind).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        lists::to_csv(&entries),
    )
        .into_response())
}

async fn blocklist_json(data: Data<AppState>) -> AppResult<Json<Vec<Value>>> {
    json_list(&data, KIND_BLOCK).await
}

async fn blocklist_csv(data: Data<AppState>) -> AppResult<Response> {
    csv_list(&data, KIND_BLOCK).await
}

async fn allowlist_json(data: Data<AppState>) -> AppResult<Json<Vec<Value>>> {
    json_list(&data, KIND_ALLOW).await
}

async fn allowlist_csv(data: Data<AppState>) -> AppResult<Response> {
    csv_list(&data, KIND_ALLOW).await
}
