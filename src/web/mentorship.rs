//! The web page of a mentorship offer (what a browser gets at the offer's URL): title, mentor,
//! facets, places and description. The full mentorship pages (directory, requests, the space)
//! come later.
use super::page::Page;
use crate::{
    AppState,
    db::entity::{actor, mentorship_offer as offer},
    error::AppResult,
    service::mentorship::notes,
    text,
};
use activitypub_federation::config::Data;
use axum::{http::HeaderMap, response::Response};
use minijinja::context;

/// The page of `o` by `author`, in the visitor's language.
pub async fn offer_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    author: &actor::Model,
    o: &offer::Model,
) -> AppResult<Response> {
    let page = Page::from_headers(data, headers).await?;
    let lang = page.lang;
    let display_name = if author.display_name.is_empty() {
        author.username.clone()
    } else {
        author.display_name.clone()
    };
    let description = text::render_local_status(&o.description, &|_| None, &|t| data.urls.tag(t));
    let content = format!(
        "<h1 dir=\"auto\">{}</h1><p class=\"meta\" dir=\"auto\">{}</p>{description}",
        text::escape_html(&o.title),
        text::escape_html(&notes::facets_line(o, lang)),
    );
    let excerpt: String = o.title.chars().take(140).collect();
    page.render(
        "pages/object.html",
        context! {
            display_name, excerpt, content,
            handle => author.handle(),
            profile_url => author.url.clone(),
            ap_id => o.ap_id.clone(),
            url => o.url.clone(),
            published => o.published_at.to_rfc3339(),
        },
    )
}
