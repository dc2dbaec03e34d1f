//! Mastodon's `/api/v1/admin/domain_blocks` (list, show, create, update, delete) and
//! `/api/v1/admin/domain_allows` (list, show, create, delete) with the `Admin::DomainBlock` and
//! `Admin::DomainAllow` shapes. Staff read (scope `admin:read:domain_*`), admins change
//! (`admin:write:domain_*`); the rules live in `service::federation_policy`.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::datetime,
        parse_id,
    },
    db::entity::domain_permission,
    error::AppResult,
    service::federation_policy::{
        self, KIND_ALLOW, KIND_BLOCK,
        entries::{self, BlockInput},
    },
};
use activitypub_federation::config::Data;
use axum::{Json, Router, extract::Path, routing::get};
use serde::Deserialize;
use serde_json::{Value, json};

/// The domain block and allow routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/admin/domain_blocks",
            get(list_blocks).post(create_block),
        )
        .route(
            "/api/v1/admin/domain_blocks/{id}",
            get(show_block).put(update_block).delete(delete_block),
        )
        .route(
            "/api/v1/admin/domain_allows",
            get(list_allows).post(create_allow),
        )
        .route(
            "/api/v1/admin/domain_allows/{id}",
            get(show_allow).delete(delete_allow),
        )
}

fn digest(domain: &str) -> String {
    openssl::sha::sha256(domain.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `Admin::DomainBlock`, plus `subscription_id` (null for local entries).
fn block_entity(row: &domain_permission::Model) -> Value {
    json!({
        "id": row.id.to_string(),
        "domain": row.domain,
        "digest": digest(&row.domain),
        "created_at": datetime(&row.created_at),
        "severity": row.severity,
        "reject_media": row.reject_media,
        "reject_reports": row.reject_reports,
        "private_comment": (!row.private_comment.is_empty()).then_some(&row.private_comment),
        "public_comment": (!row.public_comment.is_empty()).then_some(&row.public_comment),
        "obfuscate": row.obfuscate,
        "subscription_id": row.subscription_id.map(|id| id.to_string()),
    })
}

/// `Admin::DomainAllow`, plus `subscription_id`.
fn allow_entity(row: &domain_permission::Model) -> Value {
    json!({
        "id": row.id.to_string(),
        "domain": row.domain,
        "created_at": datetime(&row.created_at),
        "subscription_id": row.subscription_id.map(|id| id.to_string()),
    })
}

fn staff(auth: &Auth, scope: &str) -> AppResult<()> {
    auth.require(scope)?;
    federation_policy::require_staff(&auth.user.role)
}

fn admin(auth: &Auth, scope: &str) -> AppResult<()> {
    auth.require(scope)?;
    federation_policy::require_admin(&auth.user.role)
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

async fn list(
    data: &Data<AppState>,
    kind: &str,
    limit: Option<i64>,
) -> AppResult<Vec<domain_permission::Model>> {
    let limit = limit.unwrap_or(100).clamp(1, 200) as usize;
    let mut rows = entries::list(data, kind).await?;
    rows.truncate(limit);
    Ok(rows)
}

async fn list_blocks(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> AppResult<Json<Vec<Value>>> {
    staff(&auth, "admin:read:domain_blocks")?;
    let rows = list(&data, KIND_BLOCK, p.limit).await?;
    Ok(Json(rows.iter().map(block_entity).collect()))
}

async fn show_block(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    staff(&auth, "admin:read:domain_blocks")?;
    let row = entries::get(&data, KIND_BLOCK, parse_id(&id)?).await?;
    Ok(Json(block_entity(&row)))
}

#[derive(Debug, Default, Deserialize)]
struct BlockParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    reject_media: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    reject_reports: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    private_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    public_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    obfuscate: Option<bool>,
}

impl From<BlockParams> for BlockInput {
    fn from(p: BlockParams) -> Self {
        BlockInput {
            domain: p.domain,
            severity: p.severity,
            reject_media: p.reject_media,
            reject_reports: p.reject_reports,
            private_comment: p.private_comment,
            public_comment: p.public_comment,
            obfuscate: p.obfuscate,
        }
    }
}

async fn create_block(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<BlockParams>,
) -> AppResult<Json<Value>> {
    admin(&auth, "admin:write:domain_blocks")?;
    let (row, _) =
        entries::create_block(&data, Some(auth.actor.id), form.params.into(), &|_, _| {}).await?;
    Ok(Json(block_entity(&row)))
}

async fn update_block(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<BlockParams>,
) -> AppResult<Json<Value>> {
    admin(&auth, "admin:write:domain_blocks")?;
    let (row, _) = entries::update_block(
        &data,
        Some(auth.actor.id),
        parse_id(&id)?,
        form.params.into(),
        &|_, _| {},
    )
    .await?;
    Ok(Json(block_entity(&row)))
}

async fn delete_block(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    admin(&auth, "admin:write:domain_blocks")?;
    let row = entries::delete(&data, Some(auth.actor.id), KIND_BLOCK, parse_id(&id)?).await?;
    Ok(Json(block_entity(&row)))
}

async fn list_allows(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> AppResult<Json<Vec<Value>>> {
    staff(&auth, "admin:read:domain_allows")?;
    let rows = list(&data, KIND_ALLOW, p.limit).await?;
    Ok(Json(rows.iter().map(allow_entity).collect()))
}

async fn show_allow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    staff(&auth, "admin:read:domain_allows")?;
    let row = entries::get(&data, KIND_ALLOW, parse_id(&id)?).await?;
    Ok(Json(allow_entity(&row)))
}

#[derive(Debug, Deserialize)]
struct AllowParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    private_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    public_comment: Option<String>,
}

async fn create_allow(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<AllowParams>,
) -> AppResult<Json<Value>> {
    admin(&auth, "admin:write:domain_allows")?;
    let p = form.params;
    let domain = p.domain.unwrap_or_default();
    let row = entries::create_allow(
        &data,
        Some(auth.actor.id),
        &domain,
        p.private_comment,
        p.public_comment,
    )
    .await?;
    Ok(Json(allow_entity(&row)))
}

async fn delete_allow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    admin(&auth, "admin:write:domain_allows")?;
    let row = entries::delete(&data, Some(auth.actor.id), KIND_ALLOW, parse_id(&id)?).await?;
    Ok(Json(allow_entity(&row)))
}
