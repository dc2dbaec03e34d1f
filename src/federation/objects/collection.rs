//! The resource collection on the wire: an AS2 `OrderedCollection` whose `orderedItems` are the
//! resources' ids in order, `attributedTo` its owner, with its own `followers` collection,
//! `halqa:collectionVisibility` (`public` or `approval`; `manuallyApprovesFollowers` says the
//! same to other software), schema.org `about` (subjects, also as hashtags), `educationalLevel`,
//! `inLanguage`, the curator's notes on items (`halqa:itemNotes`) and the id of its readable
//! `Note` (`halqa:collectionNote`). Items are left out for readers who may not see them.
//! An `OrderedCollection` is a Halqa collection when it names a `collectionVisibility`.
use crate::{
    AppState,
    db::{
        self,
        collections::RemoteCollection,
        entity::{actor, collection},
        mentorship::codes_of,
    },
    error::{AppError, AppResult},
    federation::{context::PUBLIC, objects::proposal::strings, wire},
    text,
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use url::Url;

fn collection_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &["OrderedCollection"])
}

/// Whether an AS2 object is a Halqa resource collection.
pub fn is_collection(object: &Value) -> bool {
    wire::types_of(object)
        .iter()
        .any(|k| k == "OrderedCollection")
        && object.get("collectionVisibility").is_some()
}

/// The curator's note on one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemNote {
    /// The resource's id.
    pub object: Url,
    pub content: String,
}

/// A collection as an `OrderedCollection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionObject {
    #[serde(rename = "type", deserialize_with = "collection_kind")]
    pub kind: String,
    pub id: Url,
    pub attributed_to: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description (HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    /// `public` or `approval`.
    pub collection_visibility: String,
    #[serde(default)]
    pub manually_approves_followers: bool,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub about: Vec<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub educational_level: Vec<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub in_language: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_note: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<u64>,
    /// The resources' ids, in order; absent when the reader may not see them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_notes: Vec<ItemNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Value>,
}

fn parse(s: &str) -> AppResult<Url> {
    Url::parse(s).map_err(|e| AppError::Internal(anyhow::anyhow!("bad stored URL {s}: {e}")))
}

/// The `OrderedCollection` of local collection `c` by `owner`; `items` (resource ids with
/// notes, in order) only for readers who may see them.
pub fn object_for_collection(
    data: &Data<AppState>,
    owner: &actor::Model,
    c: &collection::Model,
    total: u64,
    items: Option<Vec<(String, String)>>,
) -> AppResult<CollectionObject> {
    let subjects = codes_of(&c.subjects);
    let approval = c.visibility == "approval";
    let (ordered_items, item_notes) = match items {
        Some(items) => {
            let mut ids = Vec::new();
            let mut notes = Vec::new();
            for (id, note) in items {
                if !note.is_empty() {
                    notes.push(ItemNote {
                        object: parse(&id)?,
                        content: note,
                    });
                }
                ids.push(Value::String(id));
            }
            (Some(ids), notes)
        }
        None => (None, Vec::new()),
    };
    Ok(CollectionObject {
        kind: "OrderedCollection".into(),
        id: parse(&c.ap_id)?,
        attributed_to: parse(&owner.ap_id)?,
        name: Some(c.title.clone()),
        summary: Some(text::render_local_status(&c.description, &|_| None, &|t| {
            data.urls.tag(t)
        }))
        .filter(|s| !s.is_empty()),
        url: c.url.as_deref().map(parse).transpose()?,
        published: Some(c.published_at),
        updated: (c.updated_at > c.published_at).then_some(c.updated_at),
        to: vec![parse(PUBLIC)?],
        cc: vec![parse(&data.urls.collection_followers(c.id))?],
        followers: Some(parse(&data.urls.collection_followers(c.id))?),
        collection_visibility: c.visibility.clone(),
        manually_approves_followers: approval,
        about: subjects.clone(),
        educational_level: codes_of(&c.levels),
        in_language: codes_of(&c.languages),
        collection_note: c.note_ap_id.as_deref().map(parse).transpose()?,
        total_items: Some(total),
        ordered_items,
        item_notes,
        tag: subjects
            .iter()
            .map(|s| json!({"type": "Hashtag", "name": format!("#{s}"), "href": data.urls.tag(s)}))
            .collect(),
    })
}

