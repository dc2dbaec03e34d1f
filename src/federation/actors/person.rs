//! The AS2 actor document (`Person`, and any remote actor type) and its mapping to `actor` rows:
//! the document, and the one built from a stored actor, here; profile fields on the wire in
//! `fields`; reading, verifying and storing a remote actor in `remote`.
mod fields;
mod remote;

use crate::{db::entity::actor, error::AppResult, federation::wire};
use activitypub_federation::{
    fetch::object_id::ObjectId, protocol::public_key::PublicKey, traits::Actor,
};
use chrono::{DateTime, Utc};
use fields::attachments_of;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// Actor types we accept from other servers.
pub const ACTOR_TYPES: [&str; 5] = ["Person", "Service", "Application", "Group", "Organization"];

/// An `actor` row with its id parsed, as the federation library wants it.
#[derive(Debug, Clone)]
pub struct DbActor {
    pub model: actor::Model,
    ap_id: Url,
}

impl DbActor {
    /// Wraps a row; fails only if the stored `ap_id` is not a URL.
    pub fn new(model: actor::Model) -> AppResult<Self> {
        let ap_id = Url::parse(&model.ap_id)
            .map_err(|e| anyhow::anyhow!("stored actor id {} is not a URL: {e}", model.ap_id))?;
        Ok(DbActor { model, ap_id })
    }
}

/// `endpoints` of an actor.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

fn actor_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &ACTOR_TYPES)
}

fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Option::<Value>::deserialize(d)?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()))
}

/// The actor document on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    #[serde(rename = "type", deserialize_with = "actor_kind")]
    pub kind: String,
    pub id: ObjectId<DbActor>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub inbox: Option<Url>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub outbox: Option<Url>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub followers: Option<Url>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub following: Option<Url>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoints: Option<Endpoints>,
    /// Pinned statuses (`toot:featured`): served for local people, read for remote ones.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub featured: Option<Url>,
    /// One key, or the first readable of several.
    #[serde(default, deserialize_with = "wire::first_of")]
    pub public_key: Option<PublicKey>,
    #[serde(default, deserialize_with = "lenient")]
    pub manually_approves_followers: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub discoverable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Value>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub suspended: Option<bool>,
    /// PLN facets (Halqa namespace; absent on other software).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub stage: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub subjects: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub levels: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub teaching_languages: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub open_to_mentor: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub seeking_mentor: Option<bool>,
    /// Profile fields as `PropertyValue`s (other attachment kinds are ignored when read).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "attachments"
    )]
    pub attachment: Vec<Value>,
    /// FEP-1b12 groups (circles): who runs it (the moderators collection), that collection,
    /// and whether only moderators may post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<Value>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub moderators: Option<Url>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub posting_restricted_to_mods: Option<bool>,
    /// FEP-7628 / Mastodon: the accounts this one is also known as (for a move *to* it, the
    /// moved account must be listed here). One id or a list on the wire.
    #[serde(
        default,
        deserialize_with = "wire::one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub also_known_as: Vec<Url>,
    /// The account this one moved to.
    #[serde(
        default,
        deserialize_with = "lenient_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub moved_to: Option<Url>,
}

/// `movedTo` as a URL: a string, or an object with an `id` (anything else reads as absent).
fn lenient_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(wire::first_url(value.as_ref()))
}

/// `attachment` as a list, whatever its shape on the wire (one object, a list, junk).
fn attachments<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items,
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    })
}

fn non_empty(list: Vec<String>) -> Option<Vec<String>> {
    (!list.is_empty()).then_some(list)
}

impl Person {
    /// The document for a local (or any stored) actor; the readable facet fields are labelled
    /// in `lang` (the node's default language).
    pub fn from_model(model: &actor::Model, lang: &str) -> AppResult<Self> {
        let parse = |s: &str| Url::parse(s).map_err(|e| anyhow::anyhow!("bad stored URL {s}: {e}"));
        let opt = |s: &Option<String>| s.as_deref().map(parse).transpose();
        let ap_id = parse(&model.ap_id)?;
        // Local bots are sent as `Service`, as Mastodon does; the row keeps `Person`.
        let kind = if model.local && model.bot && model.kind == "Person" {
            "Service".to_string()
        } else {
            model.kind.clone()
        };
        Ok(Person {
            kind,
            id: ap_id.clone().into(),
            preferred_username: Some(model.username.clone()),
            name: (!model.display_name.is_empty()).then(|| model.display_name.clone()),
            summary: Some(model.summary.clone()),
            inbox: Some(parse(&model.inbox)?),
            outbox: opt(&model.outbox)?,
            followers: opt(&model.followers_url)?,
            following: opt(&model.following_url)?,
            endpoints: opt(&model.shared_inbox)?.map(|shared_inbox| Endpoints {
                shared_inbox: Some(shared_inbox),
            }),
            featured: (model.local && model.kind == "Person")
                .then(|| parse(&crate::federation::urls::featured_of(&model.ap_id)))
                .transpose()?,
            public_key: Some(PublicKey {
                id: model.public_key_id.clone(),
                owner: ap_id,
                public_key_pem: model.public_key_pem.clone(),
            }),
            manually_approves_followers: Some(model.manually_approves_followers),
            discoverable: Some(model.discoverable),
            url: model.url.clone().map(Value::String),
            icon: model
                .avatar_url
                .clone()
                .map(|u| serde_json::json!({"type": "Image", "url": u})),
            image: model
                .header_url
                .clone()
                .map(|u| serde_json::json!({"type": "Image", "url": u})),
            published: Some(model.created_at),
            suspended: None,
            stage: model.stage.clone(),
            subjects: non_empty(actor::Model::facet_list(&model.subjects)),
            levels: non_empty(actor::Model::facet_list(&model.levels)),
            teaching_languages: non_empty(actor::Model::facet_list(&model.languages)),
            region: model.region.clone(),
            // The flags are people's (not the institution's or the instance actor's).
            open_to_mentor: (model.local && model.kind == "Person").then_some(model.open_to_mentor),
            seeking_mentor: (model.local && model.kind == "Person").then_some(model.seeking_mentor),
            attachment: attachments_of(model, lang),
            // Local circles: the moderators collection (see `service::circles`).
            attributed_to: (model.local && model.kind == "Group")
                .then(|| Value::String(crate::federation::urls::moderators_of(&model.ap_id))),
            moderators: (model.local && model.kind == "Group")
                .then(|| parse(&crate::federation::urls::moderators_of(&model.ap_id)))
                .transpose()?,
            posting_restricted_to_mods: (model.local && model.kind == "Group").then_some(false),
            also_known_as: model
                .aliases()
                .iter()
                .filter_map(|a| Url::parse(a).ok())
                .collect(),
            moved_to: model
                .moved_to_ap_id
                .as_deref()
                .and_then(|m| Url::parse(m).ok()),
        })
    }
}

