//! The AS2 actor document (`Person`, and any remote actor type) and its mapping to `actor` rows.
use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    federation::wire,
    text,
};
use activitypub_federation::{
    config::Data,
    fetch::object_id::ObjectId,
    protocol::public_key::PublicKey,
    traits::{Actor, Object},
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
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

/// How many profile fields of a remote actor are kept.
const MAX_REMOTE_FIELDS: usize = 16;

/// Whether an attachment is a PLN facet a Halqa node derived from its `halqa:` terms (marked
/// with `facet`): those are read from the terms, never stored as the user's own fields.
fn is_facet_field(attachment: &Value) -> bool {
    attachment.get("facet").is_some() || attachment.get("halqa:facet").is_some()
}

/// The `PropertyValue` attachments of an actor document as `(name, sanitised HTML value)`,
/// without the PLN facet fields.
fn property_values(attachment: &[Value]) -> Vec<(String, String)> {
    let limit = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    attachment
        .iter()
        .filter(|a| wire::types_of(a).iter().any(|k| k == "PropertyValue"))
        .filter(|a| !is_facet_field(a))
        .filter_map(|a| {
            let name = a.get("name")?.as_str()?;
            let value = a.get("value").and_then(Value::as_str).unwrap_or_default();
            Some((
                limit(&text::html_to_plain_text(name), 255),
                text::sanitize_remote_html(&limit(value, 2_000)),
            ))
        })
        .filter(|(name, _)| !name.is_empty())
        .take(MAX_REMOTE_FIELDS)
        .collect()
}

/// The stored profile fields of an actor as `PropertyValue` attachments, then its PLN facets as
/// readable fields (labels in `lang`) marked with `facet` so Halqa peers skip them.
fn attachments_of(model: &actor::Model, lang: &str) -> Vec<Value> {
    let fields: Vec<Value> = serde_json::from_str(&model.fields).unwrap_or_default();
    let own = fields.iter().filter_map(|f| {
        Some(serde_json::json!({
            "type": "PropertyValue",
            "name": f.get("name")?.as_str()?,
            "value": f.get("value").and_then(Value::as_str).unwrap_or_default(),
        }))
    });
    let facets = crate::service::profiles::facet_fields(model, lang)
        .into_iter()
        .map(|f| {
            serde_json::json!({
                "type": "PropertyValue",
                "name": f.name,
                "value": f.value,
                "facet": f.facet,
            })
        });
    own.chain(facets).collect()
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

#[async_trait]
impl Object for DbActor {
    type DataType = AppState;
    type Kind = Person;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.ap_id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        if self.model.local {
            None
        } else if self.model.deleted_at.is_some() && self.model.suspended_at.is_none() {
            // Removed here (its Delete, or a domain block since lifted): fetch it again on the
            // next contact; it comes back if its server still serves it (a 410 keeps it gone).
            Some(DateTime::<Utc>::UNIX_EPOCH)
        } else {
            Some(self.model.last_fetched_at.unwrap_or(self.model.updated_at))
        }
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> AppResult<Option<Self>> {
        db::actors::find_by_ap_id(&data.db.read, id.as_str())
            .await?
            .map(DbActor::new)
            .transpose()
    }

    async fn delete(&self, data: &Data<AppState>) -> AppResult<()> {
        db::actors::mark_deleted(&data.db.write, self.model.id).await
    }

    fn is_deleted(&self) -> bool {
        self.model.deleted_at.is_some()
    }

    async fn into_json(self, data: &Data<AppState>) -> AppResult<Person> {
        Person::from_model(&self.model, &data.config.instance.default_language)
    }

    async fn verify(json: &Person, expected_domain: &Url, _data: &Data<AppState>) -> AppResult<()> {
        crate::federation::urls::verify_same_host(json.id.inner(), expected_domain)?;
        if json.suspended == Some(true) {
            return Err(AppError::Forbidden(format!(
                "actor {} is suspended",
                json.id.inner()
            )));
        }
        let Some(inbox) = &json.inbox else {
            return Err(AppError::BadRequest(format!(
                "actor {} has no inbox",
                json.id.inner()
            )));
        };
        crate::federation::urls::verify_same_host(json.id.inner(), inbox)?;
        let Some(key) = &json.public_key else {
            return Err(AppError::BadRequest(format!(
                "actor {} has no public key",
                json.id.inner()
            )));
        };
        if key.owner != *json.id.inner() {
            return Err(AppError::BadRequest(
                "public key owner is not the actor".into(),
            ));
        }
        if json
            .preferred_username
            .as_deref()
            .unwrap_or_default()
            .is_empty()
        {
            return Err(AppError::BadRequest(
                "actor has no preferredUsername".into(),
            ));
        }
        Ok(())
    }

    async fn from_json(json: Person, data: &Data<AppState>) -> AppResult<Self> {
        // A renamed older row and the upsert land together.
        let fields = property_values(&json.attachment);
        // Pinned statuses live on the actor's own server only.
        let featured = json.featured.clone().filter(|f| {
            crate::federation::urls::host_of(f) == crate::federation::urls::host_of(json.id.inner())
                && f.scheme() == json.id.inner().scheme()
        });
        let txn = data.db.write.begin().await?;
        let mut model =
            db::actors::upsert_remote(&txn, &data.ids, remote_actor_fields(json)?).await?;
        model.fields = db::actors::set_fields(&txn, model.id, &fields).await?;
        if let Some(featured) = featured {
            db::posts::pins::set_featured_url(&txn, model.id, featured.as_str()).await?;
        }
        txn.commit().await?;
        // A host met for the first time gets its NodeInfo read (is it a Halqa node?).
        crate::service::institutions::host_seen(data, &model).await;
        DbActor::new(model)
    }
}

/// The fields of a remote actor row, read from its (verified) document.
fn remote_actor_fields(json: Person) -> AppResult<db::actors::RemoteActor> {
    let id = json.id.into_inner();
    let domain = crate::federation::urls::host_of(&id)
        .ok_or_else(|| AppError::BadRequest("actor id has no host".into()))?;
    let key = json
        .public_key
        .ok_or_else(|| AppError::BadRequest("actor has no public key".into()))?;
    let inbox = json
        .inbox
        .ok_or_else(|| AppError::BadRequest("actor has no inbox".into()))?;
    let limit = |s: String, n: usize| s.chars().take(n).collect::<String>();
    // Known vocabulary codes only: a peer with a newer vocabulary must stay readable.
    let facets = crate::service::profiles::clean_remote(crate::service::profiles::Facets {
        stage: json.stage,
        subjects: json.subjects.unwrap_or_default(),
        levels: json.levels.unwrap_or_default(),
        languages: json.teaching_languages.unwrap_or_default(),
        region: json.region,
        open_to_mentor: json.open_to_mentor.unwrap_or(false),
        seeking_mentor: json.seeking_mentor.unwrap_or(false),
    });
    Ok(db::actors::RemoteActor {
        ap_id: id.to_string(),
        kind: json.kind,
        username: limit(json.preferred_username.unwrap_or_default(), 200),
        domain,
        display_name: limit(
            text::html_to_plain_text(&json.name.unwrap_or_default()),
            200,
        ),
        summary: text::sanitize_remote_html(&limit(json.summary.unwrap_or_default(), 20_000)),
        url: wire::first_url(json.url.as_ref()).map(String::from),
        inbox: inbox.to_string(),
        shared_inbox: json
            .endpoints
            .and_then(|e| e.shared_inbox)
            .map(String::from),
        outbox: json.outbox.map(String::from),
        followers_url: json.followers.map(String::from),
        following_url: json.following.map(String::from),
        public_key_id: key.id,
        public_key_pem: key.public_key_pem,
        manually_approves_followers: json.manually_approves_followers.unwrap_or(false),
        discoverable: json.discoverable.unwrap_or(false),
        avatar_url: wire::image_url(json.icon.as_ref()),
        header_url: wire::image_url(json.image.as_ref()),
        stage: facets.stage,
        subjects: facets.subjects,
        levels: facets.levels,
        languages: facets.languages,
        region: facets.region,
        open_to_mentor: facets.open_to_mentor,
        seeking_mentor: facets.seeking_mentor,
        published: json.published,
        also_known_as: json
            .also_known_as
            .iter()
            .take(MAX_ALIASES)
            .map(Url::to_string)
            .collect(),
        // Only an http(s) id other than its own is a move.
        moved_to: json
            .moved_to
            .filter(|m| m != &id && matches!(m.scheme(), "http" | "https"))
            .map(String::from),
    })
}

/// How many `alsoKnownAs` entries of a remote actor are kept.
const MAX_ALIASES: usize = 16;

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
    use super::*;
    use serde_json::json;

    #[test]
    fn property_values_are_read_sanitised_and_limited() {
        let attachment = vec![
            json!({"type": "PropertyValue", "name": "Site", "value": "<a href=\"https://a.example\" onclick=\"x()\">a.example</a><script>x()</script>"}),
            json!({"type": "IdentityProof", "name": "ignored", "value": "x"}),
            json!({"type": "PropertyValue", "name": "", "value": "no name"}),
            json!({"type": "PropertyValue", "name": "<b>Subject</b>", "value": "Maths"}),
        ];
        let fields = property_values(&attachment);
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].0, "Site");
        assert!(fields[0].1.contains("href=\"https://a.example\""));
        assert!(!fields[0].1.contains("onclick") && !fields[0].1.contains("script"));
        assert_eq!(fields[1], ("Subject".to_string(), "Maths".to_string()));
        let many: Vec<Value> = (0..40)
            .map(|i| json!({"type": "PropertyValue", "name": format!("f{i}"), "value": "v"}))
            .collect();
        assert_eq!(property_values(&many).len(), MAX_REMOTE_FIELDS);
    }

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
