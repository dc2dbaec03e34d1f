//! Interacting across servers from the web: "follow from another server" (a visitor types
//! their own address; their server's WebFinger subscribe template gets what they want to
//! follow) and this node's `/authorize_interaction?uri=` (Mastodon's), which for a signed-in
//! user finds the account, post, collection or resource and shows its page, with the follow
//! button. The lookups are `service::remote_interaction`.
use super::{collections::page_path, i18n::tr, page::Page, timelines::see_other};
use crate::{
    api::form::{ApiForm, de},
    error::AppResult,
    service::remote_interaction::{self, Interaction},
};
use axum::{
    extract::Query,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

/// The "follow from another server" form.
#[derive(Debug, Default, Deserialize)]
pub struct RemoteFollowForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    /// The visitor's own address, `user@their.server`.
    #[serde(default, deserialize_with = "de::opt_string")]
    acct: Option<String>,
    /// What to follow: the ActivityPub id of an account, circle or collection of this node.
    #[serde(default, deserialize_with = "de::opt_string")]
    uri: Option<String>,
}

/// `POST /remote_follow`: sends the visitor to their own server's subscribe page.
pub async fn remote_follow(page: Page, form: ApiForm<RemoteFollowForm>) -> AppResult<Response> {
    let form = form.params;
    if let Err(refused) = page.check_csrf(form.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let uri = form.uri.unwrap_or_default();
    let acct = form.acct.unwrap_or_default();
    match remote_interaction::subscribe_url(&page.data, &acct, uri.trim()).await {
        Ok(url) => Ok(Redirect::to(url.as_str()).into_response()),
        Err(e) if e.status().is_client_error() => {
            let detail = format!(
                "{} ({}: {e})",
                tr(page.lang, "remote-follow-failed"),
                acct.trim()
            );
            Ok(page.error(StatusCode::UNPROCESSABLE_ENTITY, &detail))
        }
        Err(e) => Err(e),
    }
}

/// `?uri=` of `/authorize_interaction`.
#[derive(Debug, Default, Deserialize)]
pub struct InteractionQuery {
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    acct: Option<String>,
}

/// `GET /authorize_interaction?uri=`: the page of what `uri` names, for a signed-in user.
pub async fn authorize_interaction(
    page: Page,
    Query(q): Query<InteractionQuery>,
) -> AppResult<Response> {
    if let Err(to_login) = page.me() {
        return Ok(to_login);
    }
    let uri = q.uri.or(q.acct).unwrap_or_default();
    let found = match remote_interaction::resolve(&page.data, &uri).await {
        Ok(found) => found,
        Err(e) if e.status().is_client_error() => {
            let detail = format!(
                "{} ({})",
                tr(page.lang, "interaction-not-found"),
                uri.trim()
            );
            return Ok(page.error(StatusCode::NOT_FOUND, &detail));
        }
        Err(e) => return Err(e),
    };
    Ok(see_other(&match found {
        Interaction::Account(a) => format!("/@{}", a.handle()),
        Interaction::Post(p) => format!("/web/statuses/{}", p.id),
        Interaction::Collection(c) => page_path(&c),
        Interaction::Resource(r) => r.url.clone().unwrap_or_else(|| r.ap_id.clone()),
    }))
}
