//! [`DbActor`] as the federation library's `Object`: reading a stored actor by id, verifying a
//! fetched document (same host, inbox, key, username, not suspended), and storing a remote
//! actor's row with its fields and pinned-posts collection.
use super::{DbActor, Person, fields::property_values};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::wire,
    text,
};
use activitypub_federation::{config::Data, traits::Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use url::Url;

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
pub(super) fn remote_actor_fields(json: Person) -> AppResult<db::actors::RemoteActor> {
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
