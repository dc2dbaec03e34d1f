//! `GET /api/v1/bookmarks` and `GET /api/v1/favourites`: the viewer's saved and favourited
//! statuses, newest first, paged with Link headers over the bookmark/favourite row ids (which
//! clients cannot compute, so they must follow the links).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::ApiQuery,
        mastodon::entities::status,
        pagination::{PageParams, paged},
    },
    db,
    error::AppResult,
    service::posts::can_see,
};
use activitypub_federation::config::Data;
use axum::{Router, extract::OriginalUri, response::Response, routing::get};

/// The bookmark and favourite list routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/bookmarks", get(bookmarks))
        .route("/api/v1/favourites", get(favourites))
}

/// Statuses for `(row id, post id)` rows the viewer may still see, with the Link header.
async fn respond(
    data: &Data<AppState>,
    auth: &Auth,
    uri: &axum::http::Uri,
    rows: Vec<(i64, i64)>,
) -> AppResult<Response> {
    let range = rows.first().zip(rows.last()).map(|(a, b)| (a.0, b.0));
    let post_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let by_id = db::views::posts_by_ids(&data.db.read, &post_ids).await?;
    let mut posts = Vec::with_capacity(rows.len());
    for (_, post_id) in &rows {
        if let Some(p) = by_id.get(post_id)
            && can_see(data, Some(&auth.actor), p).await?
        {
            posts.push(p.clone());
        }
    }
    let statuses = status::statuses(data, Some(auth.actor.id), posts).await?;
    paged(data.urls.base(), uri, statuses, range)
}

async fn bookmarks(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:bookmarks")?;
    let rows = db::posts::bookmarks_of(&data.db.read, auth.actor.id, params.cursor(20, 40)).await?;
    respond(&data, &auth, &uri, rows).await
}

async fn favourites(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:favourites")?;
    let rows =
        db::posts::favourites_of(&data.db.read, auth.actor.id, params.cursor(20, 40)).await?;
    respond(&data, &auth, &uri, rows).await
}
