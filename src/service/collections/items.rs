//! The items of a collection: adding a resource (by its id here, or by URL — a remote resource
//! is fetched and stored with its author kept for attribution), removing one, reordering, and
//! the same changes arriving from the owner's node (`Add`/`Remove`, or a whole new order in an
//! `Update`). Followers (and, for a public collection, the owner's followers on Halqa nodes,
//! which keep a copy) hear of each change (through `federation::outbox`) and local followers
//! get a PLN notification.
use super::{MAX_ITEMS, MAX_NOTE, Managed, Visibility, audience, managed, notify};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, collection, collection_item as item, resource},
    },
    error::{AppError, AppResult},
    federation::{
        activities::resources::store_page,
        context::is_public,
        objects::{note::NOTE_TYPES, resource_page::is_resource},
        outbox, wire,
    },
    service::{commit, mentorship::check_text},
};
use activitypub_federation::config::Data;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::Value;
use std::collections::HashMap;
use url::Url;

/// Which resource to add: one this node knows (its id), or a URL (a resource's page or id, or
/// its readable status).
#[derive(Debug, Clone)]
pub enum ItemRef {
    Id(i64),
    Url(String),
}

fn not_public() -> AppError {
    AppError::Invalid(
        "item: this is not public; a collection holds public teaching resources only".into(),
    )
}

fn not_a_resource() -> AppError {
    AppError::Invalid("item: this URL is not a teaching resource".into())
}

/// The resource a post is the readable status of (a non-public post is refused as private).
async fn resource_of_post(
    data: &Data<AppState>,
    p: &crate::db::entity::post::Model,
) -> AppResult<resource::Model> {
    if p.visibility != "public" && p.visibility != "unlisted" {
        return Err(not_public());
    }
    db::resources::by_notes(&data.db.read, std::slice::from_ref(&p.ap_id))
        .await?
        .remove(&p.ap_id)
        .ok_or_else(not_a_resource)
}

/// The resource `raw` names: known here, or fetched from its server and stored.
pub async fn resolve_resource(data: &Data<AppState>, raw: &str) -> AppResult<resource::Model> {
    let url = match Url::parse(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            return Err(AppError::Invalid(format!(
                "url: {raw:?} is not an http(s) URL"
            )));
        }
    };
    let text = url.as_str();
    if data.urls.is_local(&url) {
        if let Some(id) = data.urls.parse_resource(text) {
            return db::resources::get(&data.db.read, id).await;
        }
        if let Some(id) = data.urls.parse_post(text) {
            let p = db::posts::get_by_id(&data.db.read, id).await?;
            return resource_of_post(data, &p).await;
        }
        return Err(not_a_resource());
    }
    if let Some(r) = db::resources::find_by_ap_id(&data.db.read, text).await? {
        return Ok(r);
    }
    if let Some(p) = db::search::post_by_link(&data.db.read, text).await? {
        return resource_of_post(data, &p).await;
    }
    let fetched = activitypub_federation::fetch::fetch_object_http::<AppState, Value>(&url, data)
        .await
        .map_err(|e| AppError::Invalid(format!("url: could not fetch {url}: {e}")))?;
    if is_resource(&fetched.object) {
        return store_page(data, fetched.object, &fetched.url).await;
    }
    let kinds = wire::types_of(&fetched.object);
    if kinds.iter().any(|k| NOTE_TYPES.contains(&k.as_str())) {
        let addressed: Vec<Url> = ["to", "cc"]
            .iter()
            .flat_map(|k| wire::urls_in(fetched.object.get(*k)))
            .collect();
        if !addressed.iter().any(|a| is_public(a.as_str())) {
            return Err(not_public());
        }
    }
    Err(not_a_resource())
}

/// Local followers of `c` get a PLN notification of `kind` about `r`.
async fn notify_followers(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    c: &collection::Model,
    r: &resource::Model,
    kind: &str,
) -> AppResult<()> {
    let ids = follower_ids(db, c).await?;
    notify_these(db, data, c, r, kind, &ids).await
}

/// The accounts whose follow of `c` was accepted.
async fn follower_ids(db: &impl ConnectionTrait, c: &collection::Model) -> AppResult<Vec<i64>> {
    Ok(db::collections::follows_of(db, c.id, true)
        .await?
        .iter()
        .map(|f| f.follower_id)
        .collect())
}

