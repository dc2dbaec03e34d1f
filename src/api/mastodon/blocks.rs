//! `/api/v1/blocks` and `/api/v1/mutes` (paged over the block and mute row ids), and the P2
//! lists Halqa does not keep yet, answered with the right shape: domain blocks, featured tags.
use crate::{
    AppState,
    api::{auth::Auth, form::ApiQuery, mastodon::accounts::account_page, pagination::PageParams},
    db,
    error::AppResult,
};
use activitypub_federation::config::Data;
use axum::{Json, Router, http::Uri, response::Response, routing::get};
use serde_json::{Value, json};

/// The block, mute and P2 list routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/blocks", get(blocks))
        .route("/api/v1/mutes", get(mutes))
        .route(
            "/api/v1/domain_blocks",
            get(empty_list).post(empty_object).delete(empty_object),
        )
        .route("/api/v1/featured_tags", get(empty_list))
        .route("/api/v1/featured_tags/suggestions", get(empty_list))
}

/// `GET /api/v1/blocks`.
async fn blocks(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:blocks")?;
    let rows =
        db::relationships::list_blocked(&data.db.read, auth.actor.id, page.cursor(40, 80)).await?;
    account_page(&data, &uri, rows).await
}

/// `GET /api/v1/mutes` (expired mutes are left out).
async fn mutes(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:mutes")?;
    let rows =
        db::relationships::list_muted(&data.db.read, auth.actor.id, page.cursor(40, 80)).await?;
    account_page(&data, &uri, rows).await
}

/// `[]` for lists Halqa does not keep yet.
async fn empty_list(_auth: Auth) -> AppResult<Json<Vec<Value>>> {
    Ok(Json(Vec::new()))
}

/// `{}` for changes to lists Halqa does not keep yet.
async fn empty_object(_auth: Auth) -> AppResult<Json<Value>> {
    Ok(Json(json!({})))
}
