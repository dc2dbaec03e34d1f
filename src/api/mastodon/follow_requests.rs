//! `/api/v1/follow_requests`: pending follows to a locked account, and approving or refusing
//! them (a remote requester gets Accept or Reject).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::ApiQuery,
        mastodon::{
            accounts::{account_page, target},
            entities::relationship::{self, Relationship},
        },
        pagination::PageParams,
    },
    db,
    error::AppResult,
    service,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::Uri,
    response::Response,
    routing::{get, post},
};

/// The follow request routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/follow_requests", get(list))
        .route("/api/v1/follow_requests/{id}/authorize", post(authorize))
        .route("/api/v1/follow_requests/{id}/reject", post(reject))
}

/// `GET /api/v1/follow_requests`: the requesting accounts, paged over follow ids.
async fn list(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:follows")?;
    let rows = db::follows::list_page(
        &data.db.read,
        auth.actor.id,
        db::follows::Listing::Requests,
        page.cursor(40, 80),
    )
    .await?;
    account_page(&data, &uri, rows).await
}

/// `POST /api/v1/follow_requests/:account_id/authorize`.
async fn authorize(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let requester = target(&data, &id).await?;
    service::follows::authorize_request(&data, &auth.actor, requester.id).await?;
    Ok(Json(
        relationship::relationship(&data, auth.actor.id, requester.id).await?,
    ))
}

/// `POST /api/v1/follow_requests/:account_id/reject`.
async fn reject(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let requester = target(&data, &id).await?;
    service::follows::reject_request(&data, &auth.actor, requester.id).await?;
    Ok(Json(
        relationship::relationship(&data, auth.actor.id, requester.id).await?,
    ))
}
