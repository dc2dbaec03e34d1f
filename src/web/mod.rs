//! The server-rendered web frontend. For now: the home page, profiles and single posts, which
//! also answer browsers on the ActivityPub URLs (content negotiation in `federation::routes`).
pub mod collections;
pub mod mentorship;
pub mod render;
pub mod resources;

use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    service, text,
};
use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use minijinja::context;

/// The HTML routes.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/{handle}", get(profile_by_handle))
        .route("/{handle}/{id}", get(post_by_handle))
        .route("/avatars/original/missing.png", get(default_avatar))
        .route("/headers/original/missing.png", get(default_header))
        .route("/static/thumbnail.png", get(thumbnail))
}

/// A long-cached embedded PNG.
fn png(bytes: &'static [u8]) -> Response {
    use axum::http::header;
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        bytes,
    )
        .into_response()
}

/// The avatar of accounts without one (clients crash on a missing avatar).
async fn default_avatar() -> Response {
    png(include_bytes!("../../frontend/static/missing-avatar.png"))
}

/// The header of accounts without one.
async fn default_header() -> Response {
    png(include_bytes!("../../frontend/static/missing-header.png"))
}

/// The node's thumbnail (instance v1/v2 `thumbnail`; Toot! needs a real image).
async fn thumbnail() -> Response {
    png(include_bytes!("../../frontend/static/thumbnail.png"))
}

fn page_base(data: &Data<AppState>) -> (String, &'static str, &'static str) {
    let lang = data.config.instance.default_language.clone();
    let dir = if lang == "ar" { "rtl" } else { "ltr" };
    let lang_static = match lang.as_str() {
        "ar" => "ar",
        "en" => "en",
        _ => "fr",
    };
    (data.config.instance.name.clone(), lang_static, dir)
}

async fn home(data: Data<AppState>) -> AppResult<Response> {
    let (node_name, lang, dir) = page_base(&data);
    render::render(
        "pages/home.html",
        context! { node_name, lang, dir, description => data.config.instance.description.clone() },
    )
}

fn local_name(handle: &str) -> AppResult<&str> {
    handle
        .strip_prefix('@')
        .ok_or_else(|| AppError::not_found("page not found"))
}

async fn profile_by_handle(
    data: Data<AppState>,
    Path(handle): Path<String>,
) -> AppResult<Response> {
    let name = local_name(&handle)?;
    let actor = db::actors::find_local(&data.db.read, name)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))?;
    profile_page(&data, &actor).await
}

async fn post_by_handle(
    data: Data<AppState>,
    Path((handle, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let name = local_name(&handle)?;
    let actor = db::actors::find_local(&data.db.read, name)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))?;
    let post = db::posts::get_by_id(&data.db.read, id).await?;
    if post.author_id != actor.id || !service::posts::can_see(&data, None, &post).await? {
        return Err(AppError::not_found("post not found"));
    }
    post_page(&data, &actor, &post).await
}

/// A profile page: name, bio, PLN facets and recent public posts.
pub async fn profile_page(data: &Data<AppState>, actor: &actor::Model) -> AppResult<Response> {
    if actor.kind == "Application" {
        return Ok(Redirect::to("/").into_response());
    }
    let (node_name, lang, dir) = page_base(data);
    let posts = db::posts::list_public_by_author(&data.db.read, actor.id, None, 20).await?;
    let posts: Vec<_> = posts
        .into_iter()
        .filter(|p| p.reblog_of_id.is_none() && p.visibility == "public")
        .map(|p| context! { content => p.content, url => p.url, published => p.published_at.to_rfc3339() })
        .collect();
    let mut facets: Vec<String> = actor.stage.iter().cloned().collect();
    facets.extend(actor::Model::facet_list(&actor.subjects));
    facets.extend(actor::Model::facet_list(&actor.levels));
    facets.extend(actor.region.iter().cloned());
    let display_name = if actor.display_name.is_empty() {
        actor.username.clone()
    } else {
        actor.display_name.clone()
    };
    render::render(
        "pages/profile.html",
        context! {
            node_name, lang, dir, display_name, facets, posts,
            handle => actor.handle(),
            ap_id => actor.ap_id.clone(),
            url => actor.url.clone(),
            summary_html => actor.summary.clone(),
            summary_text => text::html_to_plain_text(&actor.summary),
        },
    )
}

/// A single post's page.
pub async fn post_page(
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<Response> {
    let (node_name, lang, dir) = page_base(data);
    let plain = text::html_to_plain_text(&post.content);
    let excerpt: String = plain.chars().take(140).collect();
    let display_name = if author.display_name.is_empty() {
        author.username.clone()
    } else {
        author.display_name.clone()
    };
    render::render(
        "pages/post.html",
        context! {
            node_name, lang, dir, display_name, excerpt,
            handle => author.handle(),
            profile_url => author.url.clone(),
            ap_id => post.ap_id.clone(),
            url => post.url.clone(),
            summary => post.summary.clone(),
            content => post.content.clone(),
            published => post.published_at.to_rfc3339(),
        },
    )
}
