//! Resource-collection activities, both directions: Create/Update of an `OrderedCollection`,
//! its Delete, `Add`/`Remove` of a resource with the collection as `target`, and the follow
//! handshake (`Follow` of a collection, `Accept`/`Reject` of it, `Undo(Follow)`). [`claims`]
//! tells `dispatch` which inbound activities are ours; the origin checks (the collection on
//! the actor's host and port, only its owner changes it) happen here before
//! `service::collections` is called.
use super::mentorship::{read, same_origin, sender};
use crate::{
    AppState, db,
    db::entity::{collection, resource},
    error::{AppError, AppResult},
    federation::{
        activities::resources::fetch_resource,
        objects::{
            collection::{CollectionObject, is_collection},
            resource_page::is_resource,
        },
        wire,
    },
    service::collections::{self, follows, items},
};
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Create`/`Update` of a collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionActivity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: CollectionObject,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
}

/// `Delete` of a collection: `object` is its id or a `Tombstone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteCollection {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Value,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
}

/// `Add`/`Remove` of a resource (`object`, its id) to/from a collection (`target`, its id or
/// the collection embedded); an `Add` carries the curator's note as `content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemActivity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Url,
    pub target: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
}

/// `Follow` of a collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowCollection {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Url,
}

/// `Accept`/`Reject` of a collection's Follow (embedded, or its id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerCollectionFollow {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Value,
}

/// `Undo` of a collection's Follow (embedded, or its id).
pub type UndoCollectionFollow = AnswerCollectionFollow;

/// The URL of an embedded activity's `object`.
fn inner_object(value: Option<&Value>) -> Option<Url> {
    value
        .and_then(|v| v.get("object"))
        .and_then(|o| wire::first_url(Some(o)))
}

async fn known_collection(data: &Data<AppState>, id: &Url) -> AppResult<bool> {
    Ok(db::collections::find_by_ap_id(&data.db.read, id.as_str())
        .await?
        .is_some())
}

async fn known_follow(data: &Data<AppState>, id: Option<Url>) -> AppResult<bool> {
    Ok(match id {
        Some(id) => db::collections::find_follow_by_ap_id(&data.db.read, id.as_str())
            .await?
            .is_some(),
        None => false,
    })
}

/// Whether an inbound activity of `kind` is about a resource collection (so `dispatch` hands
/// it here). An `Add`/`Remove` is ours when its target is a collection we know or it moves a
/// teaching resource (then an unknown target is an error); others (Mastodon's featured posts)
/// are not.
pub async fn claims(kind: &str, value: &Value, data: &Data<AppState>) -> AppResult<bool> {
    let object = value.get("object");
    Ok(match kind {
        "Create" | "Update" => object.is_some_and(is_collection),
        "Delete" => match wire::first_url(object) {
            Some(id) => known_collection(data, &id).await?,
            None => false,
        },
        "Follow" => wire::first_url(object)
            .is_some_and(|u| data.urls.parse_collection(u.as_str()).is_some()),
        "Accept" | "Reject" => {
            known_follow(data, wire::first_url(object)).await?
                || match inner_object(object) {
                    Some(c) => known_collection(data, &c).await?,
                    None => false,
                }
        }
        "Undo" => {
            known_follow(data, wire::first_url(object)).await?
                || inner_object(object)
                    .is_some_and(|c| data.urls.parse_collection(c.as_str()).is_some())
        }
        "Add" | "Remove" => {
            let target = value.get("target");
            let target_known = match wire::first_url(target) {
                Some(t) => known_collection(data, &t).await?,
                None => false,
            };
            let moves_resource = match wire::first_url(object) {
                Some(o) => db::resources::find_by_ap_id(&data.db.read, o.as_str())
                    .await?
                    .is_some(),
                None => false,
            } || object.is_some_and(is_resource);
            target_known || target.is_some_and(is_collection) || moves_resource
        }
        _ => false,
    })
}