/// [`notify_followers`] for an `Add` of an item already stored here: a fetch of the whole
/// collection (after a follow is accepted) can store it before its `Add` arrives. Followers
/// told about it already (a repeated `Add`) are not told again.
async fn notify_followers_not_told(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    c: &collection::Model,
    r: &resource::Model,
    kind: &str,
) -> AppResult<()> {
    let mut ids = follower_ids(db, c).await?;
    let told = db::mentorship::told_about_item(db, &ids, kind, c.id, r.id).await?;
    ids.retain(|id| !told.contains(id));
    notify_these(db, data, c, r, kind, &ids).await
}

async fn notify_these(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    c: &collection::Model,
    r: &resource::Model,
    kind: &str,
    ids: &[i64],
) -> AppResult<()> {
    for follower in db::views::actors_by_ids(db, ids).await?.into_values() {
        notify(db, data, &follower, kind, c.owner_id, c, Some(r.id)).await?;
    }
    Ok(())
}

/// Adds a resource to local collection `id` (its owner or, for a circle's, a moderator), at the end, with an optional note;
/// `Add` goes to the followers. A deleted resource, a non-public item, a duplicate or a full
/// collection are a 422.
pub async fn add(
    data: &Data<AppState>,
    user: &actor::Model,
    id: i64,
    what: ItemRef,
    note: &str,
) -> AppResult<item::Model> {
    let Managed {
        collection: c,
        owner,
    } = managed(&data.db.read, user, id).await?;
    let owner = &owner;
    let note = check_text("note", note, MAX_NOTE, false)?;
    let r = match what {
        ItemRef::Id(rid) => db::resources::get(&data.db.read, rid).await?,
        ItemRef::Url(url) => resolve_resource(data, &url).await?,
    };
    if r.deleted_at.is_some() {
        return Err(AppError::Invalid("item: this resource was deleted".into()));
    }
    if db::collections::find_item(&data.db.read, c.id, r.id)
        .await?
        .is_some()
    {
        return Err(AppError::Invalid(
            "item: this resource is already in the collection".into(),
        ));
    }
    if db::collections::items_of(&data.db.read, c.id).await?.len() >= MAX_ITEMS {
        return Err(AppError::Invalid(format!(
            "a collection holds at most {MAX_ITEMS} resources"
        )));
    }
    let txn = data.db.write.begin().await?;
    let stored = db::collections::append_item(&txn, &data.ids, c.id, r.id, &note).await?;
    if Visibility::of(&c) != Visibility::Private {
        let inboxes = audience(&txn, owner, &c, false).await?;
        outbox::collection_item_changed(&txn, data, owner, &c, &r, &note, "Add", inboxes).await?;
        notify_followers(&txn, data, &c, &r, "collection_item_added").await?;
    }
    commit(data, txn).await?;
    Ok(stored)
}

/// Removes item `item_id` from local collection `id` (its owner or, for a circle's, a moderator); `Remove` goes to the
/// followers.
pub async fn remove(
    data: &Data<AppState>,
    user: &actor::Model,
    id: i64,
    item_id: i64,
) -> AppResult<item::Model> {
    let Managed {
        collection: c,
        owner,
    } = managed(&data.db.read, user, id).await?;
    let owner = &owner;
    let it = db::collections::get_item(&data.db.read, item_id).await?;
    if it.collection_id != c.id {
        return Err(AppError::not_found("item not found"));
    }
    let r = db::resources::get(&data.db.read, it.resource_id).await?;
    let txn = data.db.write.begin().await?;
    db::collections::delete_item(&txn, it.id).await?;
    if Visibility::of(&c) != Visibility::Private {
        let inboxes = audience(&txn, owner, &c, false).await?;
        outbox::collection_item_changed(&txn, data, owner, &c, &r, "", "Remove", inboxes).await?;
        notify_followers(&txn, data, &c, &r, "collection_item_removed").await?;
    }
    commit(data, txn).await?;
    Ok(it)
}

