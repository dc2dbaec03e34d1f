//! Interacting from another server (Mastodon's "remote follow"): the visitor's own server is
//! found by WebFinger and its OStatus subscribe template
//! (`http://ostatus.org/schema/1.0/subscribe`, e.g. `https://x/authorize_interaction?uri={uri}`)
//! filled with what they want to follow; and the other way round, what a `uri` sent to this
//! node's `/authorize_interaction` names (an account by handle or URL, a post, a collection or
//! a resource), found here or fetched.
use crate::{
    AppState,
    db::entity::{actor, collection, post, resource},
    error::{AppError, AppResult},
    service::{
        accounts,
        institutions::nodeinfo::get_limited,
        pln_search::{self, Hit},
        search::{self, Resolved},
    },
};
use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

/// The WebFinger relation of the subscribe template.
pub const SUBSCRIBE_REL: &str = "http://ostatus.org/schema/1.0/subscribe";

/// The address to send a visitor whose handle is `visitor` to, so that their own server shows
/// `uri` with a follow button. A handle of this node answers this node's own page.
pub async fn subscribe_url(data: &Data<AppState>, visitor: &str, uri: &str) -> AppResult<Url> {
    let (user, host) = search::as_handle(visitor).ok_or_else(|| {
        AppError::Invalid(format!(
            "{:?} is not an address like user@host",
            visitor.trim()
        ))
    })?;
    if host.eq_ignore_ascii_case(&data.config.instance.domain) {
        let own = format!("{}/authorize_interaction?uri={{uri}}", data.urls.base());
        return fill_template(&own, uri);
    }
    if data.domain_policy.is_blocked(&host) {
        return Err(AppError::Forbidden(format!("{host} is blocked")));
    }
    // Test and trial peers (debug mode) speak plain http; real ones https.
    let scheme = if data.config.federation.debug {
        "http"
    } else {
        "https"
    };
    let resource: String =
        form_urlencoded::byte_serialize(format!("acct:{user}@{host}").as_bytes()).collect();
    let webfinger = Url::parse(&format!(
        "{scheme}://{host}/.well-known/webfinger?resource={resource}"
    ))
    .map_err(|e| AppError::Invalid(format!("{host:?} is not a host: {e}")))?;
    let body = get_limited(data, &webfinger).await?;
    subscribe_template(&body, uri)
}

/// The subscribe template of a WebFinger answer, filled with `uri`; a missing template, or one
/// that is not an http(s) address, is an error.
pub fn subscribe_template(body: &[u8], uri: &str) -> AppResult<Url> {
    let doc: Value = serde_json::from_slice(body)
        .map_err(|_| AppError::BadRequest("the WebFinger answer is not JSON".into()))?;
    let template = doc
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|l| l.get("rel").and_then(Value::as_str) == Some(SUBSCRIBE_REL))
        .and_then(|l| l.get("template"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            AppError::BadRequest("that server does not offer to follow from it".into())
        })?;
    fill_template(template, uri)
}

fn fill_template(template: &str, uri: &str) -> AppResult<Url> {
    if !template.contains("{uri}") {
        return Err(AppError::BadRequest(
            "that server's subscribe template has no {uri}".into(),
        ));
    }
    let encoded: String = form_urlencoded::byte_serialize(uri.as_bytes()).collect();
    let url = Url::parse(&template.replace("{uri}", &encoded))
        .map_err(|_| AppError::BadRequest("that server's subscribe template is invalid".into()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::BadRequest(
            "that server's subscribe template is not a web address".into(),
        ));
    }
    Ok(url)
}

/// What a `uri` given to `/authorize_interaction` names.
#[derive(Debug, Clone)]
pub enum Interaction {
    Account(Box<actor::Model>),
    Post(Box<post::Model>),
    Collection(Box<collection::Model>),
    Resource(Box<resource::Model>),
}

/// Resolves `uri` — `acct:user@host`, `@user@host`, or the URL of an account, post, collection
/// or resource — known here or fetched from its server; 404 when nothing is found.
pub async fn resolve(data: &Data<AppState>, uri: &str) -> AppResult<Interaction> {
    let raw = uri.trim();
    let raw = raw.strip_prefix("acct:").unwrap_or(raw);
    let not_found = || AppError::not_found("nothing was found at that address");
    if search::as_handle(raw).is_some() {
        return match accounts::resolve_handle(data, raw).await {
            Ok(a) => Ok(Interaction::Account(Box::new(a))),
            Err(e) if e.status().is_server_error() && e.status().as_u16() != 502 => Err(e),
            Err(_) => Err(not_found()),
        };
    }
    let url = search::as_url(raw).ok_or_else(not_found)?;
    match pln_search::resolve(data, &url, true).await? {
        Some(Hit::Collection(c)) => return Ok(Interaction::Collection(Box::new(c))),
        Some(Hit::Resource(r)) => return Ok(Interaction::Resource(Box::new(r))),
        _ => {}
    }
    match search::resolve_url(data, &url, true).await? {
        Some(Resolved::Account(a)) => Ok(Interaction::Account(a)),
        Some(Resolved::Status(p)) => Ok(Interaction::Post(p)),
        None => Err(not_found()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bytes(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn the_template_is_filled_with_the_encoded_uri() {
        let body = bytes(json!({"links": [
            {"rel": "self", "href": "https://a.example/users/x"},
            {"rel": SUBSCRIBE_REL, "template": "https://a.example/authorize_interaction?uri={uri}"},
        ]}));
        let url = subscribe_template(&body, "https://b.example/users/y?x=1&z").unwrap();
        assert_eq!(
            url.as_str(),
            "https://a.example/authorize_interaction?uri=https%3A%2F%2Fb.example%2Fusers%2Fy%3Fx%3D1%26z"
        );
    }

    #[test]
    fn bad_answers_are_refused() {
        for junk in [
            json!({"links": []}),
            json!({"links": "nope"}),
            json!({"links": [{"rel": SUBSCRIBE_REL, "template": 5}]}),
            json!({"links": [{"rel": SUBSCRIBE_REL, "template": "https://a.example/no-placeholder"}]}),
            json!({"links": [{"rel": SUBSCRIBE_REL, "template": "javascript:alert({uri})"}]}),
            json!([1]),
        ] {
            assert!(subscribe_template(&bytes(junk), "https://b/x").is_err());
        }
        assert!(subscribe_template(b"<html>", "https://b/x").is_err());
    }
}
