//! Timelines: `GET /api/v1/timelines/home` (the materialised feed), `public` (`local`,
//! `remote`, `only_media`; anonymous allowed), `tag/{hashtag}` (`any[]`, `all[]`, `none[]`),
//! `list/{list_id}`, and the `direct` (deprecated) and `link` (P2) shapes. Every page carries a
//! Link header computed from the raw page (before filters drop anything), is hydrated in a fixed
//! number of queries, leaves out muted and blocked accounts, and goes through the viewer's
//! filters.
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiQuery, de},
        mastodon::entities::{Status, status},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::{
        self,
        entity::{post, user_list},
        timelines::{PublicFilter, TagQuery},
    },
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::{OriginalUri, Path},
    http::Uri,
    response::Response,
    routing::get,
};
use sea_orm::EntityTrait;
use serde::Deserialize;

/// The timeline routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/timelines/home", get(home))
        .route("/api/v1/timelines/public", get(public))
        .route("/api/v1/timelines/tag/{hashtag}", get(tag))
        .route("/api/v1/timelines/list/{list_id}", get(list))
        .route("/api/v1/timelines/direct", get(empty))
        .route("/api/v1/timelines/link", get(empty))
}

/// Paging and filter parameters of every timeline.
#[derive(Debug, Default, Deserialize)]
pub struct TimelineParams {
    #[serde(flatten)]
    pub page: PageParams,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub local: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub remote: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub only_media: Option<bool>,
    #[serde(default, deserialize_with = "de::vec_string")]
    pub any: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    pub all: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    pub none: Vec<String>,
}

impl TimelineParams {
    fn public_filter(&self) -> PublicFilter {
        PublicFilter {
            local: self.local.unwrap_or(false),
            remote: self.remote.unwrap_or(false),
            only_media: self.only_media.unwrap_or(false),
        }
    }
}

/// The single call site of the viewer's content filters for timelines (and notifications):
/// marks `filtered` and drops statuses a `hide` filter matches.
pub async fn apply_filters(
    data: &Data<AppState>,
    viewer: Option<i64>,
    context: &str,
    statuses: &mut Vec<Status>,
) -> AppResult<()> {
    match viewer {
        Some(viewer) => super::filtering::apply(data, viewer, context, statuses).await,
        None => Ok(()),
    }
}

/// Hydrates a raw page, drops boosts of excluded authors, applies the viewer's filters (when
/// they have any), and answers with the Link header of the raw page.
pub async fn respond(
    data: &Data<AppState>,
    viewer: Option<&Auth>,
    context: &str,
    uri: &Uri,
    posts: Vec<post::Model>,
    excluded: &[i64],
) -> AppResult<Response> {
    let range = id_range(&posts, |p| p.id);
    let posts = drop_excluded_boosts(data, posts, excluded).await?;
    let viewer_id = viewer.map(|auth| auth.actor.id);
    let mut statuses = status::statuses(data, viewer_id, posts).await?;
    if viewer.is_some_and(|auth| auth.has_filters) {
        apply_filters(data, viewer_id, context, &mut statuses).await?;
    }
    paged(data.urls.base(), uri, statuses, range)
}

/// Boosts whose original author is muted or blocked leave the page.
async fn drop_excluded_boosts(
    data: &Data<AppState>,
    posts: Vec<post::Model>,
    excluded: &[i64],
) -> AppResult<Vec<post::Model>> {
    if excluded.is_empty() || posts.iter().all(|p| p.reblog_of_id.is_none()) {
        return Ok(posts);
    }
    let originals: Vec<i64> = posts.iter().filter_map(|p| p.reblog_of_id).collect();
    let originals = db::views::posts_by_ids(&data.db.read, &originals).await?;
    Ok(posts
        .into_iter()
        .filter(|p| {
            p.reblog_of_id
                .and_then(|id| originals.get(&id))
                .is_none_or(|o| !excluded.contains(&o.author_id))
        })
        .collect())
}

/// The viewer's excluded accounts (read with the token) plus the accounts of limited
/// (silenced) domains, kept out of public timelines.
async fn excluded_from_public(data: &Data<AppState>, viewer: Option<&Auth>) -> AppResult<Vec<i64>> {
    let mut ids = viewer.map(|auth| auth.excluded.clone()).unwrap_or_default();
    ids.extend(crate::service::federation_policy::limited_account_ids(data).await?);
    Ok(ids)
}

async fn home(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<TimelineParams>,
) -> AppResult<Response> {
    auth.require("read:statuses")?;
    let posts = db::timelines::home_page(
        &data.db.read,
        auth.actor.id,
        params.page.cursor(20, 40),
        &auth.excluded,
    )
    .await?;
    respond(&data, Some(&auth), "home", &uri, posts, &auth.excluded).await
}

async fn public(
    data: Data<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<TimelineParams>,
) -> AppResult<Response> {
    if let Some(auth) = &auth.0 {
        auth.require("read:statuses")?;
    }
    let excluded = excluded_from_public(&data, auth.0.as_ref()).await?;
    let posts = db::timelines::public_page(
        &data.db.read,
        params.public_filter(),
        params.page.cursor(20, 40),
        &excluded,
    )
    .await?;
    respond(&data, auth.0.as_ref(), "public", &uri, posts, &excluded).await
}

/// A hashtag as stored: lowercased, without `#`.
fn tag_name(raw: &str) -> String {
    raw.trim().trim_start_matches('#').to_lowercase()
}

async fn tag(
    data: Data<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(hashtag): Path<String>,
    ApiQuery(params): ApiQuery<TimelineParams>,
) -> AppResult<Response> {
    if let Some(auth) = &auth.0 {
        auth.require("read:statuses")?;
    }
    let mut any = vec![tag_name(&hashtag)];
    any.extend(params.any.iter().map(|t| tag_name(t)));
    any.retain(|t| !t.is_empty());
    any.dedup();
    let query = TagQuery {
        any,
        all: params.all.iter().map(|t| tag_name(t)).collect(),
        none: params.none.iter().map(|t| tag_name(t)).collect(),
    };
    let excluded = excluded_from_public(&data, auth.0.as_ref()).await?;
    let posts = db::timelines::tag_page(
        &data.db.read,
        &query,
        params.public_filter(),
        params.page.cursor(20, 40),
        &excluded,
    )
    .await?;
    respond(&data, auth.0.as_ref(), "public", &uri, posts, &excluded).await
}

async fn list(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Path(list_id): Path<String>,
    ApiQuery(params): ApiQuery<TimelineParams>,
) -> AppResult<Response> {
    auth.require("read:lists")?;
    let list_id = parse_id(&list_id)?;
    let list = user_list::Entity::find_by_id(list_id)
        .one(&data.db.read)
        .await?
        .filter(|l| l.owner_id == auth.actor.id)
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    let posts = db::timelines::list_page(
        &data.db.read,
        auth.actor.id,
        list.id,
        &list.replies_policy,
        params.page.cursor(20, 40),
        &auth.excluded,
    )
    .await?;
    respond(&data, Some(&auth), "home", &uri, posts, &auth.excluded).await
}

/// `direct` (deprecated in favour of conversations) and `link` (trending links): `[]`.
async fn empty(_auth: MaybeAuth) -> axum::Json<Vec<Status>> {
    axum::Json(Vec::new())
}
