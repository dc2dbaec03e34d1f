//! PLN API: resource collections. `POST/GET/PATCH/DELETE /api/v1/pln/collections[/:id]`, an
//! account's collections (`?account_id=`; without it, the viewer's own), the items (paged in the
//! collection's order with Link headers; add by resource id or URL with a note; remove; reorder
//! with `PUT …/items/order`), following (`POST …/follow`, `…/unfollow`) and, for the owner of
//! an approval-required collection, the pending requests with authorize / reject. The JSON
//! shapes are in [`entities`].
pub mod entities;

use crate::{
    AppState,
    api::pln::params::{DEFAULT_LIMIT, MAX_LIMIT, opt_list},
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::{Account, account},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db,
    error::{AppError, AppResult},
    service::collections::{
        self, CollectionChanges, CollectionInput, follows,
        items::{self, ItemRef},
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{delete, get, post, put},
};
use entities::{Collection, Item};
use serde::Deserialize;

/// The collection routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/pln/collections",
            get(list_collections).post(create_collection),
        )
        .route(
            "/api/v1/pln/collections/{id}",
            get(show_collection)
                .patch(update_collection)
                .put(update_collection)
                .delete(delete_collection),
        )
        .route(
            "/api/v1/pln/collections/{id}/items",
            get(list_items).post(add_item),
        )
        .route(
            "/api/v1/pln/collections/{id}/items/order",
            put(reorder_items),
        )
        .route(
            "/api/v1/pln/collections/{id}/items/{item_id}",
            delete(remove_item),
        )
        .route(
            "/api/v1/pln/collections/{id}/follow",
            post(follow_collection),
        )
        .route(
            "/api/v1/pln/collections/{id}/unfollow",
            post(unfollow_collection),
        )
        .route(
            "/api/v1/pln/collections/{id}/follow_requests",
            get(follow_requests),
        )
        .route(
            "/api/v1/pln/collections/{id}/follow_requests/{account_id}/authorize",
            post(authorize_request),
        )
        .route(
            "/api/v1/pln/collections/{id}/follow_requests/{account_id}/reject",
            post(reject_request),
        )
}