impl Actor for DbActor {
    fn public_key_pem(&self) -> &str {
        &self.model.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.model.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.model.inbox).unwrap_or_else(|_| self.ap_id.clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.model
            .shared_inbox
            .as_deref()
            .and_then(|s| Url::parse(s).ok())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{fields::property_values, remote::remote_actor_fields, *};
    use serde_json::json;

    #[test]
    fn facets_round_trip_as_terms_and_marked_readable_fields() {
        let now = Utc::now();
        let model = actor::Model {
            id: 1,
            ap_id: "https://a.example/users/salma".into(),
            local: true,
            kind: "Person".into(),
            username: "salma".into(),
            domain: "a.example".into(),
            display_name: "Salma".into(),
            summary: String::new(),
            url: None,
            inbox: "https://a.example/users/salma/inbox".into(),
            shared_inbox: Some("https://a.example/inbox".into()),
            outbox: None,
            followers_url: None,
            following_url: None,
            public_key_id: "https://a.example/users/salma#main-key".into(),
            public_key_pem: "pem".into(),
            private_key_pem: None,
            manually_approves_followers: false,
            discoverable: true,
            avatar_url: None,
            header_url: None,
            stage: Some("novice".into()),
            subjects: r#"["arabic"]"#.into(),
            levels: r#"["primary"]"#.into(),
            languages: r#"["ar"]"#.into(),
            region: Some("Oriental".into()),
            open_to_mentor: false,
            seeking_mentor: true,
            created_at: now,
            updated_at: now,
            last_fetched_at: None,
            deleted_at: None,
            fields: r#"[{"name":"Blog","value":"b","verified_at":null}]"#.into(),
            bot: false,
            silenced_at: None,
            suspended_at: None,
            also_known_as: "[]".into(),
            moved_to_ap_id: None,
            moved_at: None,
            hide_collections: false,
        };
        let json = serde_json::to_value(Person::from_model(&model, "en").unwrap()).unwrap();
        assert_eq!(json["stage"], "novice");
        assert_eq!(json["teachingLanguages"], json!(["ar"]));
        assert_eq!(json["seekingMentor"], true);
        let attachment = json["attachment"].as_array().unwrap();
        assert_eq!(
            attachment[0],
            json!({"type": "PropertyValue", "name": "Blog", "value": "b"})
        );
        assert_eq!(
            attachment[1],
            json!({"type": "PropertyValue", "name": "Career stage", "value": "Novice teacher", "facet": "stage"})
        );
        assert!(attachment[1..].iter().all(|a| a.get("facet").is_some()));
        // Parse → serialise is stable, and a Halqa receiver keeps only the user's own field
        // while the facets come back from the terms.
        let back: Person = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), json);
        assert_eq!(
            property_values(&back.attachment),
            vec![("Blog".into(), "b".into())]
        );
        let mut remote = back.clone();
        remote.subjects = Some(vec!["arabic".into(), "future_subject".into()]);
        let stored = remote_actor_fields(remote).unwrap();
        assert_eq!(stored.stage.as_deref(), Some("novice"));
        assert_eq!(stored.subjects, vec!["arabic"]);
        assert!(stored.seeking_mentor && !stored.open_to_mentor);
    }

    #[test]
    fn attachment_reads_one_object_or_a_list() {
        let one: Person = serde_json::from_value(json!({
            "type": "Person",
            "id": "https://a.example/users/x",
            "attachment": {"type": "PropertyValue", "name": "n", "value": "v"},
        }))
        .unwrap();
        assert_eq!(one.attachment.len(), 1);
        let junk: Person = serde_json::from_value(json!({
            "type": "Person",
            "id": "https://a.example/users/x",
            "attachment": "nonsense",
        }))
        .unwrap();
        assert!(junk.attachment.is_empty());
    }
}