/// Applies one collection activity (already authenticated: the actor signed it).
pub async fn dispatch(kind: &str, value: Value, data: &Data<AppState>) -> AppResult<()> {
    match kind {
        "Create" | "Update" => receive_collection(read(value)?, data).await,
        "Delete" => receive_delete(read(value)?, data).await,
        "Follow" => receive_follow(read(value)?, data).await,
        "Accept" | "Reject" | "Undo" => receive_answer(read(value)?, data).await,
        "Add" | "Remove" => receive_item(read(value)?, data).await,
        _ => Ok(()),
    }
}

/// The resource `id` names: known here, or fetched from its server and stored.
async fn resource_for(data: &Data<AppState>, id: &Url) -> AppResult<Option<resource::Model>> {
    if let Some(r) = db::resources::find_by_ap_id(&data.db.read, id.as_str()).await? {
        return Ok(Some(r));
    }
    fetch_resource(data, id).await;
    db::resources::find_by_ap_id(&data.db.read, id.as_str()).await
}

/// Stores a collection its owner's node described (pushed or fetched) and, when the document
/// lists its items, makes ours hold the same ones in the same order.
async fn store(data: &Data<AppState>, object: CollectionObject) -> AppResult<collection::Model> {
    let owner = sender(data, &object.attributed_to).await?;
    let stored = collections::receive(data, &owner, object.to_remote()).await?;
    if let Some(listed) = object.items() {
        let mut found = Vec::new();
        for (id, note) in listed.into_iter().take(collections::MAX_ITEMS) {
            if let Some(r) = resource_for(data, &id).await?
                && r.deleted_at.is_none()
            {
                found.push((r, note));
            }
        }
        items::sync(data, &stored, found).await?;
    }
    Ok(stored)
}

/// Stores a collection fetched from `fetched_from` (search by URL, or after a follow).
pub async fn store_collection(
    data: &Data<AppState>,
    object: Value,
    fetched_from: &Url,
) -> AppResult<collection::Model> {
    let object: CollectionObject = read(object)?;
    same_origin(&object.id, fetched_from, "the collection")?;
    same_origin(&object.attributed_to, &object.id, "the collection's owner")?;
    store(data, object).await
}

/// Fetches remote collection `c` again (signed by this node: once a follower here is approved,
/// the owner's node serves its items) and stores what it says.
pub async fn refresh(data: &Data<AppState>, c: &collection::Model) -> AppResult<()> {
    let id = Url::parse(&c.ap_id).map_err(|e| anyhow::anyhow!("stored URL {}: {e}", c.ap_id))?;
    let fetched =
        activitypub_federation::fetch::fetch_object_http::<AppState, Value>(&id, data).await?;
    store_collection(data, fetched.object, &fetched.url).await?;
    Ok(())
}

async fn receive_collection(a: CollectionActivity, data: &Data<AppState>) -> AppResult<()> {
    if data.urls.is_local(&a.object.id) {
        return Err(AppError::BadRequest(
            "a collection of this server cannot be published from outside".into(),
        ));
    }
    if a.object.attributed_to != a.actor {
        return Err(AppError::BadRequest(
            "a collection can only be published by its owner".into(),
        ));
    }
    same_origin(&a.object.id, &a.actor, "the collection")?;
    store(data, a.object).await?;
    Ok(())
}

async fn receive_delete(a: DeleteCollection, data: &Data<AppState>) -> AppResult<()> {
    let id = wire::first_url(Some(&a.object))
        .ok_or_else(|| AppError::BadRequest("the Delete names no object".into()))?;
    same_origin(&id, &a.actor, "the deleted collection")?;
    let Some(existing) = db::collections::find_by_ap_id(&data.db.read, id.as_str()).await? else {
        return Ok(());
    };
    let actor = sender(data, &a.actor).await?;
    collections::receive_delete(data, &actor, &existing).await
}

async fn receive_follow(a: FollowCollection, data: &Data<AppState>) -> AppResult<()> {
    let id = data
        .urls
        .parse_collection(a.object.as_str())
        .ok_or_else(|| AppError::BadRequest("the Follow names no collection here".into()))?;
    let c = db::collections::get(&data.db.read, id).await?;
    if !c.local {
        return Err(AppError::not_found("collection not found"));
    }
    let follower = sender(data, &a.actor).await?;
    follows::receive_follow(data, &follower, &c, a.id.as_str()).await
}

