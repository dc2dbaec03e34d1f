//! The signed-in account's private note on an account (`POST /api/v1/accounts/:id/note`) and
//! the accounts it endorses: `POST /api/v1/accounts/:id/pin|unpin` (also spelled
//! `endorse|unendorse` since Mastodon 4.4), each answering the Relationship, and
//! `GET /api/v1/endorsements` (paged).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::{
            accounts::{account_page, target},
            entities::relationship::{self, Relationship},
        },
        pagination::PageParams,
    },
    db,
    error::AppResult,
    service::endorsements,
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

/// The note and endorsement routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/accounts/{id}/note", post(note))
        .route("/api/v1/accounts/{id}/pin", post(endorse))
        .route("/api/v1/accounts/{id}/endorse", post(endorse))
        .route("/api/v1/accounts/{id}/unpin", post(unendorse))
        .route("/api/v1/accounts/{id}/unendorse", post(unendorse))
        .route("/api/v1/endorsements", get(index))
}

#[derive(Debug, Default, Deserialize)]
struct NoteParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    comment: Option<String>,
}

async fn relationship_with(
    data: &Data<AppState>,
    auth: &Auth,
    target: i64,
) -> AppResult<Json<Relationship>> {
    Ok(Json(
        relationship::relationship(data, auth.actor.id, target).await?,
    ))
}

/// `POST /api/v1/accounts/:id/note` (`comment`; empty removes the note).
async fn note(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<NoteParams>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:accounts")?;
    let target = target(&data, &id).await?;
    let comment = form.params.comment.unwrap_or_default();
    endorsements::set_note(&data, &auth.actor, &target, &comment).await?;
    relationship_with(&data, &auth, target.id).await
}

/// `POST /api/v1/accounts/:id/pin` (or `endorse`): 422 unless the account is followed.
async fn endorse(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:accounts")?;
    let target = target(&data, &id).await?;
    endorsements::endorse(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, target.id).await
}

/// `POST /api/v1/accounts/:id/unpin` (or `unendorse`).
async fn unendorse(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:accounts")?;
    let target = target(&data, &id).await?;
    endorsements::unendorse(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, target.id).await
}

/// `GET /api/v1/endorsements`: the endorsed accounts, newest endorsement first (40 by
/// default, at most 80), with a Link header.
async fn index(
    data: Data<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:accounts")?;
    let rows =
        db::relationships::list_endorsed(&data.db.read, auth.actor.id, page.cursor(40, 80)).await?;
    account_page(&data, &uri, rows).await
}
