//! PLN API: circles (FEP-1b12 groups). `POST/GET /api/v1/pln/circles[/:id]`, `PATCH` (moderators),
//! members and join requests, joining and leaving, moderation (authorize/reject a request,
//! remove a member, remove a post) and posting to a circle. Lists page with
//! `max_id`/`since_id`/`min_id`/`limit` and Link headers; every rule lives in
//! `service::circles`.
pub mod entities;

use crate::{
    AppState,
    api::pln::params::{DEFAULT_LIMIT, MAX_LIMIT, non_empty, opt_ids, opt_list},
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::{Status, account, status},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::follows::Listing,
    error::AppResult,
    service::{
        circles::{self, CircleChanges, CircleFilter, NewCircle},
        posts::{NewPost, PostExtras},
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{delete, get, post},
};
use entities::Circle;
use serde::{Deserialize, Serialize};

/// The circle routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/pln/circles", get(list_circles).post(create_circle))
        .route(
            "/api/v1/pln/circles/{id}",
            get(show_circle)
                .patch(update_circle)
                .put(update_circle)
                .delete(delete_circle),
        )
        .route(
            "/api/v1/pln/circles/{id}/collections",
            get(circle_collections),
        )
        .route("/api/v1/pln/circles/{id}/members", get(members))
        .route("/api/v1/pln/circles/{id}/join", post(join))
        .route("/api/v1/pln/circles/{id}/leave", post(leave))
        .route("/api/v1/pln/circles/{id}/join_requests", get(join_requests))
        .route(
            "/api/v1/pln/circles/{id}/join_requests/{account_id}/authorize",
            post(authorize),
        )
        .route(
            "/api/v1/pln/circles/{id}/join_requests/{account_id}/reject",
            post(reject),
        )
        .route(
            "/api/v1/pln/circles/{id}/members/{account_id}/remove",
            post(remove_member),
        )
        .route("/api/v1/pln/circles/{id}/statuses", post(post_status))
        .route(
            "/api/v1/pln/circles/{id}/statuses/{status_id}",
            delete(remove_status),
        )
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    level: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    local: Option<bool>,
    #[serde(flatten)]
    page: PageParams,
}

