//! Teaching-resource activities, both directions: Create/Update of a resource `Page` and Delete
//! of one. [`claims`] tells `dispatch` which inbound activities are ours; the origin checks
//! (the Page and its author on the actor's host and port, only the author updates or deletes)
//! happen here before `service::resources` is called.
use super::mentorship::{read, same_origin, sender};
use crate::{
    AppState, db,
    db::entity::resource,
    error::{AppError, AppResult},
    federation::{
        objects::resource_page::{ResourcePage, is_resource},
        wire,
    },
    service::resources,
};
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Create`/`Update` of a resource `Page`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageActivity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: ResourcePage,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
}

/// `Delete` of a resource: `object` is its id or a `Tombstone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteResource {
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

/// Whether an inbound activity of `kind` is about a resource (so `dispatch` hands it here).
pub async fn claims(kind: &str, value: &Value, data: &Data<AppState>) -> AppResult<bool> {
    let object = value.get("object");
    Ok(match kind {
        "Create" | "Update" => object.is_some_and(is_resource),
        // A resource, or its readable Note (a node sent only the Note still deletes both).
        "Delete" => match wire::first_url(object) {
            Some(id) => {
                db::resources::find_by_ap_id(&data.db.read, id.as_str())
                    .await?
                    .is_some()
                    || resource_of_note(data, &id).await?.is_some()
            }
            None => false,
        },
        _ => false,
    })
}

/// Applies one resource activity (already authenticated: the actor signed it).
pub async fn dispatch(kind: &str, value: Value, data: &Data<AppState>) -> AppResult<()> {
    match kind {
        "Create" | "Update" => receive_page(read(value)?, data).await,
        "Delete" => {
            let object = wire::first_url(value.get("object"));
            if let Some(id) = object
                && let Some(r) = resource_of_note(data, &id).await?
            {
                // The Note goes as any post does (its checks first), then the resource with it.
                let actor = value
                    .get("actor")
                    .and_then(|a| a.as_str())
                    .unwrap_or_default();
                let actor = Url::parse(actor)
                    .map_err(|_| AppError::BadRequest("the Delete has no actor".into()))?;
                super::run::<super::Delete>(value, data).await?;
                let actor = sender(data, &actor).await?;
                return resources::receive_delete(data, &actor, &r).await;
            }
            receive_delete(read(value)?, data).await
        }
        _ => Ok(()),
    }
}

/// The live resource whose readable Note is `note`.
async fn resource_of_note(data: &Data<AppState>, note: &Url) -> AppResult<Option<resource::Model>> {
    let key = note.to_string();
    Ok(
        db::resources::by_notes(&data.db.read, std::slice::from_ref(&key))
            .await?
            .remove(&key),
    )
}

/// The checks every Page from outside passes: not one of ours, authored by the sender, and on
/// the sender's own host and port.
fn check_origin(page: &ResourcePage, actor: &Url, data: &Data<AppState>) -> AppResult<()> {
    if data.urls.is_local(&page.id) {
        return Err(AppError::BadRequest(
            "a resource of this server cannot be published from outside".into(),
        ));
    }
    if page.attributed_to != *actor {
        return Err(AppError::BadRequest(
            "a resource can only be published by its author".into(),
        ));
    }
    same_origin(&page.id, actor, "the resource")
}

async fn receive_page(a: PageActivity, data: &Data<AppState>) -> AppResult<()> {
    check_origin(&a.object, &a.actor, data)?;
    let author = sender(data, &a.actor).await?;
    resources::receive(data, &author, a.object.to_remote()).await?;
    Ok(())
}

async fn receive_delete(a: DeleteResource, data: &Data<AppState>) -> AppResult<()> {
    let id = wire::first_url(Some(&a.object))
        .ok_or_else(|| AppError::BadRequest("the Delete names no object".into()))?;
    same_origin(&id, &a.actor, "the deleted resource")?;
    let Some(existing) = db::resources::find_by_ap_id(&data.db.read, id.as_str()).await? else {
        return Ok(());
    };
    let actor = sender(data, &a.actor).await?;
    resources::receive_delete(data, &actor, &existing).await
}

/// Stores a resource `Page` fetched from `fetched_from` (search by URL).
pub async fn store_page(
    data: &Data<AppState>,
    object: Value,
    fetched_from: &Url,
) -> AppResult<resource::Model> {
    let page: ResourcePage = read(object)?;
    same_origin(&page.id, fetched_from, "the resource")?;
    same_origin(&page.attributed_to, &page.id, "the resource's author")?;
    let author = sender(data, &page.attributed_to).await?;
    resources::receive(data, &author, page.to_remote()).await
}

/// Fetches and stores the resource a readable Note names, unless this node already has it at
/// least as new as the Note (a peer that got only the Note, or an edit of it); failures are
/// logged, never fatal for the Note.
pub async fn fetch_resource(data: &Data<AppState>, resource: &Url) {
    let result: AppResult<()> = async {
        if let Some(known) = db::resources::find_by_ap_id(&data.db.read, resource.as_str()).await?
            && known.deleted_at.is_some()
        {
            return Ok(());
        }
        let fetched =
            activitypub_federation::fetch::fetch_object_http::<AppState, Value>(resource, data)
                .await?;
        if is_resource(&fetched.object) {
            store_page(data, fetched.object, &fetched.url).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::debug!(%resource, error = %e, "could not fetch a teaching resource");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_activities_round_trip() {
        let create: PageActivity = serde_json::from_value(json!({
            "type": "Create", "id": "https://b.example/activities/1",
            "actor": "https://b.example/users/bob",
            "object": {
                "type": "Page", "id": "https://b.example/resources/7",
                "attributedTo": "https://b.example/users/bob", "name": "Fractions",
                "license": "https://creativecommons.org/licenses/by/4.0/",
                "learningResourceType": "worksheet"
            },
            "to": "https://www.w3.org/ns/activitystreams#Public"
        }))
        .unwrap();
        let again: PageActivity =
            serde_json::from_value(serde_json::to_value(&create).unwrap()).unwrap();
        assert_eq!(again, create);
        let delete: DeleteResource = serde_json::from_value(json!({
            "type": "Delete", "id": "https://b.example/activities/2",
            "actor": "https://b.example/users/bob",
            "object": {"type": "Tombstone", "id": "https://b.example/resources/7"}
        }))
        .unwrap();
        assert_eq!(
            wire::first_url(Some(&delete.object)).unwrap().as_str(),
            "https://b.example/resources/7"
        );
    }
}
