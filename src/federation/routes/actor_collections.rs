//! A local actor's collections: followers and following (counts only when it hides them), the
//! outbox of public posts and boosts, the pinned posts (`featured`), a circle's moderators.
use super::{PAGE_SIZE, as2, local_actor, signed_fetcher, to_value};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::objects::note::note_for_post,
    service,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{OriginalUri, Path, Query},
    http::HeaderMap,
    response::Response,
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub(super) struct PageQuery {
    page: Option<String>,
    max_id: Option<i64>,
}

fn collection(id: &str, total: u64) -> Value {
    json!({"id": id, "type": "OrderedCollection", "totalItems": total, "first": format!("{id}?page=1")})
}

fn collection_page(id: &str, items: Vec<Value>, last_id: Option<i64>, full: bool) -> Value {
    let mut page = json!({
        "id": format!("{id}?page=1"),
        "type": "OrderedCollectionPage",
        "partOf": id,
        "orderedItems": items,
    });
    if let (Some(last), true) = (last_id, full) {
        page["next"] = json!(format!("{id}?page=1&max_id={last}"));
    }
    page
}

async fn follow_collection(
    data: Data<AppState>,
    name: String,
    q: PageQuery,
    uri: OriginalUri,
    headers: HeaderMap,
    followers: bool,
) -> AppResult<Response> {
    let actor = local_actor(&data, &name).await?;
    signed_fetcher(&data, &uri, &headers).await?;
    let id = if followers {
        data.urls.followers(&actor.username)
    } else {
        data.urls.following(&actor.username)
    };
    // Mastodon's `hide_collections`: the count stays, the pages are gone (no `first`, and a
    // page asked for anyway is refused), which Mastodon reads as "collections hidden".
    if q.page.is_none() {
        let total = db::follows::count_accepted(&data.db.read, actor.id, followers).await?;
        let mut body = collection(&id, total);
        if actor.hide_collections
            && let Some(map) = body.as_object_mut()
        {
            map.remove("first");
        }
        return Ok(as2(body));
    }
    if actor.hide_collections {
        return Err(AppError::Forbidden(
            "this account hides its followers and following".into(),
        ));
    }
    let rows =
        db::follows::list_accepted(&data.db.read, actor.id, followers, q.max_id, PAGE_SIZE).await?;
    let full = rows.len() as u64 == PAGE_SIZE;
    let last = rows.last().map(|(fid, _)| *fid);
    let items = rows
        .into_iter()
        .map(|(_, a)| Value::String(a.ap_id))
        .collect();
    Ok(as2(collection_page(&id, items, last, full)))
}

pub(super) async fn get_followers(
    data: Data<AppState>,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    follow_collection(data, name, q, uri, headers, true).await
}

pub(super) async fn get_following(
    data: Data<AppState>,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    follow_collection(data, name, q, uri, headers, false).await
}

pub(super) async fn get_outbox(
    data: Data<AppState>,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = local_actor(&data, &name).await?;
    signed_fetcher(&data, &uri, &headers).await?;
    let id = data.urls.outbox(&actor.username);
    if q.page.is_none() {
        let total = db::posts::count_public_by_author(&data.db.read, actor.id).await?;
        return Ok(as2(collection(&id, total)));
    }
    let posts =
        db::posts::list_public_by_author(&data.db.read, actor.id, q.max_id, PAGE_SIZE).await?;
    let full = posts.len() as u64 == PAGE_SIZE;
    let last = posts.last().map(|p| p.id);
    let mut items = Vec::with_capacity(posts.len());
    for post in posts {
        if let Some(original) = post.reblog_of_id {
            let original = db::posts::get_by_id(&data.db.read, original).await?;
            items.push(json!({
                "id": post.ap_id, "type": "Announce", "actor": actor.ap_id,
                "published": post.published_at, "object": original.ap_id,
                "to": [crate::federation::context::PUBLIC],
            }));
        } else {
            let note = note_for_post(&data, &data.db.read, &post).await?;
            items.push(json!({
                "id": format!("{}#create", post.ap_id), "type": "Create", "actor": actor.ap_id,
                "published": post.published_at, "to": note.to.clone(), "cc": note.cc.clone(),
                "object": to_value(note)?,
            }));
        }
    }
    Ok(as2(collection_page(&id, items, last, full)))
}

/// The `featured` collection: the public and unlisted statuses the account pinned, as Notes
/// (Mastodon embeds them the same way), most recently pinned first.
pub(super) async fn get_featured(
    data: Data<AppState>,
    Path(name): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = local_actor(&data, &name).await?;
    signed_fetcher(&data, &uri, &headers).await?;
    let pinned = db::posts::pins::pinned_posts(&data.db.read, actor.id).await?;
    let mut items = Vec::new();
    for post in pinned
        .iter()
        .filter(|p| matches!(p.visibility.as_str(), "public" | "unlisted"))
    {
        items.push(to_value(note_for_post(&data, &data.db.read, post).await?)?);
    }
    Ok(as2(json!({
        "id": data.urls.featured(&actor.username),
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}

/// A local circle's moderators (FEP-1b12), as an `OrderedCollection` of actor ids.
pub(super) async fn get_moderators(
    data: Data<AppState>,
    Path(name): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = local_actor(&data, &name).await?;
    signed_fetcher(&data, &uri, &headers).await?;
    let moderators = service::circles::moderator_accounts(&data, &actor).await?;
    let items: Vec<Value> = moderators
        .into_iter()
        .map(|a| Value::String(a.ap_id))
        .collect();
    Ok(as2(json!({
        "id": crate::federation::urls::moderators_of(&actor.ap_id),
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}
