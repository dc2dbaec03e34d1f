//! The JSON shapes of the collections API: a collection with its owner account, counts and the
//! viewer's follow state; an item with its resource (in the resources API's shape); lists built
//! in a fixed number of queries; and the status card and `status.pln` of a collection's Note.
use crate::{
    AppState,
    api::{
        mastodon::entities::{Account, account, datetime},
        pln::resources::entities::{self as resource_entities, Resource},
    },
    db::{
        self,
        entity::{collection, collection_item as item},
        mentorship::codes_of,
    },
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A resource collection.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
    /// The owner (a person, or a circle: an account with `group: true`).
    pub account: Account,
    /// The owning circle's account id, when a circle owns it.
    pub circle_id: Option<String>,
    /// The viewer may change it (its owner, or a moderator of the circle owning it).
    pub can_edit: bool,
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    /// `public`, `approval` or `private`.
    pub visibility: String,
    /// Whether it lives on this node.
    pub local: bool,
    pub items_count: u64,
    pub followers_count: u64,
    /// The viewer follows it (approved).
    pub following: bool,
    /// The viewer asked to follow it and waits for the owner.
    pub requested: bool,
    /// The viewer may see its items.
    pub items_visible: bool,
    /// Its readable status, when public.
    pub status_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An item of a collection.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    /// 1, 2, … in the collection's order.
    pub position: i64,
    pub note: String,
    pub added_at: String,
    /// `null` once the resource was deleted.
    pub resource: Option<Resource>,
}

fn missing() -> AppError {
    AppError::Internal(anyhow::anyhow!("a collection's owner is missing"))
}

/// Collections as `viewer` sees them, in order (one query per kind of data).
pub async fn collections(
    data: &Data<AppState>,
    viewer: Option<i64>,
    rows: &[collection::Model],
) -> AppResult<Vec<Collection>> {
    let db = &data.db.read;
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let owner_ids: Vec<i64> = rows
        .iter()
        .map(|c| c.owner_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let actors = db::views::actors_by_ids(db, &owner_ids).await?;
    let accounts = account::accounts_by_id(data, &actors).await?;
    let local_circles: Vec<i64> = actors
        .values()
        .filter(|a| a.local && a.kind == "Group")
        .map(|a| a.id)
        .collect();
    let circles = db::circles::find_many(db, &local_circles).await?;
    let items = db::collections::item_counts(db, &ids).await?;
    let followers = db::collections::follower_counts(db, &ids).await?;
    let follows = match viewer {
        Some(v) => db::collections::follows_by(db, v, &ids).await?,
        None => HashMap::new(),
    };
    let notes: Vec<String> = rows.iter().filter_map(|c| c.note_ap_id.clone()).collect();
    let posts = db::mentorship::post_ids_by_ap_id(db, &notes).await?;
    rows.iter()
        .map(|c| {
            let follow = follows.get(&c.id);
            let following = follow.is_some_and(|f| f.accepted);
            let owner_actor = actors.get(&c.owner_id).ok_or_else(missing)?;
            let owner = c.local
                && viewer.is_some_and(|v| {
                    v == c.owner_id
                        || circles
                            .iter()
                            .any(|k| k.actor_id == c.owner_id && k.is_moderator(v))
                });
            Ok(Collection {
                circle_id: (owner_actor.kind == "Group").then(|| c.owner_id.to_string()),
                can_edit: owner,
                id: c.id.to_string(),
                uri: c.ap_id.clone(),
                url: c.url.clone(),
                account: accounts.get(&c.owner_id).cloned().ok_or_else(missing)?,
                title: c.title.clone(),
                description: c.description.clone(),
                subjects: codes_of(&c.subjects),
                levels: codes_of(&c.levels),
                languages: codes_of(&c.languages),
                visibility: c.visibility.clone(),
                local: c.local,
                items_count: items.get(&c.id).copied().unwrap_or(0),
                followers_count: followers.get(&c.id).copied().unwrap_or(0),
                following,
                requested: follow.is_some_and(|f| !f.accepted),
                items_visible: c.visibility == "public" || owner || following,
                status_id: c
                    .note_ap_id
                    .as_ref()
                    .and_then(|n| posts.get(n))
                    .map(|id| id.to_string()),
                created_at: datetime(&c.published_at),
                updated_at: datetime(&c.updated_at),
            })
        })
        .collect()
}

/// One collection for the API.
pub async fn collection(
    data: &Data<AppState>,
    viewer: Option<i64>,
    row: collection::Model,
) -> AppResult<Collection> {
    collections(data, viewer, std::slice::from_ref(&row))
        .await?
        .pop()
        .ok_or_else(missing)
}

/// Items with their resources, in order.
pub async fn items(data: &Data<AppState>, rows: &[item::Model]) -> AppResult<Vec<Item>> {
    let resources = db::collections::resources_of(&data.db.read, rows).await?;
    let live: Vec<_> = resources
        .values()
        .filter(|r| r.deleted_at.is_none())
        .cloned()
        .collect();
    let built: HashMap<String, Resource> = resource_entities::resources(data, &live)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    Ok(rows
        .iter()
        .map(|i| Item {
            id: i.id.to_string(),
            position: i.position,
            note: i.note.clone(),
            added_at: datetime(&i.added_at),
            resource: built.get(&i.resource_id.to_string()).cloned(),
        })
        .collect())
}

/// `status.pln` of a collection's readable Note.
pub fn collection_ref(c: &collection::Model) -> serde_json::Value {
    serde_json::json!({"kind": "collection", "id": c.id.to_string(), "state": c.visibility})
}

/// The preview card of a collection's status (Mastodon's PreviewCard), linking to its page.
pub fn collection_card(c: &collection::Model, owner: &Account) -> serde_json::Value {
    let url = c.url.clone().unwrap_or_else(|| c.ap_id.clone());
    let provider = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let description: String = c.description.chars().take(200).collect();
    serde_json::json!({
        "url": url,
        "title": c.title,
        "description": description,
        "language": codes_of(&c.languages).first(),
        "type": "link",
        "author_name": owner.display_name,
        "author_url": owner.url,
        "provider_name": provider,
        "provider_url": "",
        "html": "",
        "width": 0,
        "height": 0,
        "image": null,
        "image_description": "",
        "embed_url": "",
        "blurhash": null,
        "published_at": datetime(&c.published_at),
        "authors": [],
    })
}
