//! `/api/v1/accounts/…`: the routes, and what their handlers share (the account of a path id,
//! a page of accounts). The handlers: the signed-in account (`credentials`: verify and update),
//! finding accounts and their relationships (`lookup`), an account's statuses and follow lists
//! (`listings`), the actions on an account (`actions`: follow, block, mute), moving it
//! (`migration`: aliases and move, as GoToSocial), and here a profile and the P2 extras that
//! answer with the right shape.
mod actions;
mod credentials;
mod listings;
mod lookup;
mod migration;

use crate::{
    AppState,
    api::{
        form::de,
        mastodon::entities::account::{self, Account},
        pagination::{id_range, paged},
        parse_id,
    },
    db::{self, entity::actor},
    error::{AppError, AppResult},
};
use actions::{block, follow, mute, remove_from_followers, unblock, unfollow, unmute};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::Uri,
    response::Response,
    routing::{get, patch, post},
};
use credentials::{update_credentials, verify_credentials};
use listings::{followers, following, statuses};
use lookup::{familiar_followers, lookup, relationships, search};
use serde::Deserializer;

/// The account routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/accounts/verify_credentials",
            get(verify_credentials),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            patch(update_credentials).put(update_credentials),
        )
        .route("/api/v1/accounts/alias", post(migration::set_aliases))
        .route("/api/v1/accounts/move", post(migration::move_account))
        .route("/api/v1/accounts/lookup", get(lookup))
        .route("/api/v1/accounts/relationships", get(relationships))
        .route("/api/v1/accounts/search", get(search))
        .route(
            "/api/v1/accounts/familiar_followers",
            get(familiar_followers),
        )
        .route("/api/v1/accounts/{id}", get(show))
        .route("/api/v1/accounts/{id}/statuses", get(statuses))
        .route("/api/v1/accounts/{id}/followers", get(followers))
        .route("/api/v1/accounts/{id}/following", get(following))
        .route("/api/v1/accounts/{id}/follow", post(follow))
        .route("/api/v1/accounts/{id}/unfollow", post(unfollow))
        .route(
            "/api/v1/accounts/{id}/remove_from_followers",
            post(remove_from_followers),
        )
        .route("/api/v1/accounts/{id}/block", post(block))
        .route("/api/v1/accounts/{id}/unblock", post(unblock))
        .route("/api/v1/accounts/{id}/mute", post(mute))
        .route("/api/v1/accounts/{id}/unmute", post(unmute))
        .route("/api/v1/accounts/{id}/lists", get(empty_list))
        .route("/api/v1/accounts/{id}/featured_tags", get(empty_list))
        .route("/api/v1/accounts/{id}/identity_proofs", get(empty_list))
}

/// Accounts per page of a list (Mastodon: 40 by default, at most 80).
const ACCOUNTS_DEFAULT: u64 = 40;
const ACCOUNTS_MAX: u64 = 80;
/// Statuses per page (20 by default, at most 40).
const STATUSES_DEFAULT: u64 = 20;
const STATUSES_MAX: u64 = 40;

/// A live account by its path id, or 404.
pub async fn target(data: &Data<AppState>, raw_id: &str) -> AppResult<actor::Model> {
    let id = parse_id(raw_id)?;
    db::actors::get_by_id(&data.db.read, id)
        .await
        .ok()
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// A page of `(row id, account)` pairs as a JSON list with its Link header.
pub async fn account_page(
    data: &Data<AppState>,
    uri: &Uri,
    rows: Vec<(i64, actor::Model)>,
) -> AppResult<Response> {
    let range = id_range(&rows, |(id, _)| *id);
    let actors: Vec<actor::Model> = rows.into_iter().map(|(_, a)| a).collect();
    let accounts = account::accounts(data, &actors).await?;
    paged(data.urls.base(), uri, accounts, range)
}

/// `GET /api/v1/accounts/:id`.
async fn show(data: Data<AppState>, Path(id): Path<String>) -> AppResult<Json<Account>> {
    let actor = target(&data, &id).await?;
    Ok(Json(account::account(&data, &actor).await?))
}

/// `Option<T>` from a field that may be absent: present (even empty) is `Some`.
fn some_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::vec_string(d).map(Some)
}

/// Lists Halqa does not have yet (an account's lists, featured tags, identity proofs).
async fn empty_list(
    data: Data<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<serde_json::Value>>> {
    target(&data, &id).await?;
    Ok(Json(Vec::new()))
}