/// The `OrderedCollection` of local collection `c`, with its items when `with_items`.
pub async fn object_of(
    db: &impl sea_orm::ConnectionTrait,
    data: &Data<AppState>,
    c: &collection::Model,
    with_items: bool,
) -> AppResult<CollectionObject> {
    let owner = db::actors::get_by_id(db, c.owner_id).await?;
    let items = db::collections::items_of(db, c.id).await?;
    let total = items.len() as u64;
    let listed = if with_items {
        let resources = db::collections::resources_of(db, &items).await?;
        Some(
            items
                .iter()
                .filter_map(|i| {
                    let r = resources.get(&i.resource_id)?;
                    r.deleted_at
                        .is_none()
                        .then(|| (r.ap_id.clone(), i.note.clone()))
                })
                .collect(),
        )
    } else {
        None
    };
    object_for_collection(data, &owner, c, total, listed)
}

impl CollectionObject {
    /// The collection as stored here (the owner id is set by the caller). The readable Note
    /// must be on the collection's own host.
    pub fn to_remote(&self) -> RemoteCollection {
        let same_host = |u: &&Url| u.host_str() == self.id.host_str() && u.port() == self.id.port();
        RemoteCollection {
            ap_id: self.id.to_string(),
            owner_id: 0,
            note_ap_id: self
                .collection_note
                .as_ref()
                .filter(same_host)
                .map(Url::to_string),
            url: self.url.as_ref().map(Url::to_string),
            title: self
                .name
                .as_deref()
                .map(text::html_to_plain_text)
                .unwrap_or_default(),
            description: self
                .summary
                .as_deref()
                .map(text::html_to_plain_text)
                .unwrap_or_default(),
            subjects: self.about.clone(),
            levels: self.educational_level.clone(),
            languages: self.in_language.clone(),
            visibility: self.collection_visibility.clone(),
            published: self.published,
        }
    }

    /// The items named (resource ids with their notes), in order; `None` when not served.
    pub fn items(&self) -> Option<Vec<(Url, String)>> {
        let ids = self.ordered_items.as_ref()?;
        Some(
            wire::urls_in(Some(&Value::Array(ids.clone())))
                .into_iter()
                .map(|u| {
                    let note = self
                        .item_notes
                        .iter()
                        .find(|n| n.object == u)
                        .map(|n| text::html_to_plain_text(&n.content))
                        .unwrap_or_default();
                    (u, note)
                })
                .collect(),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn collections_round_trip_and_are_told_apart() {
        let value = json!({
            "type": "OrderedCollection",
            "id": "https://b.example/collections/1",
            "attributedTo": "https://b.example/users/bob",
            "name": "Fractions",
            "summary": "<p>Séances</p>",
            "collectionVisibility": "approval",
            "manuallyApprovesFollowers": true,
            "about": "mathematics",
            "educationalLevel": ["middle"],
            "totalItems": 2,
            "orderedItems": ["https://b.example/resources/7", {"id": "https://c.example/resources/9"}],
            "itemNotes": [{"object": "https://c.example/resources/9", "content": "Très bien"}],
            "followers": "https://b.example/collections/1/followers"
        });
        assert!(is_collection(&value));
        assert!(!is_collection(
            &json!({"type": "OrderedCollection", "id": "https://m.example/users/x/collections/featured"})
        ));
        let parsed: CollectionObject = serde_json::from_value(value).unwrap();
        let again: CollectionObject =
            serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
        assert_eq!(again, parsed);
        let remote = parsed.to_remote();
        assert_eq!(remote.title, "Fractions");
        assert_eq!(remote.description, "Séances");
        assert_eq!(remote.subjects, vec!["mathematics"]);
        assert_eq!(remote.visibility, "approval");
        let items = parsed.items().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].1, "Très bien");
        assert_eq!(items[0].1, "");
        let hidden: CollectionObject = serde_json::from_value(json!({
            "type": "OrderedCollection", "id": "https://b.example/collections/2",
            "attributedTo": "https://b.example/users/bob", "collectionVisibility": "approval"
        }))
        .unwrap();
        assert!(hidden.items().is_none());
    }
}
