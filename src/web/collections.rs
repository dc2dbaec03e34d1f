//! The web page of a resource collection (what a browser gets at the collection's URL): title,
//! owner, subjects and levels, description, and the resources in order with the curator's
//! notes — for an approval-required collection, only the count (its items are for approved
//! followers).
use super::page::Page;
use crate::{
    AppState,
    db::{self, entity::collection},
    error::AppResult,
    service::collections::{Visibility, notes},
    text::{self, escape_html},
};
use activitypub_federation::config::Data;
use axum::{http::HeaderMap, response::Response};
use minijinja::context;

/// The page of `c`, in the visitor's language.
pub async fn collection_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    c: &collection::Model,
) -> AppResult<Response> {
    let page = Page::from_headers(data, headers).await?;
    let owner = db::actors::get_by_id(&data.db.read, c.owner_id).await?;
    let lang = page.lang;
    let display_name = if owner.display_name.is_empty() {
        owner.username.clone()
    } else {
        owner.display_name.clone()
    };
    let mut content = format!(
        "<h1 dir=\"auto\">{}</h1><p class=\"meta\" dir=\"auto\">{}</p>",
        escape_html(&c.title),
        escape_html(&notes::facets_line(c, lang)),
    );
    if !c.description.is_empty() {
        content.push_str(&text::render_local_status(
            &c.description,
            &|_| None,
            &|t| data.urls.tag(t),
        ));
    }
    let items = db::collections::items_of(&data.db.read, c.id).await?;
    if Visibility::of(c) == Visibility::Public {
        let resources = db::collections::resources_of(&data.db.read, &items).await?;
        content.push_str("<ol class=\"items\">");
        for i in &items {
            let Some(r) = resources
                .get(&i.resource_id)
                .filter(|r| r.deleted_at.is_none())
            else {
                continue;
            };
            let link = r.url.clone().unwrap_or_else(|| r.ap_id.clone());
            content.push_str(&format!(
                "<li dir=\"auto\"><a href=\"{}\">{}</a>",
                escape_html(&link),
                escape_html(&r.title)
            ));
            if !i.note.is_empty() {
                content.push_str(&format!(" — {}", escape_html(&i.note)));
            }
            content.push_str("</li>");
        }
        content.push_str("</ol>");
    } else {
        content.push_str(&format!(
            "<p class=\"meta\">{} · {}</p>",
            items.len(),
            escape_html("approval required")
        ));
    }
    let excerpt: String = c.title.chars().take(140).collect();
    page.render(
        "pages/object.html",
        context! {
            display_name, excerpt, content,
            handle => owner.handle(),
            profile_url => owner.url.clone(),
            ap_id => c.ap_id.clone(),
            url => c.url.clone(),
            published => c.published_at.to_rfc3339(),
        },
    )
}
