//! Profile pages (local `/@name` and known remote `/@name@host`): name, bio, PLN facets with
//! labels in the page language, counts, posts paged with `?max_id=`, and for the signed-in the
//! follow / unfollow buttons; `POST /follow` follows someone on another server by handle.
use super::{
    i18n::tr,
    page::{Page, display_name},
    timelines::{Paging, next_link, see_other, statuses},
};
use crate::{
    AppState,
    api::{
        form::{ApiForm, de},
        mastodon::entities::account,
    },
    db::{self, entity::actor},
    error::{AppError, AppResult},
    service::{self, profiles::facet_fields},
    text,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{Path, Query},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use minijinja::context;
use serde::Deserialize;

/// The actor a `/@…` path names: `@name` (local) or `@name@host` (known remote).
pub(super) async fn actor_of(data: &Data<AppState>, handle: &str) -> AppResult<actor::Model> {
    let name = handle
        .strip_prefix('@')
        .ok_or_else(|| AppError::not_found("page not found"))?;
    let found = match name.split_once('@') {
        None => db::actors::find_local(&data.db.read, name).await?,
        Some((user, host)) if host.eq_ignore_ascii_case(&data.config.instance.domain) => {
            db::actors::find_local(&data.db.read, user).await?
        }
        Some((user, host)) => db::actors::find_by_handle(&data.db.read, user, host).await?,
    };
    found
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| AppError::not_found("no such account"))
}

/// `GET /@name` (local, also reached through content negotiation) and `GET /@name@host`.
pub async fn profile_by_handle(
    data: Data<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(handle): Path<String>,
    Query(paging): Query<Paging>,
    Query(people): Query<super::circles::PeoplePaging>,
) -> AppResult<Response> {
    let actor = actor_of(&data, &handle).await?;
    let mut page = Page::from_headers(&data, &headers).await?;
    page.here = uri.path_and_query().map(|p| p.as_str().to_string());
    if actor.kind == "Group" {
        return super::circles::circle_page(&page, &actor, &paging, &people).await;
    }
    render_profile(&page, &actor, &paging).await
}

/// The profile page of a local actor (for the federation routes' content negotiation).
pub async fn profile_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    actor: &actor::Model,
) -> AppResult<Response> {
    let page = Page::from_headers(data, headers).await?;
    render_profile(&page, actor, &Paging::default()).await
}

async fn render_profile(page: &Page, actor: &actor::Model, paging: &Paging) -> AppResult<Response> {
    if actor.kind == "Application" {
        return Ok(Redirect::to("/").into_response());
    }
    // Circles and this node's institution have pages of their own at their actor's URL.
    if actor.kind == "Group" {
        let people = super::circles::PeoplePaging::default();
        return super::circles::circle_page(page, actor, paging, &people).await;
    }
    if actor.kind == "Organization" && actor.local {
        return Ok(see_other(&format!("/institutions/{}", actor.domain)));
    }
    let data = &page.data;
    let cursor = paging.cursor();
    let posts =
        db::posts::list_public_by_author(&data.db.read, actor.id, cursor.max_id, cursor.limit)
            .await?;
    let handle = actor.handle();
    let next = next_link(&format!("/@{handle}"), &posts, |p| p.id);
    let posts: Vec<_> = posts
        .into_iter()
        .filter(|p| p.visibility == "public" || p.visibility == "unlisted")
        .collect();
    let statuses = statuses(page, posts).await?;
    let entity = account::account(data, actor).await?;
    let facets: Vec<_> = facet_fields(actor, page.lang)
        .into_iter()
        .map(|f| context! { name => f.name, value => f.value })
        .collect();
    let (mut following, mut requested, mut follows_you, mut own) = (false, false, false, false);
    if let Some(me) = &page.me {
        own = me.actor.id == actor.id;
        if let Some(f) = db::follows::find(&data.db.read, me.actor.id, actor.id).await? {
            following = f.accepted;
            requested = !f.accepted;
        }
        follows_you = db::follows::find(&data.db.read, actor.id, me.actor.id)
            .await?
            .is_some_and(|f| f.accepted);
    }
    // Posts an imported account archive brought (listed on their own page).
    let archived = actor.local
        && !db::archives::archived_posts(&data.db.read, actor.id, 0, 1)
            .await?
            .is_empty();
    let show_counts = page.counts_visible(actor).await?;
    page.render(
        "pages/profile.html",
        context! {
            statuses, next, facets, handle, following, requested, follows_you, own, archived,
            show_counts,
            display_name => display_name(actor),
            local => actor.local,
            ap_id => actor.ap_id.clone(),
            url => actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
            moved => entity.moved.as_deref().map(|m| context! { acct => m.acct.clone() }),
            avatar => entity.avatar,
            posts_count => entity.statuses_count,
            followers_count => entity.followers_count,
            following_count => entity.following_count,
            summary_html => actor.summary.clone(),
            summary_text => text::html_to_plain_text(&actor.summary),
        },
    )
}

/// A form with only the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
}

/// `POST /@…/follow`.
pub async fn follow(
    page: Page,
    Path(handle): Path<String>,
    form: ApiForm<CsrfForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let target = actor_of(&page.data, &handle).await?;
    service::follows::follow(&page.data, &me.actor, &target).await?;
    Ok(see_other(&format!("/@{}", target.handle())))
}

/// `POST /@…/unfollow` (also cancels a pending request).
pub async fn unfollow(
    page: Page,
    Path(handle): Path<String>,
    form: ApiForm<CsrfForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let target = actor_of(&page.data, &handle).await?;
    service::follows::unfollow(&page.data, &me.actor, &target).await?;
    Ok(see_other(&format!("/@{}", target.handle())))
}

/// The follow-by-handle form.
#[derive(Debug, Default, Deserialize)]
pub struct FollowHandleForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    account: Option<String>,
}

/// `POST /follow`: finds `user@host` (WebFinger for unknown servers) and follows it.
pub async fn follow_handle(page: Page, form: ApiForm<FollowHandleForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let handle = form.account.unwrap_or_default();
    let target = match service::accounts::resolve_handle(&page.data, &handle).await {
        Ok(target) => target,
        Err(e) if e.status().is_client_error() || e.status() == StatusCode::BAD_GATEWAY => {
            let detail = format!(
                "{} ({})",
                tr(page.lang, "remote-follow-not-found"),
                handle.trim()
            );
            return Ok(page.error(StatusCode::NOT_FOUND, &detail));
        }
        Err(e) => return Err(e),
    };
    service::follows::follow(&page.data, &me.actor, &target).await?;
    Ok(see_other(&format!("/@{}", target.handle())))
}
