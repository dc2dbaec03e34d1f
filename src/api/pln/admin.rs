//! Halqa's admin API for what Mastodon has no API for, under `/api/v1/pln/admin/…`: invites
//! (create, list, revoke), node settings (show, change: admins only), roles (admins only) and
//! the audit log. Same rules as the Mastodon admin API: `admin:*` scopes and a staff role, or
//! 403 with the attempt logged.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::{
            admin::{entities::admin_account, staff},
            entities::{datetime, opt_datetime},
        },
        parse_id,
    },
    db::entity::{audit_log, invite},
    error::{AppError, AppResult},
    service::{
        moderation::{accounts as actions, audit},
        registrations, settings,
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    routing::{delete, get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The PLN admin routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/pln/admin/invites",
            get(list_invites).post(create_invite),
        )
        .route("/api/v1/pln/admin/invites/{id}", delete(revoke_invite))
        .route(
            "/api/v1/pln/admin/settings",
            get(show_settings).patch(update_settings),
        )
        .route("/api/v1/pln/admin/accounts/{id}/role", post(set_role))
        .route("/api/v1/pln/admin/audit_log", get(audit_log))
}

/// An invite as the API shows it; `url` is the web sign-up link carrying the code.
#[derive(Debug, Serialize)]
pub struct Invite {
    pub id: String,
    pub code: String,
    pub url: String,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<String>,
    pub revoked: bool,
    pub created_at: String,
}

fn invite_entity(data: &Data<AppState>, row: invite::Model) -> Invite {
    Invite {
        id: row.id.to_string(),
        url: format!("{}/auth/sign_up?invite_code={}", data.urls.base(), row.code),
        code: row.code,
        max_uses: row.max_uses,
        uses: row.uses,
        expires_at: opt_datetime(&row.expires_at),
        revoked: row.revoked_at.is_some(),
        created_at: datetime(&row.created_at),
    }
}

#[derive(Debug, Deserialize)]
struct InviteParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    max_uses: Option<i64>,
    /// Seconds from now.
    #[serde(default, deserialize_with = "de::opt_i64")]
    expires_in: Option<i64>,
}

async fn create_invite(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<InviteParams>,
) -> AppResult<Json<Invite>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let p = form.params;
    let max_uses = p
        .max_uses
        .map(|n| i32::try_from(n).map_err(|_| AppError::Invalid("max_uses is too large".into())))
        .transpose()?;
    let row = registrations::create_invite(&data, by, max_uses, p.expires_in).await?;
    Ok(Json(invite_entity(&data, row)))
}

async fn list_invites(data: Data<AppState>, auth: Auth) -> AppResult<Json<Vec<Invite>>> {
    let by = staff(&auth, "admin:read:accounts")?;
    let rows = registrations::list_invites(&data, by).await?;
    Ok(Json(
        rows.into_iter().map(|r| invite_entity(&data, r)).collect(),
    ))
}

async fn revoke_invite(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Invite>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let row = registrations::revoke_invite(&data, by, parse_id(&id)?).await?;
    Ok(Json(invite_entity(&data, row)))
}

async fn show_settings(data: Data<AppState>, auth: Auth) -> AppResult<Json<Value>> {
    staff(&auth, "admin:read")?;
    Ok(Json(
        settings::current(&data.db.read, &data.config)
            .await?
            .to_json(),
    ))
}

/// `PATCH /api/v1/pln/admin/settings` with a JSON object of the keys to change (admins only;
/// all or nothing).
async fn update_settings(
    data: Data<AppState>,
    auth: Auth,
    body: Result<Json<serde_json::Map<String, Value>>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Json<Value>> {
    let by = staff(&auth, "admin:write")?;
    by.require_admin()?;
    let Json(changes) =
        body.map_err(|e| AppError::BadRequest(format!("the body must be a JSON object: {e}")))?;
    let changes: Vec<(String, Value)> = changes.into_iter().collect();
    let updated = settings::update(&data, by.actor_id(), &changes).await?;
    Ok(Json(updated.to_json()))
}

#[derive(Debug, Deserialize)]
struct RoleParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    role: Option<String>,
}

/// `POST /api/v1/pln/admin/accounts/:id/role` `{role: admin|moderator|user}` (admins only);
/// answers the Admin::Account.
async fn set_role(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<RoleParams>,
) -> AppResult<Json<crate::api::mastodon::admin::entities::AdminAccount>> {
    let by = staff(&auth, "admin:write:accounts")?;
    let role = form
        .params
        .role
        .ok_or_else(|| AppError::Invalid("role can't be blank".into()))?;
    let id = parse_id(&id)?;
    let user = actions::set_role(&data, by, id, &role).await?;
    let (actor, _) = actions::target(&data, id).await?;
    Ok(Json(admin_account(&data, &actor, Some(&user)).await?))
}

/// One audit log entry.
#[derive(Debug, Serialize)]
pub struct AuditEntry {
    pub id: String,
    /// The acting account's id (null: the command line).
    pub account_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub note: String,
    pub created_at: String,
}

fn audit_entity(row: audit_log::Model) -> AuditEntry {
    AuditEntry {
        id: row.id.to_string(),
        account_id: row.actor_id.map(|id| id.to_string()),
        action: row.action,
        target_type: row.target_kind,
        target_id: row.target_id,
        note: row.note,
        created_at: datetime(&row.created_at),
    }
}

#[derive(Debug, Deserialize)]
struct AuditParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    max_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

async fn audit_log(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    staff(&auth, "admin:read")?;
    let limit = q.limit.and_then(|n| u64::try_from(n).ok()).unwrap_or(50);
    let rows = audit::page(&data, q.max_id, limit).await?;
    Ok(Json(rows.into_iter().map(audit_entity).collect()))
}