/// Puts the items of local collection `id` in the order of `item_ids`, which must name every
/// item once; the followers get the collection's `Update`.
pub async fn reorder(
    data: &Data<AppState>,
    user: &actor::Model,
    id: i64,
    item_ids: &[i64],
) -> AppResult<Vec<item::Model>> {
    let Managed {
        collection: c,
        owner,
    } = managed(&data.db.read, user, id).await?;
    let owner = &owner;
    let current = db::collections::items_of(&data.db.read, c.id).await?;
    let mut wanted = item_ids.to_vec();
    wanted.sort_unstable();
    let mut have: Vec<i64> = current.iter().map(|i| i.id).collect();
    have.sort_unstable();
    if wanted != have {
        return Err(AppError::Invalid(
            "item_ids: list every item of the collection exactly once".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    db::collections::set_order(&txn, item_ids).await?;
    if Visibility::of(&c) != Visibility::Private {
        let inboxes = audience(&txn, owner, &c, false).await?;
        outbox::collection_published(&txn, data, owner, &c, "Update", inboxes).await?;
    }
    commit(data, txn).await?;
    db::collections::items_of(&data.db.read, c.id).await
}

/// The checks of an `Add`/`Remove` from outside: the collection is a remote one `sender` owns.
fn check_owner(sender: &actor::Model, c: &collection::Model) -> AppResult<()> {
    if c.local || c.owner_id != sender.id {
        return Err(AppError::Forbidden(
            "only its owner can change a collection".into(),
        ));
    }
    if c.deleted_at.is_some() {
        return Err(AppError::Gone("this collection was deleted".into()));
    }
    Ok(())
}

/// The owner's node added `r` to remote collection `c`.
pub async fn receive_add(
    data: &Data<AppState>,
    sender: &actor::Model,
    c: &collection::Model,
    r: &resource::Model,
    note: &str,
) -> AppResult<()> {
    check_owner(sender, c)?;
    let stored = db::collections::find_item(&data.db.read, c.id, r.id)
        .await?
        .is_some();
    let txn = data.db.write.begin().await?;
    if stored {
        notify_followers_not_told(&txn, data, c, r, "collection_item_added").await?;
    } else {
        let note: String = note.chars().take(MAX_NOTE).collect();
        db::collections::append_item(&txn, &data.ids, c.id, r.id, &note).await?;
        notify_followers(&txn, data, c, r, "collection_item_added").await?;
    }
    commit(data, txn).await
}

/// The owner's node removed the resource `resource_ap_id` from remote collection `c`.
pub async fn receive_remove(
    data: &Data<AppState>,
    sender: &actor::Model,
    c: &collection::Model,
    resource_ap_id: &str,
) -> AppResult<()> {
    check_owner(sender, c)?;
    let Some(r) = db::resources::find_by_ap_id(&data.db.read, resource_ap_id).await? else {
        return Ok(());
    };
    let Some(it) = db::collections::find_item(&data.db.read, c.id, r.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::collections::delete_item(&txn, it.id).await?;
    notify_followers(&txn, data, c, &r, "collection_item_removed").await?;
    commit(data, txn).await
}

/// Makes remote collection `c` hold exactly `items` (resources with notes), in that order, as
/// its owner's node serves it; items already here keep their ids.
pub async fn sync(
    data: &Data<AppState>,
    c: &collection::Model,
    items: Vec<(resource::Model, String)>,
) -> AppResult<()> {
    let current = db::collections::items_of(&data.db.read, c.id).await?;
    let mut by_resource: HashMap<i64, item::Model> =
        current.into_iter().map(|i| (i.resource_id, i)).collect();
    let txn = data.db.write.begin().await?;
    let mut order = Vec::new();
    for (r, note) in items.into_iter().take(MAX_ITEMS) {
        if order.iter().any(|(rid, _)| *rid == r.id) {
            continue;
        }
        let id = match by_resource.remove(&r.id) {
            Some(existing) => existing.id,
            None => {
                let note: String = note.chars().take(MAX_NOTE).collect();
                db::collections::append_item(&txn, &data.ids, c.id, r.id, &note)
                    .await?
                    .id
            }
        };
        order.push((r.id, id));
    }
    for gone in by_resource.into_values() {
        db::collections::delete_item(&txn, gone.id).await?;
    }
    let ids: Vec<i64> = order.into_iter().map(|(_, id)| id).collect();
    db::collections::set_order(&txn, &ids).await?;
    commit(data, txn).await
}
