//! The web page of a teaching resource (what a browser gets at the resource's URL): title,
//! author, facets, description, body, files, links, prerequisites and the licence with a ready
//! attribution line, in the visitor's language; its author also gets Edit and Delete links
//! (the form is in `resource_form`).
use super::i18n::{tr, tr_args};
use super::page::Page;
use crate::{
    AppState,
    db::{self, entity::resource, mentorship::codes_of},
    error::AppResult,
    service::resources::{ResourceLink, licenses, notes},
    text::{self, escape_html},
};
use activitypub_federation::config::Data;
use axum::{http::HeaderMap, response::Response};
use fluent_templates::fluent_bundle::FluentValue;
use minijinja::context;

/// The page of `r`, in the node's language.
pub async fn resource_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    r: &resource::Model,
) -> AppResult<Response> {
    let page = Page::from_headers(data, headers).await?;
    let author = db::actors::get_by_id(&data.db.read, r.author_id).await?;
    let files = db::resources::attachments_of(&data.db.read, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    let lang = page.lang;
    let display_name = if author.display_name.is_empty() {
        author.username.clone()
    } else {
        author.display_name.clone()
    };
    let mut content = format!(
        "<h1 dir=\"auto\">{}</h1><p class=\"meta\" dir=\"auto\">{}</p>",
        escape_html(&r.title),
        escape_html(&notes::facets_line(r, lang)),
    );
    if !r.description.is_empty() {
        content.push_str(&text::render_local_status(
            &r.description,
            &|_| None,
            &|t| data.urls.tag(t),
        ));
    }
    content.push_str(&r.body_html);
    let links: Vec<ResourceLink> = serde_json::from_str(&r.links).unwrap_or_default();
    if !files.is_empty() || !links.is_empty() {
        content.push_str("<ul class=\"files\">");
        for f in &files {
            let size = f
                .size_bytes
                .map(|s| format!(" ({} KB)", (s + 1023) / 1024))
                .unwrap_or_default();
            content.push_str(&format!(
                "<li><a href=\"{}\">{}</a> <span class=\"meta\">{}{size}</span></li>",
                escape_html(&f.url),
                escape_html(&f.name),
                escape_html(&f.media_type),
            ));
        }
        for l in &links {
            let title = if l.title.is_empty() { &l.url } else { &l.title };
            content.push_str(&format!(
                "<li><a href=\"{}\" rel=\"nofollow noopener\">{}</a></li>",
                escape_html(&l.url),
                escape_html(title),
            ));
        }
        content.push_str("</ul>");
    }
    let prerequisites = codes_of(&r.prerequisites);
    if !prerequisites.is_empty() {
        content.push_str("<ul class=\"prerequisites\">");
        for p in &prerequisites {
            content.push_str(&format!("<li dir=\"auto\">{}</li>", escape_html(p)));
        }
        content.push_str("</ul>");
    }
    let page_url = r.url.clone().unwrap_or_else(|| r.ap_id.clone());
    let (license_name, license_url) = licenses::find(&r.license)
        .map(|l| (l.name, l.url))
        .unwrap_or((r.license.as_str(), ""));
    // TASL: title, author, source, licence.
    content.push_str(&format!(
        "<p class=\"license\" dir=\"auto\">“<a href=\"{}\">{}</a>” — {} (@{}), <a rel=\"license\" href=\"{}\">{}</a>",
        escape_html(&page_url),
        escape_html(&r.title),
        escape_html(&display_name),
        escape_html(&author.handle()),
        escape_html(license_url),
        escape_html(license_name),
    ));
    content.push_str("</p>");
    if let Some(based_on) = &r.based_on {
        content.push_str(&based_on_line(data, lang, based_on).await?);
    }
    if let Some(original) = r.original_url.as_deref().filter(|_| r.local) {
        // Imported from its author's account archive: where it was first published.
        content.push_str(&format!(
            "<p class=\"based-on\" dir=\"auto\">{} <a href=\"{}\" rel=\"nofollow noopener\" dir=\"ltr\">{}</a></p>",
            escape_html(&tr(lang, "resource-first-published")),
            escape_html(original),
            escape_html(original),
        ));
    }
    // Add to one of my collections (circles/collections web pages).
    content.push_str(&super::collection_edit::add_to_collection_form(&page, r.id).await?);
    let excerpt: String = r.title.chars().take(140).collect();
    let own = r.local && page.me.as_ref().is_some_and(|m| m.actor.id == r.author_id);
    let actions = own.then(|| {
        context! {
            edit => format!("/resources/{}/edit", r.id),
            delete => format!("/resources/{}/delete", r.id),
        }
    });
    page.render(
        "pages/object.html",
        context! {
            display_name, excerpt, content, actions,
            handle => author.handle(),
            profile_url => author.url.clone(),
            ap_id => r.ap_id.clone(),
            url => r.url.clone(),
            published => r.published_at.to_rfc3339(),
        },
    )
}

/// "Based on “title” by author (licence)" for a remix, linking to the original; the bare link
/// when this node does not know it, a note when it was deleted.
async fn based_on_line(data: &Data<AppState>, lang: &str, based_on: &str) -> AppResult<String> {
    let url = FluentValue::from(based_on.to_string());
    let original = db::resources::find_by_ap_id(&data.db.read, based_on).await?;
    let text = match original {
        Some(o) if o.deleted_at.is_some() => {
            tr_args(lang, "resource-based-on-deleted", &[("url", url)])
        }
        Some(o) => {
            let author = db::actors::get_by_id(&data.db.read, o.author_id).await?;
            let license = licenses::find(&o.license).map_or(o.license.clone(), |l| l.id.into());
            tr_args(
                lang,
                "resource-based-on",
                &[
                    ("title", FluentValue::from(o.title.clone())),
                    ("author", FluentValue::from(format!("@{}", author.handle()))),
                    ("license", FluentValue::from(license)),
                ],
            )
        }
        None => tr_args(lang, "resource-based-on-unknown", &[("url", url)]),
    };
    Ok(format!(
        "<p class=\"based-on\" dir=\"auto\"><a href=\"{}\" rel=\"nofollow noopener\">{}</a></p>",
        escape_html(based_on),
        escape_html(&text),
    ))
}
