//! ActivityPub and discovery HTTP endpoints: WebFinger, host-meta, NodeInfo, actors (with
//! content negotiation), inboxes, outbox/followers/following collections, notes and activities.
mod collections;

use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    federation::{
        actors::person::Person, context::default_context, inbox, objects::note::note_for_post,
    },
    service, web,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, OriginalUri, Path, Query},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

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

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

async fn webfinger(data: Data<AppState>, Query(q): Query<WebfingerQuery>) -> AppResult<Response> {
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

async fn host_meta(data: Data<AppState>) -> Response {
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

async fn nodeinfo_links(data: Data<AppState>) -> Json<Value> {
    Json(json!({
        "links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": data.urls.nodeinfo("2.0")},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": data.urls.nodeinfo("2.1")},
            {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": data.urls.instance_actor()}
        ]
    }))
}

async fn nodeinfo(data: Data<AppState>, Path(version): Path<String>) -> AppResult<Response> {
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

async fn instance_actor(data: Data<AppState>) -> AppResult<Response> {
    let lang = &data.config.instance.default_language;
    Ok(as2(to_value(Person::from_model(
        &data.instance_actor,
        lang,
    )?)?))
}

async fn local_actor(data: &Data<AppState>, name: &str) -> AppResult<actor::Model> {
    db::actors::find_local_served(&data.db.read, name)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))
}

async fn get_actor(
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

async fn shared_inbox(
    data: Data<AppState>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    inbox_response(data, method, uri, headers, body).await
}

async fn actor_inbox(
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

#[derive(Deserialize)]
struct PageQuery {
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

async fn get_followers(
    data: Data<AppState>,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    follow_collection(data, name, q, uri, headers, true).await
}

async fn get_following(
    data: Data<AppState>,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    follow_collection(data, name, q, uri, headers, false).await
}

async fn get_outbox(
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
async fn get_featured(
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
async fn get_moderators(
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

async fn get_note(
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

async fn get_activity(
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

/// A local mentorship offer: its `Proposal` for ActivityPub clients, its page for browsers
/// (who also get the page of a remote offer this node knows, by its local id).
async fn get_offer(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let offer = db::mentorship::get_offer(&data.db.read, id).await?;
    let author = db::actors::get_by_id(&data.db.read, offer.author_id).await?;
    // Browsers get the page of any offer this node knows (a remote one's request form is here).
    if !wants_as2(&headers) {
        return web::mentorship::offer_page(&data, &headers, &author, &offer).await;
    }
    if !offer.local {
        return Err(AppError::not_found("offer not found"));
    }
    signed_fetcher(&data, &uri, &headers).await?;
    let proposal =
        crate::federation::objects::proposal::proposal_for_offer(&data, &author, &offer)?;
    Ok(as2(to_value(proposal)?))
}

/// Who may read a private mentorship object: a signed GET (whatever the authorized-fetch mode)
/// by one of the two parties, or by another actor of a remote party's server (peers fetch with
/// their instance actor). Anyone else gets 404, as if it did not exist.
async fn party_fetch(
    data: &Data<AppState>,
    uri: &OriginalUri,
    headers: &HeaderMap,
    parties: [i64; 2],
) -> AppResult<()> {
    let hidden = || AppError::not_found("not found");
    let path = uri.0.path_and_query().map_or("/", |p| p.as_str());
    let fetcher = inbox::verify_signed_get(data, path, headers)
        .await
        .map_err(|_| hidden())?;
    for id in parties {
        let party = db::actors::get_by_id(&data.db.read, id).await?;
        let same_server = !party.local && party.domain.eq_ignore_ascii_case(&fetcher.domain);
        if party.id == fetcher.id || same_server {
            return Ok(());
        }
    }
    Err(hidden())
}

/// A local mentee's request (its `Offer(Agreement)` activity), for the two parties only.
async fn get_mentorship_request(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let req = db::mentorship::get_request(&data.db.read, id).await?;
    if req.ap_id != data.urls.mentorship_request(id) {
        return Err(AppError::not_found("request not found"));
    }
    party_fetch(&data, &uri, &headers, [req.mentee_id, req.mentor_id]).await?;
    let activity = db::deliveries::activities(&data.db.read, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| AppError::not_found("request not found"))?;
    let value: Value = serde_json::from_str(&activity.body)
        .map_err(|e| anyhow::anyhow!("stored activity: {e}"))?;
    Ok(as2(value))
}

/// A mentorship this node minted (its `Agreement`), for the two parties only.
async fn get_mentorship(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mentorship = db::mentorship::get_agreement(&data.db.read, id).await?;
    if mentorship.ap_id != data.urls.mentorship(id) {
        return Err(AppError::not_found("mentorship not found"));
    }
    party_fetch(
        &data,
        &uri,
        &headers,
        [mentorship.mentee_id, mentorship.mentor_id],
    )
    .await?;
    let offer = db::mentorship::get_offer(&data.db.read, mentorship.offer_id).await?;
    let parse = |s: &str| {
        url::Url::parse(s).map_err(|e| AppError::from(anyhow::anyhow!("stored URL {s}: {e}")))
    };
    let agreement = crate::federation::objects::agreement::Agreement::for_offer(
        &parse(&offer.ap_id)?,
        Some(parse(&mentorship.ap_id)?),
    );
    Ok(as2(to_value(agreement)?))
}

/// A local teaching resource: its `Page` for ActivityPub clients, its page for browsers; 410
/// once deleted.
async fn get_resource(
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