/// `GET /api/v1/pln/circles`: circles this node knows (local and remote), filtered.
async fn list_circles(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    ApiQuery(p): ApiQuery<ListParams>,
) -> AppResult<Response> {
    let filter = CircleFilter {
        subject: non_empty(p.subject),
        level: non_empty(p.level),
        language: non_empty(p.language),
        region: non_empty(p.region),
        local: p.local,
    };
    let views = circles::list(
        &data,
        filter,
        &p.q.unwrap_or_default(),
        p.page.cursor(DEFAULT_LIMIT, MAX_LIMIT),
    )
    .await?;
    let range = id_range(&views, |v| v.actor.id);
    let viewer = auth.0.as_ref().map(|a| &a.actor);
    let list = entities::circles(&data, viewer, views).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/circles/:id`.
async fn show_circle(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Circle>> {
    let view = circles::get(&data, parse_id(&id)?).await?;
    let viewer = auth.0.as_ref().map(|a| &a.actor);
    Ok(Json(entities::circle(&data, viewer, view).await?))
}

#[derive(Debug, Default, Deserialize)]
struct CircleParams {
    /// The handle (create only).
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    subjects: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    levels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    rules: Option<String>,
    /// Account ids (PATCH).
    #[serde(default, deserialize_with = "opt_ids")]
    moderators: Option<Vec<i64>>,
}

/// `POST /api/v1/pln/circles`: create a circle (its creator is its first member and moderator).
async fn create_circle(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<CircleParams>,
) -> AppResult<Json<Circle>> {
    auth.require("write")?;
    let p = form.params;
    let new = NewCircle {
        name: p.name.unwrap_or_default(),
        display_name: p.display_name.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        subjects: p.subjects.unwrap_or_default(),
        levels: p.levels.unwrap_or_default(),
        languages: p.languages.unwrap_or_default(),
        region: p.region,
        visibility: non_empty(p.visibility),
        rules: p.rules.unwrap_or_default(),
    };
    let view = circles::create(&data, &auth.actor, new).await?;
    Ok(Json(
        entities::circle(&data, Some(&auth.actor), view).await?,
    ))
}

/// `PATCH /api/v1/pln/circles/:id` (moderators): name, description, rules, visibility,
/// moderators; what is absent is kept.
async fn update_circle(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<CircleParams>,
) -> AppResult<Json<Circle>> {
    auth.require("write")?;
    let p = form.params;
    let changes = CircleChanges {
        display_name: p.display_name,
        description: p.description,
        rules: p.rules,
        moderators: p.moderators,
        visibility: non_empty(p.visibility),
    };
    let view = circles::update(&data, &auth.actor, parse_id(&id)?, changes).await?;
    Ok(Json(
        entities::circle(&data, Some(&auth.actor), view).await?,
    ))
}

/// `DELETE /api/v1/pln/circles/:id` (its creator or an admin): the circle is gone here and, by
/// a `Delete` of the Group, on every member's node. Answers the circle as it was.
async fn delete_circle(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Circle>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    let before = circles::get(&data, id).await?;
    let shown = entities::circle(&data, Some(&auth.actor), before).await?;
    circles::delete(&data, &auth.actor, &auth.user, id).await?;
    Ok(Json(shown))
}

/// `GET /api/v1/pln/circles/:id/collections`: the resource collections the circle owns (local
/// or remote circle), newest first, in the collections API's shape.
async fn circle_collections(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    let circle = circles::get(&data, parse_id(&id)?).await?;
    let viewer = auth.actor_id();
    let cursor = page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = crate::service::collections::list_of(&data, viewer, circle.actor.id, cursor).await?;
    let range = id_range(&rows, |c| c.id);
    let list = crate::api::pln::collections::entities::collections(&data, viewer, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

async fn people(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    id: String,
    page: PageParams,
    listing: Listing,
) -> AppResult<Response> {
    let viewer = auth.0.as_ref().map(|a| &a.actor);
    let rows = circles::people(&data, viewer, parse_id(&id)?, listing, page.cursor(40, 80)).await?;
    let range = id_range(&rows, |(fid, _)| *fid);
    let actors: Vec<_> = rows.into_iter().map(|(_, a)| a).collect();
    let list = account::accounts(&data, &actors).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/circles/:id/members`: admitted members as accounts, newest first.
async fn members(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    people(data, auth, uri, id, page, Listing::Followers).await
}

/// `GET /api/v1/pln/circles/:id/join_requests` (moderators of an approval circle).
async fn join_requests(
    data: Data<AppState>,
    auth: Auth,
    uri: OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read")?;
    people(
        data,
        MaybeAuth(Some(auth)),
        uri,
        id,
        page,
        Listing::Requests,
    )
    .await
}

/// Where the viewer stands after a membership change.
#[derive(Debug, Serialize)]
struct MembershipState {
    circle_id: String,
    membership: String,
}

/// `POST /api/v1/pln/circles/:id/join`: `member`, or `requested` (approval circles and remote
/// circles until they answer).
async fn join(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<MembershipState>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    let state = circles::join(&data, &auth.actor, id).await?;
    Ok(Json(MembershipState {
        circle_id: id.to_string(),
        membership: state.as_str().into(),
    }))
}

/// `POST /api/v1/pln/circles/:id/leave` (also withdraws a join request).
async fn leave(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<MembershipState>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    circles::leave(&data, &auth.actor, id).await?;
    Ok(Json(MembershipState {
        circle_id: id.to_string(),
        membership: circles::Membership::None.as_str().into(),
    }))
}

/// The outcome of a moderator's action on an account.
#[derive(Debug, Serialize)]
struct ModeratedAccount {
    circle_id: String,
    account_id: String,
    membership: String,
}

async fn moderate(
    data: &Data<AppState>,
    circle_id: i64,
    account_id: i64,
) -> AppResult<Json<ModeratedAccount>> {
    let state = circles::membership(data, circle_id, account_id).await?;
    Ok(Json(ModeratedAccount {
        circle_id: circle_id.to_string(),
        account_id: account_id.to_string(),
        membership: state.as_str().into(),
    }))
}

/// `POST /api/v1/pln/circles/:id/join_requests/:account_id/authorize` (moderators).
async fn authorize(
    data: Data<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<Json<ModeratedAccount>> {
    auth.require("write")?;
    let (id, account_id) = (parse_id(&id)?, parse_id(&account_id)?);
    circles::authorize(&data, &auth.actor, id, account_id).await?;
    moderate(&data, id, account_id).await
}

/// `POST /api/v1/pln/circles/:id/join_requests/:account_id/reject` (moderators).
async fn reject(
    data: Data<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<Json<ModeratedAccount>> {
    auth.require("write")?;
    let (id, account_id) = (parse_id(&id)?, parse_id(&account_id)?);
    circles::reject(&data, &auth.actor, id, account_id).await?;
    moderate(&data, id, account_id).await
}

/// `POST /api/v1/pln/circles/:id/members/:account_id/remove` (moderators).
async fn remove_member(
    data: Data<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<Json<ModeratedAccount>> {
    auth.require("write")?;
    let (id, account_id) = (parse_id(&id)?, parse_id(&account_id)?);
    circles::remove_member(&data, &auth.actor, id, account_id).await?;
    moderate(&data, id, account_id).await
}

#[derive(Debug, Deserialize)]
struct CircleStatusParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::vec_i64")]
    media_ids: Vec<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    in_reply_to_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    /// `public` (default) or `unlisted`.
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
}

/// `POST /api/v1/pln/circles/:id/statuses`: a member posts to the circle (a status that
/// mentions it); answers the Mastodon status.
async fn post_status(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<CircleStatusParams>,
) -> AppResult<Json<Status>> {
    auth.require("write")?;
    let p = form.params;
    let new = NewPost {
        text: p.status.unwrap_or_default(),
        spoiler_text: p.spoiler_text,
        sensitive: p.sensitive.unwrap_or(auth.user.default_sensitive),
        visibility: non_empty(p.visibility).unwrap_or_else(|| "public".into()),
        language: non_empty(p.language).or_else(|| auth.user.default_language.clone()),
        in_reply_to_id: p.in_reply_to_id,
    };
    let extras = PostExtras {
        media_ids: p.media_ids,
        application_id: auth.token.app_id,
        ..Default::default()
    };
    let post = circles::posts::post(&data, &auth.actor, parse_id(&id)?, new, extras).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), post).await?,
    ))
}

/// The outcome of a post's removal.
#[derive(Debug, Serialize)]
struct RemovedStatus {
    circle_id: String,
    status_id: String,
    removed: bool,
}

/// `DELETE /api/v1/pln/circles/:id/statuses/:status_id` (moderators): takes a post out of the
/// circle on every member's node.
async fn remove_status(
    data: Data<AppState>,
    auth: Auth,
    Path((id, status_id)): Path<(String, String)>,
) -> AppResult<Json<RemovedStatus>> {
    auth.require("write")?;
    let (id, status_id) = (parse_id(&id)?, parse_id(&status_id)?);
    circles::posts::remove_post(&data, &auth.actor, id, status_id).await?;
    Ok(Json(RemovedStatus {
        circle_id: id.to_string(),
        status_id: status_id.to_string(),
        removed: true,
    }))
}
