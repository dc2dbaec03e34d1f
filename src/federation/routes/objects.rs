//! A local post (its `Note`, or its page for browsers; a `Tombstone` once deleted), a stored
//! public activity, and a local teaching resource (its `Page`).
use super::{as2, local_actor, signed_fetcher, to_value, wants_as2};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::objects::note::note_for_post,
    service, web,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{OriginalUri, Path},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde_json::{Value, json};

pub(super) async fn get_note(
    data: Data<AppState>,
    Path((name, id)): Path<(String, i64)>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let author = local_actor(&data, &name).await?;
    let post = db::posts::get_by_id(&data.db.read, id).await?;
    if post.author_id != author.id || !post.local || post.reblog_of_id.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    if post.deleted_at.is_some() {
        let tombstone = json!({"id": post.ap_id, "type": "Tombstone"});
        let mut response = as2(tombstone);
        *response.status_mut() = StatusCode::GONE;
        return Ok(response);
    }
    let as2_wanted = wants_as2(&headers);
    let fetcher = if as2_wanted {
        signed_fetcher(&data, &uri, &headers).await?
    } else {
        None
    };
    if !service::posts::can_see(&data, fetcher.as_ref(), &post).await? {
        return Err(AppError::not_found("post not found"));
    }
    if !as2_wanted {
        return web::post_page(&data, &headers, &author, &post).await;
    }
    Ok(as2(to_value(
        note_for_post(&data, &data.db.read, &post).await?,
    )?))
}

pub(super) async fn get_activity(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    signed_fetcher(&data, &uri, &headers).await?;
    let activity = db::deliveries::activities(&data.db.read, &[id])
        .await?
        .remove(&id)
        .filter(|a| a.public)
        .ok_or_else(|| AppError::not_found("activity not found"))?;
    let value: Value = serde_json::from_str(&activity.body)
        .map_err(|e| anyhow::anyhow!("stored activity: {e}"))?;
    Ok(as2(value))
}

/// A local teaching resource: its `Page` for ActivityPub clients, its page for browsers; 410
/// once deleted.
pub(super) async fn get_resource(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let resource = db::resources::get(&data.db.read, id).await?;
    if !resource.local {
        return Err(AppError::not_found("resource not found"));
    }
    if resource.deleted_at.is_some() {
        return Err(AppError::Gone("this resource was deleted".into()));
    }
    if !wants_as2(&headers) {
        return web::resources::resource_page(&data, &headers, &resource).await;
    }
    signed_fetcher(&data, &uri, &headers).await?;
    let page = crate::federation::objects::resource_page::page_of(&data, &resource).await?;
    Ok(as2(to_value(page)?))
}
