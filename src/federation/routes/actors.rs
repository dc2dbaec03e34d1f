//! Actor documents (the instance actor, a local `Person` or the institution's `Organization`,
//! a `Tombstone` once deleted, the profile page for browsers) and the inboxes.
use super::{as2, local_actor, to_value, wants_as2};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::{actors::person::Person, inbox},
    service, web,
};
use activitypub_federation::config::Data;
use axum::{
    body::Bytes,
    extract::{OriginalUri, Path},
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

pub(super) async fn instance_actor(data: Data<AppState>) -> AppResult<Response> {
    let lang = &data.config.instance.default_language;
    Ok(as2(to_value(Person::from_model(
        &data.instance_actor,
        lang,
    )?)?))
}

pub(super) async fn get_actor(
    data: Data<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = db::actors::find_local_any(&data.db.read, &name)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))?;
    // A sign-up waiting for approval does not exist for other servers yet.
    if actor.deleted_at.is_none()
        && db::actors::is_pending_approval(&data.db.read, actor.id).await?
    {
        return Err(AppError::not_found("no such account"));
    }
    if actor.deleted_at.is_some() {
        let mut response =
            as2(json!({"id": actor.ap_id, "type": "Tombstone", "formerType": actor.kind}));
        *response.status_mut() = StatusCode::GONE;
        return Ok(response);
    }
    if !wants_as2(&headers) {
        return web::profile_page(&data, &headers, &actor).await;
    }
    // Actor documents are served unsigned even in authorized-fetch mode: peers need our keys.
    let lang = &data.config.instance.default_language;
    if actor.kind == "Organization" {
        let profile = service::institutions::local_profile(&data.db.read).await?;
        let doc = crate::federation::actors::organization::Organization::from_model(
            &actor, &profile, lang,
        )?;
        return Ok(as2(to_value(doc)?));
    }
    Ok(as2(to_value(Person::from_model(&actor, lang)?)?))
}

async fn inbox_response(
    data: Data<AppState>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge("activity body is too large".into())
        } else {
            AppError::BadRequest(format!("cannot read the body: {e}"))
        }
    })?;
    let path = uri.0.path_and_query().map_or("/", |p| p.as_str());
    let outcome = inbox::receive(&data, &method, path, &headers, &body).await?;
    tracing::debug!(?outcome, "inbox");
    Ok(StatusCode::ACCEPTED.into_response())
}

pub(super) async fn shared_inbox(
    data: Data<AppState>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    inbox_response(data, method, uri, headers, body).await
}

pub(super) async fn actor_inbox(
    data: Data<AppState>,
    Path(name): Path<String>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    local_actor(&data, &name).await?;
    inbox_response(data, method, uri, headers, body).await
}