#[derive(Debug, Deserialize)]
struct ListParams {
    /// Whose collections; absent: the viewer's own.
    #[serde(default, deserialize_with = "de::opt_string")]
    account_id: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

/// `GET /api/v1/pln/collections[?account_id=]`: an account's collections that the viewer may
/// see (their own private ones too), newest first.
async fn list_collections(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    ApiQuery(p): ApiQuery<ListParams>,
) -> AppResult<Response> {
    let viewer = auth.actor_id();
    let owner = match p
        .account_id
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => parse_id(a)?,
        None => {
            viewer.ok_or_else(|| AppError::Unauthorized("sign in, or name an account_id".into()))?
        }
    };
    let cursor = p.page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = collections::list_of(&data, viewer, owner, cursor).await?;
    let range = id_range(&rows, |c| c.id);
    let list = entities::collections(&data, viewer, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/collections/:id` (404 for someone else's private one, 410 once deleted).
async fn show_collection(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Collection>> {
    let viewer = auth.actor_id();
    let row = collections::visible(&data, viewer, parse_id(&id)?).await?;
    Ok(Json(entities::collection(&data, viewer, row).await?))
}

#[derive(Debug, Default, Deserialize)]
struct CollectionParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    subjects: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    levels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    languages: Option<Vec<String>>,
    /// `public` (default), `approval` or `private`.
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    /// On create: the circle (its account id) that owns the new collection; the caller must
    /// moderate it.
    #[serde(default, deserialize_with = "de::opt_string")]
    circle_id: Option<String>,
}

/// `POST /api/v1/pln/collections`.
async fn create_collection(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<CollectionParams>,
) -> AppResult<Json<Collection>> {
    auth.require("write")?;
    let p = form.params;
    let input = CollectionInput {
        title: p.title.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        subjects: p.subjects.unwrap_or_default(),
        levels: p.levels.unwrap_or_default(),
        languages: p.languages.unwrap_or_default(),
        visibility: p.visibility,
    };
    let circle_id = p.circle_id.as_deref().map(parse_id).transpose()?;
    let row = collections::create(&data, &auth.actor, circle_id, input).await?;
    Ok(Json(
        entities::collection(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `PATCH /api/v1/pln/collections/:id` (owner only): what is absent is kept.
async fn update_collection(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<CollectionParams>,
) -> AppResult<Json<Collection>> {
    auth.require("write")?;
    let p = form.params;
    let changes = CollectionChanges {
        title: p.title,
        description: p.description,
        subjects: p.subjects,
        levels: p.levels,
        languages: p.languages,
        visibility: p.visibility,
    };
    let row = collections::edit(&data, &auth.actor, parse_id(&id)?, changes).await?;
    Ok(Json(
        entities::collection(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `DELETE /api/v1/pln/collections/:id` (owner only): answers the collection as it was.
async fn delete_collection(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Collection>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    let before = collections::own_collection(&data.db.read, &auth.actor, id).await?;
    let shown = entities::collection(&data, Some(auth.actor.id), before).await?;
    collections::delete(&data, &auth.actor, id).await?;
    Ok(Json(shown))
}

/// `GET /api/v1/pln/collections/:id/items`: in the collection's order, paged with Link
/// headers (their `max_id`/`min_id` are positions, not ids). 403 for an approval-required
/// collection the viewer is not an approved follower of.
async fn list_items(
    data: Data<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    let viewer = auth.actor_id();
    let c = collections::visible(&data, viewer, parse_id(&id)?).await?;
    if !collections::can_see_items(&data.db.read, &c, viewer).await? {
        return Err(AppError::Forbidden(
            "the items of this collection are for the followers its owner approved".into(),
        ));
    }
    let cursor = page.cursor(DEFAULT_LIMIT, MAX_LIMIT);
    let rows = db::collections::items_page(&data.db.read, c.id, cursor).await?;
    let range = id_range(&rows, db::collections::item_key);
    let list = entities::items(&data, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

#[derive(Debug, Default, Deserialize)]
struct ItemParams {
    /// A resource this node knows.
    #[serde(default, deserialize_with = "de::opt_string")]
    resource_id: Option<String>,
    /// A resource's URL (its page or id, or its readable status), fetched if need be.
    #[serde(default, deserialize_with = "de::opt_string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
}

/// `POST /api/v1/pln/collections/:id/items` with `resource_id` or `url`, and `note`: appends.
async fn add_item(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ItemParams>,
) -> AppResult<Json<Item>> {
    auth.require("write")?;
    let p = form.params;
    let what = match (
        p.resource_id.filter(|r| !r.trim().is_empty()),
        p.url.filter(|u| !u.trim().is_empty()),
    ) {
        (Some(r), None) => ItemRef::Id(parse_id(r.trim())?),
        (None, Some(u)) => ItemRef::Url(u),
        _ => {
            return Err(AppError::Invalid(
                "name the resource with either resource_id or url".into(),
            ));
        }
    };
    let note = p.note.unwrap_or_default();
    let row = items::add(&data, &auth.actor, parse_id(&id)?, what, &note).await?;
    Ok(Json(
        entities::items(&data, std::slice::from_ref(&row))
            .await?
            .remove(0),
    ))
}

/// `DELETE /api/v1/pln/collections/:id/items/:item_id` (owner only).
async fn remove_item(
    data: Data<AppState>,
    auth: Auth,
    Path((id, item_id)): Path<(String, String)>,
) -> AppResult<Json<Item>> {
    auth.require("write")?;
    let row = items::remove(&data, &auth.actor, parse_id(&id)?, parse_id(&item_id)?).await?;
    Ok(Json(
        entities::items(&data, std::slice::from_ref(&row))
            .await?
            .remove(0),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct OrderParams {
    #[serde(default, deserialize_with = "de::vec_i64")]
    item_ids: Vec<i64>,
}

/// `PUT /api/v1/pln/collections/:id/items/order` with `item_ids`: every item, in the new order.
async fn reorder_items(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<OrderParams>,
) -> AppResult<Json<Vec<Item>>> {
    auth.require("write")?;
    let rows = items::reorder(&data, &auth.actor, parse_id(&id)?, &form.params.item_ids).await?;
    Ok(Json(entities::items(&data, &rows).await?))
}

/// `POST /api/v1/pln/collections/:id/follow`: answers the collection with the follow state.
async fn follow_collection(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Collection>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    follows::follow(&data, &auth.actor, id).await?;
    let row = db::collections::get(&data.db.read, id).await?;
    Ok(Json(
        entities::collection(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `POST /api/v1/pln/collections/:id/unfollow`.
async fn unfollow_collection(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Collection>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    let row = collections::visible(&data, Some(auth.actor.id), id).await?;
    follows::unfollow(&data, &auth.actor, id).await?;
    Ok(Json(
        entities::collection(&data, Some(auth.actor.id), row).await?,
    ))
}

/// `GET /api/v1/pln/collections/:id/follow_requests` (owner only): the accounts waiting.
async fn follow_requests(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<Account>>> {
    auth.require("read")?;
    let actors = follows::requests(&data, &auth.actor, parse_id(&id)?).await?;
    Ok(Json(account::accounts(&data, &actors).await?))
}

async fn answer_request(
    data: Data<AppState>,
    auth: Auth,
    id: &str,
    account_id: &str,
    authorize: bool,
) -> AppResult<Json<Account>> {
    auth.require("write")?;
    let follower = follows::answer(
        &data,
        &auth.actor,
        parse_id(id)?,
        parse_id(account_id)?,
        authorize,
    )
    .await?;
    Ok(Json(account::account(&data, &follower).await?))
}

/// `POST /api/v1/pln/collections/:id/follow_requests/:account_id/authorize`.
async fn authorize_request(
    data: Data<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<Json<Account>> {
    answer_request(data, auth, &id, &account_id, true).await
}

/// `POST /api/v1/pln/collections/:id/follow_requests/:account_id/reject`.
async fn reject_request(
    data: Data<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<Json<Account>> {
    answer_request(data, auth, &id, &account_id, false).await
}
