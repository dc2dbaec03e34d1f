//! A local resource collection at its id: its `OrderedCollection` for ActivityPub clients (the
//! items only for readers who may see them: everyone for a public one; for an approval-required
//! one a signed GET by an approved follower or another actor of an approved remote follower's
//! server — peers fetch with their instance actor), its page for browsers; private ones are 404
//! to everyone, deleted ones 410. Its `followers` collection gives the count only.
use super::{as2, signed_fetcher, to_value, wants_as2};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::{inbox, objects::collection::object_of},
    service::collections::Visibility,
    web,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{OriginalUri, Path},
    http::HeaderMap,
    response::Response,
};
use serde_json::json;

async fn local_collection(
    data: &Data<AppState>,
    id: i64,
) -> AppResult<crate::db::entity::collection::Model> {
    let c = db::collections::get(&data.db.read, id).await?;
    if !c.local || Visibility::of(&c) == Visibility::Private {
        return Err(AppError::not_found("collection not found"));
    }
    if c.deleted_at.is_some() {
        return Err(AppError::Gone("this collection was deleted".into()));
    }
    Ok(c)
}

/// `GET /collections/:id`.
pub(super) async fn get_collection(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let c = local_collection(&data, id).await?;
    if !wants_as2(&headers) {
        return web::collections::collection_page(&data, &headers, &uri.0, &c).await;
    }
    let with_items = match Visibility::of(&c) {
        Visibility::Public => {
            signed_fetcher(&data, &uri, &headers).await?;
            true
        }
        _ => {
            let path = uri.0.path_and_query().map_or("/", |p| p.as_str());
            let signed = headers.contains_key("signature") || headers.contains_key("authorization");
            match signed {
                true => match inbox::verify_signed_get(&data, path, &headers).await {
                    Ok(fetcher) => {
                        db::collections::has_approved_follower_on(
                            &data.db.read,
                            c.id,
                            fetcher.id,
                            &fetcher.domain,
                        )
                        .await?
                    }
                    Err(e) if data.config.federation.authorized_fetch => return Err(e),
                    Err(_) => false,
                },
                false if data.config.federation.authorized_fetch => {
                    signed_fetcher(&data, &uri, &headers).await?;
                    false
                }
                false => false,
            }
        }
    };
    let object = object_of(&data.db.read, &data, &c, with_items).await?;
    Ok(as2(to_value(object)?))
}

/// `GET /collections/:id/followers`: how many follow it (the followers are not listed).
pub(super) async fn get_collection_followers(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let c = local_collection(&data, id).await?;
    signed_fetcher(&data, &uri, &headers).await?;
    let total = db::collections::follower_counts(&data.db.read, &[c.id])
        .await?
        .remove(&c.id)
        .unwrap_or(0);
    Ok(as2(json!({
        "id": data.urls.collection_followers(c.id),
        "type": "OrderedCollection",
        "totalItems": total,
    })))
}
