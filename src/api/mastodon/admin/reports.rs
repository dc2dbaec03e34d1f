//! `/api/v1/admin/reports`: the moderation queue (list, show, assign_to_self, unassign, resolve,
//! reopen, and Halqa's forward). `resolve` takes Halqa's optional `action` (dismiss,
//! delete_statuses, silence, suspend), `text` (the note) and `message` (to the reported user);
//! Mastodon tools send none of them and get a plain resolve.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::admin::{
            entities::{AdminReport, admin_report},
            staff,
        },
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::reports::ReportFilter,
    error::AppResult,
    service::moderation::reports::{self as queue, ReportAction},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::Uri,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

/// The admin report routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/admin/reports", get(list))
        .route("/api/v1/admin/reports/{id}", get(show))
        .route(
            "/api/v1/admin/reports/{id}/assign_to_self",
            post(assign_to_self),
        )
        .route("/api/v1/admin/reports/{id}/unassign", post(unassign))
        .route("/api/v1/admin/reports/{id}/resolve", post(resolve))
        .route("/api/v1/admin/reports/{id}/reopen", post(reopen))
        .route("/api/v1/admin/reports/{id}/forward", post(forward))
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_bool")]
    resolved: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    target_account_id: Option<i64>,
    #[serde(flatten)]
    page: PageParams,
}

async fn list(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(q): ApiQuery<ListParams>,
) -> AppResult<Response> {
    let by = staff(&auth, "admin:read:reports")?;
    let filter = ReportFilter {
        // Mastodon lists unresolved reports unless asked for resolved ones.
        resolved: Some(q.resolved.unwrap_or(false)),
        account_id: q.account_id,
        target_account_id: q.target_account_id,
        max_id: q.page.max_id,
        since_id: q.page.since_id.or(q.page.min_id),
        limit: q.page.limit(100, 200),
    };
    let rows = queue::list(&data, by, &filter).await?;
    let range = id_range(&rows, |r| r.id);
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(admin_report(&data, row).await?);
    }
    paged(data.urls.base(), &uri, out, range)
}

async fn show(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminReport>> {
    let by = staff(&auth, "admin:read:reports")?;
    let row = queue::get(&data, by, parse_id(&id)?).await?;
    Ok(Json(admin_report(&data, &row).await?))
}

async fn assign_to_self(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminReport>> {
    let by = staff(&auth, "admin:write:reports")?;
    let row = queue::assign(&data, by, parse_id(&id)?, true).await?;
    Ok(Json(admin_report(&data, &row).await?))
}

async fn unassign(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminReport>> {
    let by = staff(&auth, "admin:write:reports")?;
    let row = queue::assign(&data, by, parse_id(&id)?, false).await?;
    Ok(Json(admin_report(&data, &row).await?))
}

#[derive(Debug, Deserialize)]
struct ResolveParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    action: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    text: Option<String>,
    /// A message to the reported user (local accounts): a `moderation_warning` notification.
    #[serde(default, deserialize_with = "de::opt_string")]
    message: Option<String>,
}

async fn resolve(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ResolveParams>,
) -> AppResult<Json<AdminReport>> {
    let by = staff(&auth, "admin:write:reports")?;
    let p = form.params;
    let action = ReportAction::parse(p.action.as_deref().unwrap_or("dismiss"))?;
    let row = queue::resolve(
        &data,
        by,
        parse_id(&id)?,
        action,
        p.text.as_deref().unwrap_or_default(),
        p.message.as_deref(),
    )
    .await?;
    Ok(Json(admin_report(&data, &row).await?))
}

async fn reopen(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminReport>> {
    let by = staff(&auth, "admin:write:reports")?;
    let row = queue::reopen(&data, by, parse_id(&id)?).await?;
    Ok(Json(admin_report(&data, &row).await?))
}

/// `POST /api/v1/admin/reports/:id/forward` (Halqa): sends the report about a remote account to
/// its server as a `Flag`.
async fn forward(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminReport>> {
    let by = staff(&auth, "admin:write:reports")?;
    let row = queue::forward(&data, by, parse_id(&id)?).await?;
    Ok(Json(admin_report(&data, &row).await?))
}