async fn receive_answer(a: AnswerCollectionFollow, data: &Data<AppState>) -> AppResult<()> {
    let actor = sender(data, &a.actor).await?;
    let mut row = match wire::first_url(Some(&a.object)) {
        Some(id) => db::collections::find_follow_by_ap_id(&data.db.read, id.as_str()).await?,
        None => None,
    };
    if row.is_none() && a.kind != "Undo" {
        // An answer naming the follower and collection rather than our Follow's id.
        let follower = a.object.get("actor").and_then(|v| wire::first_url(Some(v)));
        if let (Some(follower), Some(target)) = (follower, inner_object(Some(&a.object)))
            && let Some(f) = db::actors::find_by_ap_id(&data.db.read, follower.as_str()).await?
            && let Some(c) = db::collections::find_by_ap_id(&data.db.read, target.as_str()).await?
        {
            row = db::collections::find_follow(&data.db.read, c.id, f.id).await?;
        }
    }
    if row.is_none()
        && a.kind == "Undo"
        && let Some(target) = inner_object(Some(&a.object))
        && let Some(id) = data.urls.parse_collection(target.as_str())
    {
        row = db::collections::find_follow(&data.db.read, id, actor.id).await?;
    }
    let Some(row) = row else {
        // Nothing pending: an answer to a follow that is already gone.
        return Ok(());
    };
    match a.kind.as_str() {
        "Undo" => follows::receive_undo(data, &actor, &row).await,
        kind => {
            let c = db::collections::get(&data.db.read, row.collection_id).await?;
            let c_id = Url::parse(&c.ap_id).map_err(|e| anyhow::anyhow!("stored URL: {e}"))?;
            same_origin(&c_id, &a.actor, "the followed collection")?;
            follows::receive_answer(data, &actor, &row, kind == "Accept").await
        }
    }
}

async fn receive_item(a: ItemActivity, data: &Data<AppState>) -> AppResult<()> {
    let target = wire::first_url(Some(&a.target))
        .ok_or_else(|| AppError::BadRequest(format!("the {} names no target", a.kind)))?;
    same_origin(&target, &a.actor, "the collection")?;
    let c = db::collections::find_by_ap_id(&data.db.read, target.as_str())
        .await?
        .ok_or_else(|| AppError::not_found("this server does not know that collection"))?;
    let actor = sender(data, &a.actor).await?;
    if a.kind == "Remove" {
        return items::receive_remove(data, &actor, &c, a.object.as_str()).await;
    }
    let r = resource_for(data, &a.object)
        .await?
        .ok_or_else(|| AppError::BadRequest("the added resource cannot be fetched".into()))?;
    items::receive_add(
        data,
        &actor,
        &c,
        &r,
        a.content.as_deref().unwrap_or_default(),
    )
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collection_activities_round_trip() {
        let add: ItemActivity = serde_json::from_value(json!({
            "type": "Add", "id": "https://b.example/activities/1",
            "actor": "https://b.example/users/bob",
            "object": "https://c.example/resources/9",
            "target": {"type": "OrderedCollection", "id": "https://b.example/collections/1"},
            "content": "À faire en classe"
        }))
        .unwrap();
        let again: ItemActivity =
            serde_json::from_value(serde_json::to_value(&add).unwrap()).unwrap();
        assert_eq!(again, add);
        assert_eq!(
            wire::first_url(Some(&add.target)).unwrap().as_str(),
            "https://b.example/collections/1"
        );
        let follow: FollowCollection = serde_json::from_value(json!({
            "type": "Follow", "id": "https://a.example/activities/2",
            "actor": "https://a.example/users/amina",
            "object": "https://b.example/collections/1"
        }))
        .unwrap();
        assert_eq!(follow.object.as_str(), "https://b.example/collections/1");
        let accept: AnswerCollectionFollow = serde_json::from_value(json!({
            "type": "Accept", "id": "https://b.example/activities/3",
            "actor": "https://b.example/users/bob",
            "object": {"type": "Follow", "id": "https://a.example/activities/2",
                       "actor": "https://a.example/users/amina",
                       "object": "https://b.example/collections/1"}
        }))
        .unwrap();
        assert_eq!(
            inner_object(Some(&accept.object)).unwrap().as_str(),
            "https://b.example/collections/1"
        );
    }
}
