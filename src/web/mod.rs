//! The server-rendered web frontend: pages in Arabic, French and English (Fluent), sessions
//! and forms with CSRF tokens, timelines, threads and the composer, profiles and following,
//! notifications and settings; the PLN pages (search, mentorship, the resource form, circles,
//! collections, institutions, remote follow) and the admin pages. Profiles, posts, offers,
//! resources, collections and circles also answer browsers on their ActivityPub URLs (content
//! negotiation in `federation::routes`).
pub mod admin;
pub mod assets;
pub mod auth;
pub mod circle_edit;
pub mod circles;
pub mod collection_edit;
pub mod collections;
pub mod errors;
pub mod i18n;
pub mod institutions;
pub mod interact;
pub mod mentorship;
pub mod mentorship_offers;
pub mod mentorship_requests;
pub mod mentorship_space;
pub mod notifications;
pub mod page;
pub mod password_reset;
pub mod pln;
pub mod posts;
pub mod profiles;
pub mod render;
pub mod requests;
pub mod resource_form;
pub mod resource_upload;
pub mod resources;
pub mod search;
pub mod settings;
pub mod settings_archive;
pub mod settings_migration;
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
    extract::{DefaultBodyLimit, Path},
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
        .route(
            "/compose",
            post(posts::compose).layer(DefaultBodyLimit::max(posts::COMPOSE_BODY_LIMIT)),
        )
        .route("/follow", post(profiles::follow_handle))
        .route("/notifications", get(notifications::notifications))
        .route(
            "/settings",
            get(settings::settings_page).post(settings::save),
        )
        .route("/settings/export/{file}", get(settings::export))
        .route("/settings/archive", get(settings_archive::download))
        .route(
            "/settings/import",
            get(settings_archive::import_page)
                .post(settings_archive::import_upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/settings/migration",
            get(settings_migration::migration_page),
        )
        .route(
            "/settings/migration/aliases",
            post(settings_migration::add_alias),
        )
        .route(
            "/settings/migration/aliases/remove",
            post(settings_migration::remove_alias),
        )
        .route(
            "/settings/migration/move",
            post(settings_migration::move_account),
        )
        .route(
            "/reset/{token}",
            get(password_reset::reset_page).post(password_reset::reset),
        )
        .route("/web/statuses/{id}", get(posts::status_by_id))
        .merge(pln_routes())
        // Circles, collections, institutions, remote follow (issue 6, part 2).
        .route("/circles", get(circles::list).post(circles::create))
        .route("/circles/new", get(circles::new_form))
        .route(
            "/circles/{id}/edit",
            get(circle_edit::edit_form).post(circle_edit::save),
        )
        .route("/circles/{id}/join", post(circles::join))
        .route("/circles/{id}/leave", post(circles::leave))
        .route("/circles/{id}/post", post(circles::post_to))
        .route(
            "/circles/{id}/requests/{account}/{answer}",
            post(circles::answer_request),
        )
        .route(
            "/circles/{id}/members/{account}/remove",
            post(circles::remove_member),
        )
        .route(
            "/circles/{id}/statuses/{post}/remove",
            post(circles::remove_post),
        )
        .route(
            "/collections",
            get(collection_edit::mine).post(collection_edit::create),
        )
        .route(
            "/collections/items",
            post(collection_edit::add_from_resource),
        )
        .route("/web/collections/{id}", get(collections::by_id))
        .route("/collections/{id}/follow", post(collections::follow))
        .route("/collections/{id}/unfollow", post(collections::unfollow))
        .route(
            "/collections/{id}/requests/{account}/{answer}",
            post(collections::answer_request),
        )
        .route("/collections/{id}/edit", post(collection_edit::edit))
        .route("/collections/{id}/items", post(collection_edit::add_item))
        .route(
            "/collections/{id}/items/{item}/{action}",
            post(collection_edit::item_action),
        )
        .route("/institutions", get(institutions::directory))
        .route(
            "/institutions/{domain}",
            get(institutions::institution_page),
        )
        .route("/remote_follow", post(interact::remote_follow))
        .route(
            "/authorize_interaction",
            get(interact::authorize_interaction),
        )
        .route("/{handle}", get(profiles::profile_by_handle))
        .route("/{handle}/follow", post(profiles::follow))
        .route("/{handle}/archived", get(settings_archive::archived_posts))
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

/// The PLN pages: search, mentorship (directory, offers, requests, each mentorship's space)
/// and the resource form. An offer's and a resource's own page are their ActivityPub URLs
/// (`federation::routes`, content negotiation).
fn pln_routes() -> Router {
    use axum::extract::DefaultBodyLimit;
    Router::new()
        .route("/search", get(search::search_page))
        .route("/mentorship", get(mentorship::directory))
        .route(
            "/mentorship/offers/new",
            get(mentorship_offers::new_offer).post(mentorship_offers::create_offer),
        )
        .route(
            "/mentorship/offers/{id}/edit",
            get(mentorship_offers::edit_offer).post(mentorship_offers::update_offer),
        )
        .route(
            "/mentorship/offers/{id}/close",
            post(mentorship_offers::close_offer),
        )
        .route(
            "/mentorship/offers/{id}/request",
            post(mentorship_requests::request_offer),
        )
        .route(
            "/mentorship/requests",
            get(mentorship_requests::requests_page),
        )
        .route(
            "/mentorship/requests/{id}/accept",
            post(mentorship_requests::accept),
        )
        .route(
            "/mentorship/requests/{id}/decline",
            post(mentorship_requests::decline),
        )
        .route(
            "/mentorship/requests/{id}/withdraw",
            post(mentorship_requests::withdraw),
        )
        .route("/mentorship/{id}", get(mentorship_space::space_page))
        .route("/mentorship/{id}/goals", post(mentorship_space::add_goal))
        .route(
            "/mentorship/{id}/goals/{goal_id}",
            post(mentorship_space::set_goal),
        )
        .route(
            "/mentorship/{id}/meetings",
            post(mentorship_space::log_meeting),
        )
        .route(
            "/mentorship/{id}/messages",
            post(mentorship_space::send_message),
        )
        .route("/mentorship/{id}/end", post(mentorship_space::end))
        // Files stream through the upload services, which enforce their own limits.
        .route(
            "/resources/new",
            get(resource_form::new_resource)
                .post(resource_form::create_resource)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/resources/{id}/edit",
            get(resource_form::edit_resource)
                .post(resource_form::update_resource)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/resources/{id}/delete",
            get(resource_form::confirm_delete).post(resource_form::delete_resource),
        )
}

/// `GET /@name/{id}`: a local post's page.
async fn post_by_handle(
    data: Data<AppState>,
    headers: HeaderMap,
    Path((handle, id)): Path<(String, String)>,
) -> AppResult<Response> {
    // Any two-segment path lands here: a non-numeric id is a missing page, not a bad request.
    let (Some(name), Ok(id)) = (handle.strip_prefix('@'), id.parse::<i64>()) else {
        return Err(AppError::not_found("page not found"));
    };
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
    include_str!("circles.rs"),
    include_str!("collection_edit.rs"),
    include_str!("collections.rs"),
    include_str!("institutions.rs"),
    include_str!("interact.rs"),
    include_str!("errors.rs"),
    include_str!("mentorship.rs"),
    include_str!("mentorship_offers.rs"),
    include_str!("mentorship_requests.rs"),
    include_str!("mentorship_space.rs"),
    include_str!("pln.rs"),
    include_str!("resource_form.rs"),
    include_str!("resource_upload.rs"),
    include_str!("search.rs"),
    include_str!("notifications.rs"),
    include_str!("page.rs"),
    include_str!("posts.rs"),
    include_str!("profiles.rs"),
    include_str!("resources.rs"),
    include_str!("requests.rs"),
    include_str!("circle_edit.rs"),
    include_str!("settings.rs"),
    include_str!("settings_migration.rs"),
    include_str!("settings_archive.rs"),
    include_str!("password_reset.rs"),
    include_str!("timelines.rs"),
];
