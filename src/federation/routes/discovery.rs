//! Discovery: WebFinger (`acct:` and actor URLs), host-meta, and NodeInfo 2.0/2.1 with the
//! node's settings and institution.
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    service,
};
use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::{Path, Query},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub(super) struct WebfingerQuery {
    resource: Option<String>,
}

pub(super) async fn webfinger(
    data: Data<AppState>,
    Query(q): Query<WebfingerQuery>,
) -> AppResult<Response> {
    let resource = q
        .resource
        .ok_or_else(|| AppError::BadRequest("the resource parameter is required".into()))?;
    let domain = &data.config.instance.domain;
    let actor = if let Some(handle) = resource.strip_prefix("acct:") {
        let (user, host) = handle
            .trim_start_matches('@')
            .rsplit_once('@')
            .unwrap_or((handle, domain));
        if !host.eq_ignore_ascii_case(domain) {
            return Err(AppError::not_found("not an account of this server"));
        }
        if user.eq_ignore_ascii_case(domain) {
            Some(data.instance_actor.clone())
        } else {
            db::actors::find_local_served(&data.db.read, user).await?
        }
    } else {
        match data.urls.parse_actor(&resource) {
            Some(user) => db::actors::find_local_served(&data.db.read, &user).await?,
            None if resource == data.urls.instance_actor() => Some(data.instance_actor.clone()),
            None => {
                db::actors::find_local_served(
                    &data.db.read,
                    resource.trim_start_matches(&format!("{}/@", data.urls.base())),
                )
                .await?
            }
        }
    };
    let actor = actor.ok_or_else(|| AppError::not_found("no such account"))?;
    let mut links =
        vec![json!({"rel": "self", "type": "application/activity+json", "href": actor.ap_id})];
    if let Some(page) = &actor.url {
        links.insert(0, json!({"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page}));
    }
    links.push(json!({"rel": "http://ostatus.org/schema/1.0/subscribe", "template": format!("{}/authorize_interaction?uri={{uri}}", data.urls.base())}));
    let body = json!({
        "subject": format!("acct:{}@{domain}", actor.username),
        "aliases": [actor.ap_id.clone(), actor.url.clone().unwrap_or_default()],
        "links": links,
    });
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jrd+json; charset=utf-8"),
    );
    Ok(response)
}

pub(super) async fn host_meta(data: Data<AppState>) -> Response {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="{}/.well-known/webfinger?resource={{uri}}"/>
</XRD>
"#,
        data.urls.base()
    );
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

pub(super) async fn nodeinfo_links(data: Data<AppState>) -> Json<Value> {
    Json(json!({
        "links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": data.urls.nodeinfo("2.0")},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": data.urls.nodeinfo("2.1")},
            {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": data.urls.instance_actor()}
        ]
    }))
}

pub(super) async fn nodeinfo(
    data: Data<AppState>,
    Path(version): Path<String>,
) -> AppResult<Response> {
    let version = version.trim_end_matches(".json");
    if version != "2.0" && version != "2.1" {
        return Err(AppError::not_found(
            "NodeInfo versions 2.0 and 2.1 are served",
        ));
    }
    let users = db::users::count(&data.db.read).await?;
    let posts = db::posts::count_local(&data.db.read).await?;
    let mut software = json!({"name": "halqa", "version": env!("CARGO_PKG_VERSION")});
    if version == "2.1" {
        software["homepage"] = json!(data.urls.base());
    }
    let config = service::settings::current(&data.db.read, &data.config).await?;
    let institution = service::institutions::local_profile(&data.db.read)
        .await
        .ok()
        .map(|i| {
            json!({
                "name": i.name, "kind": i.kind, "region": i.region, "city": i.city,
                "languages": i.language_list(), "description": i.description,
                "actor": i.actor_url,
            })
        });
    let body = json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": config.registrations_mode == "open",
        // Activity per month is not tracked yet, so only totals are reported.
        "usage": {"users": {"total": users}, "localPosts": posts},
        "metadata": {
            "nodeName": config.name,
            "nodeDescription": config.description,
            "upstream": {"name": "mastodon"},
            "defaultLanguage": config.default_language,
            "contactEmail": config.contact_email,
            "registrationsMode": config.registrations_mode,
            "hideCounts": config.hide_counts,
            "maxCharacters": config.max_characters,
            "rules": config.rules,
            // This node's institution (docs/federation.md, "Profiles and institutions").
            "institution": institution,
        }
    });
    let profile = format!(
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\""
    );
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&profile) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}
