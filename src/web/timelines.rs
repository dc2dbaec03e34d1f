//! Timeline pages: home (the signed-in user's feed, with the composer), this server's posts
//! and the federated posts, paged with `?max_id=`; and turning posts into the Mastodon
//! `Status` shape the templates show (hydrated in a fixed number of queries).
use super::{i18n::tr, page::Page};
use crate::{
    api::mastodon::entities::status,
    db::{self, entity::post, paging::Cursor, timelines::PublicFilter},
    error::AppResult,
};
use axum::{
    extract::Query,
    response::{IntoResponse, Response},
};
use minijinja::{Value, context, value::Serde};
use serde::Deserialize;

/// Posts per page.
pub const PAGE_SIZE: u64 = 20;

/// `?max_id=`: older than this id (anything unreadable is the first page).
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub max_id: Option<String>,
}

impl Paging {
    /// The cursor of this page.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            max_id: self.max_id.as_deref().and_then(|m| m.trim().parse().ok()),
            since_id: None,
            min_id: None,
            limit: PAGE_SIZE,
        }
    }
}

/// The link to the next (older) page of `path`, when this page was full.
pub fn next_link<T>(path: &str, rows: &[T], id: impl Fn(&T) -> i64) -> Option<String> {
    (rows.len() as u64 >= PAGE_SIZE)
        .then(|| rows.last().map(|r| format!("{path}?max_id={}", id(r))))
        .flatten()
}

/// `posts` as the template's statuses, as the page's viewer sees them.
pub async fn statuses(page: &Page, posts: Vec<post::Model>) -> AppResult<Vec<Value>> {
    let viewer = page.me.as_ref().map(|m| m.actor.id);
    Ok(status::statuses(&page.data, viewer, posts)
        .await?
        .iter()
        .map(|s| Value::from(Serde(s)))
        .collect())
}

async fn excluded(page: &Page) -> AppResult<Vec<i64>> {
    match &page.me {
        Some(me) => db::timelines::excluded_authors(&page.data.db.read, me.actor.id).await,
        None => Ok(Vec::new()),
    }
}

/// `GET /`: the home feed when signed in, the node's welcome otherwise.
pub async fn home(page: Page, Query(paging): Query<Paging>) -> AppResult<Response> {
    let Some(me) = &page.me else {
        return page.render(
            "pages/home.html",
            context! { description => page.data.config.instance.description.clone() },
        );
    };
    let excluded = excluded(&page).await?;
    let posts =
        db::timelines::home_page(&page.data.db.read, me.actor.id, paging.cursor(), &excluded)
            .await?;
    let next = next_link("/", &posts, |p| p.id);
    let statuses = statuses(&page, posts).await?;
    page.render(
        "pages/timeline.html",
        context! {
            heading => tr(page.lang, "timeline-home"),
            statuses, next,
            show_composer => true,
            default_visibility => me.user.default_visibility.clone(),
        },
    )
}

async fn public(page: Page, paging: Paging, local: bool) -> AppResult<Response> {
    let excluded = excluded(&page).await?;
    let filter = PublicFilter {
        local,
        remote: false,
        only_media: false,
    };
    let posts =
        db::timelines::public_page(&page.data.db.read, filter, paging.cursor(), &excluded).await?;
    let path = if local { "/local" } else { "/federated" };
    let next = next_link(path, &posts, |p| p.id);
    let statuses = statuses(&page, posts).await?;
    let heading = if local {
        tr(page.lang, "timeline-local")
    } else {
        tr(page.lang, "timeline-federated")
    };
    page.render("pages/timeline.html", context! { heading, statuses, next })
}

/// `GET /local`: public posts of this server.
pub async fn local(page: Page, Query(paging): Query<Paging>) -> AppResult<Response> {
    public(page, paging, true).await
}

/// `GET /federated`: public posts this server knows, from everywhere.
pub async fn federated(page: Page, Query(paging): Query<Paging>) -> AppResult<Response> {
    public(page, paging, false).await
}

/// A 303 to `to` (after a form).
pub fn see_other(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}
