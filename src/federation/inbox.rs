//! The inbound pipeline shared by the shared inbox and per-actor inboxes: size and depth limits,
//! HTTP signature (OpenSSL, parsed keys cached per key id, one refetch for key rotation), domain
//! checks, de-duplication, then the activity's own verify/receive. Also verifies signed GETs for
//! authorized-fetch mode.
use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    federation::{
        activities,
        actors::person::DbActor,
        signatures::{self, RequestVerification, SignatureHeader},
        urls::host_of,
        wire,
    },
    text,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use axum::http::{HeaderMap, Method};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use std::sync::Arc;
use url::Url;

/// What happened to an accepted inbox POST.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// Applied.
    Processed,
    /// Seen before (same activity id): ignored.
    Duplicate,
    /// A type we don't act on: accepted and ignored.
    Ignored,
}

fn unauthorized(why: impl std::fmt::Display) -> AppError {
    AppError::Unauthorized(format!("HTTP signature: {why}"))
}

/// The actor that owns `key_id`, with the parsed key: from the cache, else from our copy of the
/// actor, else fetched. `refresh` forces a fetch (after a failed verification).
async fn key_for(
    data: &Data<AppState>,
    key_id: &str,
    actor_url: &Url,
    refresh: bool,
) -> AppResult<(
    Arc<openssl::pkey::PKey<openssl::pkey::Public>>,
    actor::Model,
)> {
    if !refresh
        && let Some((key, owner)) = data.public_keys.get(key_id)
        && owner == actor_url.as_str()
        && let Some(actor) = db::actors::find_by_ap_id(&data.db.read, &owner).await?
        && actor.deleted_at.is_none()
    {
        return Ok((key, actor));
    }
    let object_id = ObjectId::<DbActor>::from(actor_url.clone());
    let mut actor = if refresh {
        object_id.dereference_forced(data).await
    } else {
        object_id.dereference(data).await
    }
    .map_err(|e| unauthorized(format!("cannot get the signing actor {actor_url}: {e}")))?;
    if actor.model.public_key_id != key_id && !refresh {
        // The actor may have rotated keys since we stored it.
        actor = object_id
            .dereference_forced(data)
            .await
            .map_err(|e| unauthorized(format!("cannot refresh the signing actor: {e}")))?;
    }
    if actor.model.public_key_id != key_id {
        return Err(unauthorized(format!(
            "key {key_id} does not belong to {actor_url}"
        )));
    }
    let key = data
        .public_keys
        .insert_pem(
            key_id,
            &actor.model.public_key_pem,
            actor.model.ap_id.clone(),
        )
        .map_err(unauthorized)?;
    Ok((key, actor.model))
}

/// Verifies the request's signature as made by `actor_url`'s key; refetches the actor once
/// when the cached key fails (key rotation).
async fn verify_signature(
    data: &Data<AppState>,
    req: &RequestVerification<'_>,
    actor_url: &Url,
) -> AppResult<actor::Model> {
    let sig = SignatureHeader::from_headers(req.headers).map_err(unauthorized)?;
    // Digest and date problems don't depend on the key: report them before any fetch.
    if let Some(body) = req.body
        && *req.method == Method::POST
    {
        let digest = req
            .headers
            .get("digest")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| unauthorized("the Digest header is missing"))?;
        signatures::verify_digest(digest, body).map_err(unauthorized)?;
    }
    let (key, actor) = key_for(data, &sig.key_id, actor_url, false).await?;
    match signatures::verify_request(req, &sig, &key, Utc::now()) {
        Ok(()) => Ok(actor),
        Err(signatures::SignatureError::BadSignature) => {
            data.public_keys.remove(&sig.key_id);
            let (key, actor) = key_for(data, &sig.key_id, actor_url, true).await?;
            signatures::verify_request(req, &sig, &key, Utc::now()).map_err(unauthorized)?;
            Ok(actor)
        }
        Err(e) => Err(unauthorized(e)),
    }
}

/// The request headers with `Host` filled in from our domain when the client (HTTP/2) or a
/// proxy left it out, so a signature over `host` can still be checked.
fn with_host<'a>(headers: &'a HeaderMap, domain: &str) -> std::borrow::Cow<'a, HeaderMap> {
    if headers.contains_key(axum::http::header::HOST) {
        return std::borrow::Cow::Borrowed(headers);
    }
    let mut owned = headers.clone();
    if let Ok(value) = axum::http::HeaderValue::from_str(domain) {
        owned.insert(axum::http::header::HOST, value);
    }
    std::borrow::Cow::Owned(owned)
}

