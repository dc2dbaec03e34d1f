//! ActivityPub and discovery HTTP endpoints: the routes, and what their handlers share — content
//! negotiation, the AS2 response, the authorized-fetch check of signed GETs. The handlers live
//! in the submodules: discovery (WebFinger, host-meta, NodeInfo), actors and their inboxes, an
//! actor's collections, notes and activities, mentorship objects, resource collections.
mod actor_collections;
mod actors;
mod collections;
mod discovery;
mod mentorship;
mod objects;

use crate::{
    AppState, db,
    db::entity::actor,
    error::{AppError, AppResult},
    federation::{context::default_context, inbox},
};
use activitypub_federation::config::Data;
use actor_collections::{get_featured, get_followers, get_following, get_moderators, get_outbox};
use actors::{actor_inbox, get_actor, instance_actor, shared_inbox};
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, OriginalUri},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use discovery::{host_meta, nodeinfo, nodeinfo_links, webfinger};
use mentorship::{get_mentorship, get_mentorship_request, get_offer};
use objects::{get_activity, get_note, get_resource};
use serde_json::Value;

/// The media type of ActivityPub documents we serve.
pub const AS2: &str = "application/activity+json; charset=utf-8";
/// Items per collection page.
const PAGE_SIZE: u64 = 20;

/// The federation routes; `max_body` caps inbox bodies.
pub fn routes(max_body: usize) -> Router {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/host-meta", get(host_meta))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/{version}", get(nodeinfo))
        .route("/actor", get(instance_actor))
        .route("/inbox", post(shared_inbox))
        .route("/actor/inbox", post(shared_inbox))
        .route("/users/{name}", get(get_actor))
        .route("/users/{name}/inbox", post(actor_inbox))
        .route("/users/{name}/outbox", get(get_outbox))
        .route("/users/{name}/followers", get(get_followers))
        .route("/users/{name}/following", get(get_following))
        .route("/users/{name}/collections/featured", get(get_featured))
        .route("/users/{name}/moderators", get(get_moderators))
        .route("/users/{name}/statuses/{id}", get(get_note))
        .route("/activities/{id}", get(get_activity))
        .route("/mentorship/offers/{id}", get(get_offer))
        .route("/mentorship/requests/{id}", get(get_mentorship_request))
        .route("/mentorships/{id}", get(get_mentorship))
        .route("/resources/{id}", get(get_resource))
        .route("/collections/{id}", get(collections::get_collection))
        .route(
            "/collections/{id}/followers",
            get(collections::get_collection_followers),
        )
        .layer(DefaultBodyLimit::max(max_body))
}

/// Whether the client asked for ActivityPub JSON rather than HTML.
pub fn wants_as2(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept.contains("application/activity+json") || accept.contains("application/ld+json")
        })
}

/// A JSON-LD document with our context and the ActivityPub content type.
fn as2(mut value: Value) -> Response {
    if let Value::Object(map) = &mut value {
        map.insert("@context".into(), default_context());
    }
    let mut response = Json(value).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(AS2));
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

fn to_value<T: serde::Serialize>(t: T) -> AppResult<Value> {
    serde_json::to_value(t).map_err(|e| anyhow::anyhow!("serialising: {e}").into())
}

/// In authorized-fetch mode, the signed GET's actor; otherwise None. Fails without a signature.
async fn signed_fetcher(
    data: &Data<AppState>,
    uri: &OriginalUri,
    headers: &HeaderMap,
) -> AppResult<Option<actor::Model>> {
    let signed = headers.contains_key("signature") || headers.contains_key("authorization");
    if !data.config.federation.authorized_fetch && !signed {
        return Ok(None);
    }
    let path = uri.0.path_and_query().map_or("/", |p| p.as_str());
    match inbox::verify_signed_get(data, path, headers).await {
        Ok(actor) => Ok(Some(actor)),
        Err(e) if data.config.federation.authorized_fetch => Err(e),
        Err(_) => Ok(None),
    }
}

async fn local_actor(data: &Data<AppState>, name: &str) -> AppResult<actor::Model> {
    db::actors::find_local_served(&data.db.read, name)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))
}
