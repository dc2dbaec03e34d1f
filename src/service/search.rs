//! Search: accounts (handles resolved over WebFinger, names by prefix), statuses (a pasted
//! URL fetched from its server, or a substring search over public statuses — the one place
//! full-text search will plug in), and hashtags by prefix. Resolving remote things never fails
//! the search: what cannot be fetched is simply not found.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    federation::{
        actors::person::{ACTOR_TYPES, DbActor, Person},
        objects::note::{DbPost, NOTE_TYPES, Note},
        wire,
    },
    service::{accounts, posts},
};
use activitypub_federation::{config::Data, fetch::fetch_object_http, traits::Object};
use serde_json::Value;
use url::Url;

/// What a URL turned out to be.
#[derive(Debug, Clone)]
pub enum Resolved {
    Account(Box<actor::Model>),
    Status(Box<post::Model>),
}

/// Whether `q` is an http(s) URL.
pub fn as_url(q: &str) -> Option<Url> {
    let url = Url::parse(q.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// `user@host` (a leading `@` allowed) split in two, if `q` looks like a handle.
pub fn as_handle(q: &str) -> Option<(String, String)> {
    let q = q.trim().trim_start_matches('@');
    let (user, host) = q.split_once('@')?;
    let ok = !user.is_empty()
        && !host.is_empty()
        && !host.contains('@')
        && !q.contains(char::is_whitespace)
        && (host.contains(['.', ':']) || host == "localhost");
    ok.then(|| (user.to_string(), host.to_lowercase()))
}

/// A local thing named by one of our own URLs (`/users/x`, `/users/x/statuses/1`, `/@x`, `/@x/1`).
async fn resolve_local(data: &Data<AppState>, url: &Url) -> AppResult<Option<Resolved>> {
    let text = url.as_str();
    if let Some(id) = data.urls.parse_offer(text) {
        return match db::mentorship::get_offer(&data.db.read, id).await {
            Ok(offer) => offer_status(data, &offer).await,
            Err(_) => Ok(None),
        };
    }
    if let Some(id) = data.urls.parse_resource(text) {
        return match db::resources::get(&data.db.read, id).await {
            Ok(r) => resource_status(data, &r).await,
            Err(_) => Ok(None),
        };
    }
    if let Some(id) = data.urls.parse_post(text) {
        return Ok(db::views::posts_by_ids(&data.db.read, &[id])
            .await?
            .remove(&id)
            .map(|p| Resolved::Status(Box::new(p))));
    }
    if let Some(name) = data.urls.parse_actor(text) {
        return Ok(db::actors::find_local(&data.db.read, &name)
            .await?
            .map(|a| Resolved::Account(Box::new(a))));
    }
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    match segments.as_slice() {
        [handle] if handle.starts_with('@') => Ok(db::actors::find_local(
            &data.db.read,
            handle.trim_start_matches('@'),
        )
        .await?
        .map(|a| Resolved::Account(Box::new(a)))),
        [handle, id] if handle.starts_with('@') => {
            let Ok(id) = id.parse::<i64>() else {
                return Ok(None);
            };
            Ok(db::views::posts_by_ids(&data.db.read, &[id])
                .await?
                .remove(&id)
                .map(|p| Resolved::Status(Box::new(p))))
        }
        _ => Ok(db::search::post_by_link(&data.db.read, text)
            .await?
            .map(|p| Resolved::Status(Box::new(p)))),
    }
}

/// Fetches a remote URL once and stores what it is: an actor or a post (with its author).
async fn fetch_remote(data: &Data<AppState>, url: &Url) -> AppResult<Option<Resolved>> {
    let response = fetch_object_http::<AppState, Value>(url, data).await?;
    let id = response.url;
    let kinds = wire::types_of(&response.object);
    if kinds.iter().any(|k| ACTOR_TYPES.contains(&k.as_str())) {
        let person: Person = serde_json::from_value(response.object)
            .map_err(|e| AppError::BadRequest(format!("unreadable actor: {e}")))?;
        DbActor::verify(&person, &id, data).await?;
        let actor = DbActor::from_json(person, data).await?;
        return Ok(Some(Resolved::Account(Box::new(actor.model))));
    }
    if kinds.iter().any(|k| k == "Proposal") {
        // A mentorship offer: stored, and found as its readable status.
        let stored =
            crate::federation::activities::mentorship::store_proposal(data, response.object, &id)
                .await?;
        return match stored {
            Some(offer) => offer_status(data, &offer).await,
            None => Ok(None),
        };
    }
    if crate::federation::objects::resource_page::is_resource(&response.object) {
        // A teaching resource: stored, and found as its readable status.
        let stored =
            crate::federation::activities::resources::store_page(data, response.object, &id)
                .await?;
        return resource_status(data, &stored).await;
    }
    if kinds.iter().any(|k| NOTE_TYPES.contains(&k.as_str())) {
        let note: Note = serde_json::from_value(response.object)
            .map_err(|e| AppError::BadRequest(format!("unreadable object: {e}")))?;
        DbPost::verify(&note, &id, data).await?;
        let post = DbPost::from_json(note, data).await?;
        return Ok(Some(Resolved::Status(Box::new(post.model))));
    }
    Ok(None)
}

/// A mentorship offer is found as its readable status (fetched from its server if needed).
async fn offer_status(
    data: &Data<AppState>,
    offer: &crate::db::entity::mentorship_offer::Model,
) -> AppResult<Option<Resolved>> {
    let Some(note) = offer.note_ap_id.as_deref().and_then(|n| Url::parse(n).ok()) else {
        return Ok(None);
    };
    let post = activitypub_federation::fetch::object_id::ObjectId::<DbPost>::from(note)
        .dereference(data)
        .await?;
    Ok(Some(Resolved::Status(Box::new(post.model))))
}

/// A teaching resource is found as its readable status (fetched from its server if needed).
async fn resource_status(
    data: &Data<AppState>,
    r: &crate::db::entity::resource::Model,
) -> AppResult<Option<Resolved>> {
    if r.deleted_at.is_some() {
        return Ok(None);
    }
    let Some(note) = r.note_ap_id.as_deref().and_then(|n| Url::parse(n).ok()) else {
        return Ok(None);
    };
    let post = activitypub_federation::fetch::object_id::ObjectId::<DbPost>::from(note)
        .dereference(data)
        .await?;
    Ok(Some(Resolved::Status(Box::new(post.model))))
}

/// What `url` is: something this node knows, or — when `fetch` — whatever its server says it
/// is. Failures to fetch (unreachable, blocked, private address, not ActivityPub) are `None`.
pub async fn resolve_url(
    data: &Data<AppState>,
    url: &Url,
    fetch: bool,
) -> AppResult<Option<Resolved>> {
    if data.urls.is_local(url) {
        return resolve_local(data, url).await;
    }
    if let Some(post) = db::search::post_by_link(&data.db.read, url.as_str()).await? {
        return Ok(Some(Resolved::Status(Box::new(post))));
    }
    if let Some(offer) = db::mentorship::find_offer_by_ap_id(&data.db.read, url.as_str()).await?
        && let Some(found) = offer_status(data, &offer).await?
    {
        return Ok(Some(found));
    }
    if let Some(r) = db::resources::find_by_ap_id(&data.db.read, url.as_str()).await?
        && let Some(found) = resource_status(data, &r).await?
    {
        return Ok(Some(found));
    }
    if let Some(actor) = db::search::actor_by_link(&data.db.read, url.as_str()).await? {
        return Ok(Some(Resolved::Account(Box::new(actor))));
    }
    if !fetch {
        return Ok(None);
    }
    match fetch_remote(data, url).await {
        Ok(found) => Ok(found),
        Err(e) => {
            tracing::debug!(%url, error = %e, "search could not resolve the URL");
            Ok(None)
        }
    }
}

/// Account search parameters.
#[derive(Debug, Clone, Default)]
pub struct AccountQuery {
    pub q: String,
    pub resolve: bool,
    pub following_of: Option<i64>,
    pub limit: u64,
    pub offset: u64,
}

/// Accounts for `q`: a URL or `user@host` handle resolved first (over WebFinger when
/// `resolve`), then accounts whose username or display name starts with the text.
pub async fn accounts(data: &Data<AppState>, query: &AccountQuery) -> AppResult<Vec<actor::Model>> {
    let q = query.q.trim();
    let mut found: Vec<actor::Model> = Vec::new();
    if let Some(url) = as_url(q) {
        if query.offset == 0
            && let Some(Resolved::Account(a)) = resolve_url(data, &url, query.resolve).await?
        {
            found.push(*a);
        }
        return Ok(found);
    }
    let q = q.trim_start_matches('@');
    let (prefix, domain) = match as_handle(q) {
        Some((user, host)) => {
            if query.offset == 0 {
                let exact = if host.eq_ignore_ascii_case(&data.config.instance.domain) {
                    db::actors::find_local(&data.db.read, &user).await?
                } else if query.resolve {
                    match accounts::resolve_handle(data, &format!("{user}@{host}")).await {
                        Ok(a) => Some(a),
                        Err(e) => {
                            tracing::debug!(handle = q, error = %e, "search could not resolve the handle");
                            None
                        }
                    }
                } else {
                    db::actors::find_by_handle(&data.db.read, &user, &host).await?
                };
                found.extend(exact.filter(|a| a.deleted_at.is_none()));
            }
            (user, Some(host))
        }
        None => (q.to_string(), None),
    };
    if prefix.is_empty() {
        return Ok(found);
    }
    let more = db::actors::search(
        &data.db.read,
        &prefix,
        domain.as_deref(),
        query.following_of,
        query.limit,
        query.offset,
    )
    .await?;
    for a in more {
        if !found.iter().any(|f| f.id == a.id) {
            found.push(a);
        }
    }
    if let Some(viewer) = query.following_of {
        let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
        let rel = db::views::relations(&data.db.read, viewer, &ids).await?;
        found.retain(|a| rel.following.get(&a.id).is_some_and(|f| f.accepted));
    }
    found.truncate(query.limit as usize);
    Ok(found)
}

/// Status search parameters.
#[derive(Debug, Clone, Default)]
pub struct StatusQuery {
    pub q: String,
    pub resolve: bool,
    pub account_id: Option<i64>,
    pub limit: u64,
    pub offset: u64,
}

/// Statuses for `q`: a pasted URL (fetched when `resolve`), else public statuses containing
/// the text. Only statuses `viewer` may see.
pub async fn statuses(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    query: &StatusQuery,
) -> AppResult<Vec<post::Model>> {
    let q = query.q.trim();
    let mut found = Vec::new();
    if let Some(url) = as_url(q) {
        if query.offset == 0
            && let Some(Resolved::Status(p)) = resolve_url(data, &url, query.resolve).await?
            && p.reblog_of_id.is_none()
            && query.account_id.is_none_or(|a| a == p.author_id)
            && posts::can_see(data, viewer, &p).await?
        {
            found.push(*p);
        }
        return Ok(found);
    }
    if q.chars().count() < 2 {
        return Ok(found);
    }
    let needle = q.to_lowercase();
    let candidates = db::search::public_statuses_containing(
        &data.db.read,
        &needle,
        query.account_id,
        query.limit,
        query.offset,
    )
    .await?;
    // The LIKE ran over HTML: drop matches that were only in the markup.
    Ok(candidates
        .into_iter()
        .filter(|p| {
            crate::text::html_to_plain_text(&p.content)
                .to_lowercase()
                .contains(&needle)
                || p.summary
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(&needle))
        })
        .collect())
}

/// Hashtag names for `q` (with or without `#`): the exact tag first, then used tags starting
/// with it, most used first.
pub async fn hashtags(
    data: &Data<AppState>,
    q: &str,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<String>> {
    let q = q.trim().trim_start_matches('#').to_lowercase();
    let valid = !q.is_empty()
        && q.chars().count() <= 100
        && q.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !valid {
        return Ok(Vec::new());
    }
    let mut names = db::tags::search_names(&data.db.read, &q, limit, offset).await?;
    if offset == 0 && !names.contains(&q) {
        names.insert(0, q);
        names.truncate(limit as usize);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_urls_are_recognised() {
        assert_eq!(
            as_handle("@bob@localhost:8081"),
            Some(("bob".into(), "localhost:8081".into()))
        );
        assert_eq!(
            as_handle("amina@Crmef.ma"),
            Some(("amina".into(), "crmef.ma".into()))
        );
        assert_eq!(as_handle("bob"), None);
        assert_eq!(as_handle("bob@"), None);
        assert!(as_url("https://a.example/@bob/1").is_some());
        assert!(as_url("ftp://a.example/x").is_none());
        assert!(as_url("hello world").is_none());
    }
}