/// Records an activity id as received; false if it was already there.
async fn first_time(data: &Data<AppState>, ap_id: &str) -> AppResult<bool> {
    use crate::db::entity::received_activity;
    use sea_orm::{ActiveModelTrait, Set};
    let row = received_activity::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        received_at: Set(Utc::now()),
    };
    match row.insert(&data.db.write).await {
        Ok(_) => Ok(true),
        Err(e) if db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

async fn forget(data: &Data<AppState>, ap_id: &str) {
    use crate::db::entity::received_activity;
    let _ = received_activity::Entity::delete_many()
        .filter(received_activity::Column::ApId.eq(ap_id))
        .exec(&data.db.write)
        .await;
}

/// Handles one inbox POST end to end.
pub async fn receive(
    data: &Data<AppState>,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<Received> {
    let limits = &data.config;
    if body.len() > limits.server.max_inbox_body_bytes {
        return Err(AppError::PayloadTooLarge(
            "activity body is too large".into(),
        ));
    }
    if headers.get("signature").is_none() && headers.get("authorization").is_none() {
        return Err(unauthorized("the request is not signed"));
    }
    if text::json_depth_exceeds(body, limits.federation.max_json_depth) {
        return Err(AppError::BadRequest(
            "activity JSON is nested too deeply".into(),
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("activity is not valid JSON: {e}")))?;
    let kind = wire::types_of(&value)
        .into_iter()
        .next()
        .ok_or_else(|| AppError::BadRequest("activity has no type".into()))?;
    let actor_url = value
        .get("actor")
        .and_then(|a| wire::first_url(Some(a)))
        .ok_or_else(|| AppError::BadRequest("activity has no actor".into()))?;
    let activity_id = match value.get("id") {
        Some(Value::String(s)) => Some(
            Url::parse(s)
                .map_err(|_| AppError::BadRequest("activity id is not an absolute URL".into()))?,
        ),
        _ => None,
    };
    let actor_host =
        host_of(&actor_url).ok_or_else(|| AppError::BadRequest("actor has no host".into()))?;
    if data.domain_policy.is_blocked(&actor_host) {
        return Err(AppError::Forbidden(
            "this server does not federate with your domain".into(),
        ));
    }
    if data.urls.is_local(&actor_url) {
        return Err(AppError::BadRequest(
            "activity claims to come from this server".into(),
        ));
    }
    if let Some(id) = &activity_id {
        crate::federation::urls::verify_same_host(id, &actor_url).map_err(|_| {
            AppError::BadRequest("activity id and actor are on different domains".into())
        })?;
    }
    let headers = with_host(headers, &limits.instance.domain);
    let request = RequestVerification {
        method,
        path_and_query,
        headers: &headers,
        body: Some(body),
    };
    let sender = verify_signature(data, &request, &actor_url).await?;
    if sender.suspended_at.is_some() {
        return Err(AppError::Forbidden(
            "this account is suspended on this server".into(),
        ));
    }

    // The host answered us, so it is alive: resume deliveries to it at once.
    if db::deliveries::host_is_back(&data.db.write, &actor_host).await? {
        data.delivery.host_is_back(&actor_host);
    }
    if !activities::HANDLED.contains(&kind.as_str()) {
        return Ok(Received::Ignored);
    }
    if let Some(id) = &activity_id
        && !first_time(data, id.as_str()).await?
    {
        return Ok(Received::Duplicate);
    }
    match activities::dispatch(&kind, value, data).await {
        Ok(()) => Ok(Received::Processed),
        Err(e) => {
            // A failure on our side may succeed when the sender retries: let it.
            if let Some(id) = &activity_id
                && e.status().is_server_error()
            {
                forget(data, id.as_str()).await;
            }
            Err(e)
        }
    }
}

/// Authorized fetch: the signing actor of a GET request (its `host` must be signed).
pub async fn verify_signed_get(
    data: &Data<AppState>,
    path_and_query: &str,
    headers: &HeaderMap,
) -> AppResult<actor::Model> {
    let sig = SignatureHeader::from_headers(headers).map_err(unauthorized)?;
    let mut actor_url = Url::parse(&sig.key_id).map_err(|_| unauthorized("keyId is not a URL"))?;
    actor_url.set_fragment(None);
    let host = host_of(&actor_url).ok_or_else(|| unauthorized("keyId has no host"))?;
    if data.domain_policy.is_blocked(&host) {
        return Err(AppError::Forbidden(
            "this server does not federate with your domain".into(),
        ));
    }
    // keyId is usually actor#main-key; servers that use another key URL get the actor through it.
    let actor_url = match db::actors::find_by_key_id(&data.db.read, &sig.key_id).await? {
        Some(known) => Url::parse(&known.ap_id).map_err(|_| unauthorized("bad stored actor"))?,
        None => actor_url,
    };
    let headers = with_host(headers, &data.config.instance.domain);
    let request = RequestVerification {
        method: &Method::GET,
        path_and_query,
        headers: &headers,
        body: None,
    };
    verify_signature(data, &request, &actor_url).await
}
