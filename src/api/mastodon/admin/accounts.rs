//! `/api/v1/admin/accounts` (v1 list with Mastodon's boolean filters, show, approve, reject,
//! action, enable, unsilence, unsuspend) and `/api/v2/admin/accounts` (origin/status/
//! permissions filters).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::admin::{
            entities::{AdminAccount, admin_account, role_of_id},
            staff,
        },
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::admin_accounts::AccountFilter,
    error::{AppError, AppResult},
    service::moderation::accounts::{self as actions, AccountAction},
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

/// The admin account routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/admin/accounts", get(list_v1))
        .route("/api/v2/admin/accounts", get(list_v2))
        .route("/api/v1/admin/accounts/{id}", get(show))
        .route("/api/v1/admin/accounts/{id}/approve", post(approve))
        .route("/api/v1/admin/accounts/{id}/reject", post(reject))
        .route("/api/v1/admin/accounts/{id}/action", post(action))
        .route("/api/v1/admin/accounts/{id}/enable", post(enable))
        .route("/api/v1/admin/accounts/{id}/unsilence", post(unsilence))
        .route("/api/v1/admin/accounts/{id}/unsuspend", post(unsuspend))
}

const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 200;

#[derive(Debug, Default, Deserialize)]
struct V1Filters {
    #[serde(default, deserialize_with = "de::bool")]
    local: bool,
    #[serde(default, deserialize_with = "de::bool")]
    remote: bool,
    #[serde(default, deserialize_with = "de::bool")]
    active: bool,
    #[serde(default, deserialize_with = "de::bool")]
    pending: bool,
    #[serde(default, deserialize_with = "de::bool")]
    disabled: bool,
    #[serde(default, deserialize_with = "de::bool")]
    silenced: bool,
    #[serde(default, deserialize_with = "de::bool")]
    suspended: bool,
    #[serde(default, deserialize_with = "de::bool")]
    staff: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    by_domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    email: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

#[derive(Debug, Default, Deserialize)]
struct V2Filters {
    #[serde(default, deserialize_with = "de::opt_string")]
    origin: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    permissions: Option<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    role_ids: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    by_domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    email: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

async fn page(
    data: &Data<AppState>,
    auth: &Auth,
    uri: &Uri,
    filter: AccountFilter,
) -> AppResult<Response> {
    let by = staff(auth, "admin:read:accounts")?;
    let rows = actions::list(data, by, &filter).await?;
    let range = id_range(&rows, |(a, _)| a.id);
    let mut out = Vec::with_capacity(rows.len());
    for (actor, user) in &rows {
        out.push(admin_account(data, actor, user.as_ref()).await?);
    }
    paged(data.urls.base(), uri, out, range)
}

async fn list_v1(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(q): ApiQuery<V1Filters>,
) -> AppResult<Response> {
    let status = [
        (q.active, "active"),
        (q.pending, "pending"),
        (q.disabled, "disabled"),
        (q.silenced, "silenced"),
        (q.suspended, "suspended"),
    ]
    .into_iter()
    .find(|(on, _)| *on)
    .map(|(_, name)| name.to_string());
    let filter = AccountFilter {
        local: match (q.local, q.remote) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        },
        status,
        staff: q.staff,
        role: None,
        username: q.username,
        domain: q.by_domain,
        email: q.email,
        max_id: q.page.max_id,
        since_id: q.page.since_id.or(q.page.min_id),
        limit: q.page.limit(DEFAULT_LIMIT, MAX_LIMIT),
    };
    page(&data, &auth, &uri, filter).await
}

async fn list_v2(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(q): ApiQuery<V2Filters>,
) -> AppResult<Response> {
    let local = match q.origin.as_deref() {
        Some("local") => Some(true),
        Some("remote") => Some(false),
        None => None,
        Some(other) => {
            return Err(AppError::Invalid(format!(
                "origin {other:?} must be local or remote"
            )));
        }
    };
    let role = match q.role_ids.first() {
        Some(id) => Some(
            role_of_id(id)
                .ok_or_else(|| AppError::Invalid(format!("unknown role id {id}")))?
                .to_string(),
        ),
        None => None,
    };
    let filter = AccountFilter {
        local,
        status: q.status,
        staff: q.permissions.as_deref() == Some("staff"),
        role,
        username: q.username,
        domain: q.by_domain,
        email: q.email,
        max_id: q.page.max_id,
        since_id: q.page.since_id.or(q.page.min_id),
        limit: q.page.limit(DEFAULT_LIMIT, MAX_LIMIT),
    };
    page(&data, &auth, &uri, filter).await
}

async fn one(data: &Data<AppState>, id: i64) -> AppResult<Json<AdminAccount>> {
    let (actor, user) = actions::target(data, id).await?;
    Ok(Json(admin_account(data, &actor, user.as_ref()).await?))
}

async fn show(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminAccount>> {
    staff(&auth, "admin:read:accounts")?;
    one(&data, parse_id(&id)?).await
}

async fn approve(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminAccount>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let id = parse_id(&id)?;
    actions::approve(&data, by, id).await?;
    one(&data, id).await
}

async fn reject(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminAccount>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let id = parse_id(&id)?;
    actions::reject(&data, by, id, "").await?;
    one(&data, id).await
}

#[derive(Debug, Deserialize)]
struct ActionParams {
    #[serde(rename = "type", default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    report_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    text: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    send_email_notification: Option<bool>,
    /// Halqa: a message to the user distinct from the staff note.
    #[serde(default, deserialize_with = "de::opt_string")]
    message: Option<String>,
}

/// `POST /api/v1/admin/accounts/:id/action` (type none, disable, silence, suspend; `text` is
/// the note; `report_id` resolves that report). The user is sent a `moderation_warning` with
/// `text` when `send_email_notification` is true (as Mastodon), or with Halqa's `message`.
/// Answers `{}` as Mastodon.
async fn action(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ActionParams>,
) -> AppResult<Json<serde_json::Value>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let p = form.params;
    let kind = AccountAction::parse(p.kind.as_deref().unwrap_or("none"))?;
    let message = p.message.clone().or_else(|| {
        p.send_email_notification
            .unwrap_or(false)
            .then(|| p.text.clone())
            .flatten()
    });
    actions::act(
        &data,
        by,
        parse_id(&id)?,
        kind,
        p.text.as_deref().unwrap_or_default(),
        message.as_deref(),
        p.report_id,
    )
    .await?;
    Ok(Json(serde_json::json!({})))
}

async fn undo(
    data: Data<AppState>,
    auth: Auth,
    id: String,
    action: AccountAction,
) -> AppResult<Json<AdminAccount>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let id = parse_id(&id)?;
    actions::undo(&data, by, id, action).await?;
    one(&data, id).await
}

async fn enable(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminAccount>> {
    undo(data, auth, id, AccountAction::Disable).await
}

async fn unsilence(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminAccount>> {
    undo(data, auth, id, AccountAction::Silence).await
}

async fn unsuspend(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AdminAccount>> {
    undo(data, auth, id, AccountAction::Suspend).await
}
