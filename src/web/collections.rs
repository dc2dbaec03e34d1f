//! The web page of a resource collection (what a browser gets at the collection's URL, and at
//! `/web/collections/{id}` for any collection this node knows): title, owner, subjects and
//! levels, description, the resources in order with the curator's notes (for an
//! approval-required collection, only for its owner and approved followers), following
//! (a pending request shows as such) and, for its owner, the editing forms (see
//! [`super::collection_edit`]) and the pending follow requests.
use super::{
    circles::TokenForm,
    page::{Page, display_name},
    timelines::see_other,
};
use crate::{
    AppState,
    api::form::ApiForm,
    db::{self, entity::collection},
    error::{AppError, AppResult},
    service::collections::{self, Visibility, follows, notes},
    text,
};
use activitypub_federation::config::Data;
use axum::{extract::Path, http::HeaderMap, response::Response};
use minijinja::{Value, context};

/// The page of `c`, in the visitor's language.
pub async fn collection_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    c: &collection::Model,
) -> AppResult<Response> {
    let mut page = Page::from_headers(data, headers).await?;
    page.here = uri.path_and_query().map(|p| p.as_str().to_string());
    render_collection(&page, c).await
}

/// Where the page of collection `c` is for browsers of this node: its own URL when it is local
/// and not private (a private one's URL answers 404 to everyone, so its owner reads it here).
pub fn page_path(c: &collection::Model) -> String {
    if c.local && Visibility::of(c) != Visibility::Private {
        format!("/collections/{}", c.id)
    } else {
        format!("/web/collections/{}", c.id)
    }
}

async fn render_collection(page: &Page, c: &collection::Model) -> AppResult<Response> {
    let data = &page.data;
    let viewer = page.me.as_ref().map(|m| m.actor.id);
    let owner = db::actors::get_by_id(&data.db.read, c.owner_id).await?;
    let own = viewer == Some(c.owner_id) && c.local;
    let visibility = Visibility::of(c);
    let description_html = if c.description.is_empty() {
        String::new()
    } else {
        text::render_local_status(&c.description, &|_| None, &|t| data.urls.tag(t))
    };
    let all_items = db::collections::items_of(&data.db.read, c.id).await?;
    let items_count = all_items.len();
    let show_items = collections::can_see_items(&data.db.read, c, viewer).await?;
    let mut items = Vec::new();
    if show_items {
        let resources = db::collections::resources_of(&data.db.read, &all_items).await?;
        let last = all_items.len().saturating_sub(1);
        for (position, i) in all_items.iter().enumerate() {
            let Some(r) = resources.get(&i.resource_id) else {
                continue;
            };
            let deleted = r.deleted_at.is_some();
            if deleted && !own {
                continue;
            }
            items.push(context! {
                id => i.id.to_string(),
                title => r.title.clone(),
                link => r.url.clone().unwrap_or_else(|| r.ap_id.clone()),
                note => i.note.clone(),
                deleted,
                first => position == 0,
                last => position == last,
            });
        }
    }
    let (mut following, mut requested) = (false, false);
    if let Some(me) = viewer
        && let Some(f) = db::collections::find_follow(&data.db.read, c.id, me).await?
    {
        following = f.accepted;
        requested = !f.accepted;
    }
    let mut requests = Vec::new();
    if own && let Some(me) = &page.me {
        for a in follows::requests(data, &me.actor, c.id).await? {
            requests.push(context! {
                id => a.id.to_string(),
                handle => a.handle(),
                display_name => display_name(&a),
            });
        }
    }
    let excerpt: String = c.title.chars().take(140).collect();
    let query = page
        .here
        .as_deref()
        .and_then(|h| h.split_once('?'))
        .map(|(_, q)| q);
    let notice = super::requests::notice(page.lang, query);
    page.render(
        "pages/collection.html",
        context! {
            notice,
            own, following, requested, items, items_count, show_items, requests, excerpt,
            description_html,
            id => c.id.to_string(),
            title => c.title.clone(),
            description => c.description.clone(),
            facets => notes::facets_line(c, page.lang),
            visibility => visibility.as_str(),
            display_name => display_name(&owner),
            handle => owner.handle(),
            ap_id => c.ap_id.clone(),
            url => c.url.clone().unwrap_or_else(|| c.ap_id.clone()),
            published => c.published_at.to_rfc3339(),
            visibilities => Visibility::ALL.iter().map(|v| Value::from(v.as_str())).collect::<Vec<_>>(),
        },
    )
}

pub(super) fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse()
        .map_err(|_| AppError::not_found("collection not found"))
}

/// `GET /web/collections/{id}`: any collection this node knows (remote ones have no page of
/// ours at their own URL).
pub async fn by_id(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    let viewer = page.me.as_ref().map(|m| m.actor.id);
    let c = collections::visible(&page.data, viewer, parse_id(&id)?).await?;
    render_collection(&page, &c).await
}

/// Back to the page of collection `id`.
pub(super) async fn back_to(page: &Page, id: i64) -> AppResult<Response> {
    let c = db::collections::get(&page.data.db.read, id).await?;
    Ok(see_other(&page_path(&c)))
}

/// `POST /collections/{id}/follow`: followed at once (public, local), or a pending request.
pub async fn follow(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    follows::follow(&page.data, &me.actor, id).await?;
    back_to(&page, id).await
}

/// `POST /collections/{id}/unfollow` (also withdraws a pending request).
pub async fn unfollow(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    follows::unfollow(&page.data, &me.actor, id).await?;
    back_to(&page, id).await
}

/// `POST /collections/{id}/requests/{account}/{accept|reject}` (the owner).
pub async fn answer_request(
    page: Page,
    Path((id, account, answer)): Path<(String, String, String)>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let (id, account) = (parse_id(&id)?, parse_id(&account)?);
    let csrf = form.params.csrf.as_deref();
    super::requests::answer(&page, csrf, &answer, async |me, accept| {
        follows::answer(&page.data, &me.actor, id, account, accept).await?;
        let c = db::collections::get(&page.data.db.read, id).await?;
        Ok(page_path(&c))
    })
    .await
}
