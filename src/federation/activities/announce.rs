//! Announce (a boost; an Announce of an activity goes to `group_announce`). The boosted post is always read from its origin (or our copy), never
//! trusted from the embedded object, which the booster's signature does not vouch for.
use crate::{
    AppState,
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, objects::note::DbPost, wire},
    service,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, kinds::activity::AnnounceType, traits::Activity,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Announce` of a post.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Announce {
    #[serde(rename = "type")]
    pub kind: AnnounceType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: Value,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
}

#[async_trait]
impl Activity for Announce {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        wire::first_url(Some(&self.object))
            .map(|_| ())
            .ok_or_else(|| AppError::BadRequest("Announce has no object".into()))
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        // FEP-1b12: a group announcing an activity (its member's Create, a removal).
        if let Some(announced) = super::group_announce::announced_activity(&self.object) {
            let group = self.actor.dereference(data).await?;
            return super::group_announce::receive(
                data,
                &group.model,
                &self.id,
                self.published,
                announced,
            )
            .await;
        }
        let Some(object_id) = wire::first_url(Some(&self.object)) else {
            return Ok(());
        };
        let original = ObjectId::<DbPost>::from(object_id)
            .dereference(data)
            .await?;
        let booster = self.actor.dereference(data).await?;
        service::posts::receive_announce(
            data,
            &booster.model,
            &original.model,
            self.id.as_str(),
            self.published,
        )
        .await
    }
}
