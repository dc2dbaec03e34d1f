//! Create and Update of notes (and Questions), votes on local polls, and Update of actors.
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::{
        actors::person::{DbActor, Person},
        objects::note::{DbPost, Note},
        wire,
    },
    service::polls,
};
use activitypub_federation::{
    config::Data,
    fetch::object_id::ObjectId,
    kinds::activity::UpdateType,
    protocol::verification::verify_urls_match,
    traits::{Activity, Object},
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// `Create` or `Update` of a Note.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrUpdateNote {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: Note,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// FEP-1b12: the circle (`Group`) the note is posted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<serde_json::Value>,
}

#[async_trait]
impl Activity for CreateOrUpdateNote {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        let author = self
            .object
            .author()
            .ok_or_else(|| AppError::BadRequest("note has no attributedTo".into()))?;
        verify_urls_match(self.actor.inner(), &author)?;
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        if self.kind == "Create" && receive_vote(&self, data).await? {
            return Ok(());
        }
        let note_id = self.object.id.inner().clone();
        // Where it is addressed, for circles (FEP-1b12 `audience`, or a Group in to/cc).
        let mut addressed: Vec<Url> = [&self.to, &self.cc, &self.object.to, &self.object.cc]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        addressed.extend(wire::urls_in(self.audience.as_ref()));
        addressed.extend(wire::urls_in(self.object.audience.as_ref()));
        let created = self.kind == "Create";
        if crate::federation::urls::verify_same_host(self.actor.inner(), &note_id).is_ok() {
            // Signed by its origin: take the embedded object as it is.
            DbPost::verify(&self.object, self.actor.inner(), data).await?;
            DbPost::from_json(self.object, data).await?;
        } else {
            // Not signed by the note's origin: read it from there instead.
            ObjectId::<DbPost>::from(note_id.clone())
                .dereference_forced(data)
                .await?;
        }
        if let Some(post) = db::posts::find_by_ap_id(&data.db.read, note_id.as_str()).await? {
            if created {
                crate::service::circles::posts::remote_post_arrived(data, &post, &addressed)
                    .await?;
            } else {
                crate::service::circles::posts::remote_post_edited(data, &post).await?;
            }
        }
        Ok(())
    }
}

/// Counts a `Create(Note)` that is a vote on a local poll (a note named after one of its
/// options, replying to it) instead of storing it as a reply. Returns whether it was one.
async fn receive_vote(activity: &CreateOrUpdateNote, data: &Data<AppState>) -> AppResult<bool> {
    let Some((choice, question)) = activity.object.vote_choice() else {
        return Ok(false);
    };
    if !data.urls.is_local(&question) {
        return Ok(false);
    }
    let Some(post) = db::posts::find_by_ap_id(&data.db.read, question.as_str()).await? else {
        return Ok(false);
    };
    let Some(poll) = db::polls::get(&data.db.read, post.id).await? else {
        return Ok(false);
    };
    if !db::polls::options(&poll).iter().any(|o| o == choice) {
        return Ok(false);
    }
    let voter = activity.actor.dereference(data).await?;
    polls::receive_vote(
        data,
        &voter.model,
        &post,
        choice,
        activity.object.id.inner().as_str(),
    )
    .await?;
    Ok(true)
}

/// `Update` of an actor (profile changes, key rotation).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePerson {
    #[serde(rename = "type")]
    pub kind: UpdateType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: Person,
}

#[async_trait]
impl Activity for UpdatePerson {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, data: &Data<AppState>) -> AppResult<()> {
        verify_urls_match(self.actor.inner(), self.object.id.inner())?;
        DbActor::verify(&self.object, self.actor.inner(), data).await
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        let key_id = self.object.public_key.as_ref().map(|k| k.id.clone());
        let organization = self.object.kind == "Organization";
        let actor = DbActor::from_json(self.object, data).await?;
        if let Some(key_id) = key_id {
            data.public_keys.remove(&key_id);
        }
        // An institution's profile changed: its directory entry is re-read from NodeInfo.
        if organization
            && let Err(e) =
                crate::service::institutions::refresh_host(data, &actor.model.domain).await
        {
            tracing::debug!(error = %e, "refreshing an institution after its Update");
        }
        Ok(())
    }
}
