//! The server-rendered web frontend: pages in Arabic, French and English (Fluent), sessions
//! and forms with CSRF tokens, timelines, threads and the composer, profiles and following,
//! notifications and settings. Profiles, posts, offers and resources also answer browsers on
//! their ActivityPub URLs (content negotiation in `federation::routes`).
pub mod admin;
pub mod assets;
pub mod auth;
pub mod collections;
pub mod errors;
pub mod i18n;
pub mod mentorship;
pub mod notifications;
pub mod page;
pub mod posts;
pub mod profiles;
pub mod render;
pub mod resources;
pub mod settings;
pub mod timelines;

pub use posts::post_page;
pub use profiles::profile_page;

use crate::{
    AppState, db,
    error::{AppError, AppResult},
    service,
};
use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::HeaderMap,
    response::Response,
    routing::{get, post},
};

/// The HTML routes.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(timelines::home))
        .route("/local", get(timelines::local))
        .route("/federated", get(timelines::federated))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/lang", post(auth::set_language))
        .route("/compose", post(posts::compose))
        .route("/follow", post(profiles::follow_handle))
        .route("/notifications", get(notifications::notifications))
        .route(
            "/settings",
            get(settings::settings_page).post(settings::save),
        )
        .route("/web/statuses/{id}", get(posts::status_by_id))
        .route("/{handle}", get(profiles::profile_by_handle))
        .route("/{handle}/follow", post(profiles::follow))
        .route("/{handle}/unfollow", post(profiles::unfollow))
        .route("/{handle}/{id}", get(post_by_handle))
        .route("/static/halqa.css", get(assets::stylesheet))
        .route("/static/halqa.js", get(assets::script))
        .route("/avatars/original/missing.png", get(assets::default_avatar))
        .route("/headers/original/missing.png", get(assets::default_header))
        .route("/static/thumbnail.png", get(assets::thumbnail))
        // Admin pages (issue 7): dashboard, registrations, accounts, reports, federation policy,
        // settings, invites, audit log — all under /admin, staff only (see `web::admin`).
        .merge(admin::routes())
}

/// `GET /@name/{id}`: a local post's page.
async fn post_by_handle(
    data: Data<AppState>,
    headers: HeaderMap,
    Path((handle, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let name = handle
        .strip_prefix('@')
        .ok_or_else(|| AppError::not_found("page not found"))?;
    let actor = db::actors::find_local(&data.db.read, name)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))?;
    let post = db::posts::get_by_id(&data.db.read, id).await?;
    if post.author_id != actor.id || !service::posts::can_see(&data, None, &post).await? {
        return Err(AppError::not_found("post not found"));
    }
    post_page(&data, &headers, &actor, &post).await
}

/// The web frontend's Rust sources, for the test that every translation key they use exists.
#[cfg(test)]
pub(crate) const SOURCES: &[&str] = &[
    include_str!("auth.rs"),
    include_str!("errors.rs"),
    include_str!("mentorship.rs"),
    include_str!("notifications.rs"),
    include_str!("page.rs"),
    include_str!("posts.rs"),
    include_str!("profiles.rs"),
    include_str!("resources.rs"),
    include_str!("settings.rs"),
    include_str!("timelines.rs"),
];
