//! Delete of a post (Tombstone or id) or of the sending actor itself.
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, wire},
    service,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, kinds::activity::DeleteType, traits::Activity,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Delete`: object is an id or a Tombstone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delete {
    #[serde(rename = "type")]
    pub kind: DeleteType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: Value,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
}

#[async_trait]
impl Activity for Delete {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        let object = wire::first_url(Some(&self.object))
            .ok_or_else(|| AppError::BadRequest("Delete has no object".into()))?;
        crate::federation::urls::verify_same_host(self.actor.inner(), &object)?;
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        let Some(object) = wire::first_url(Some(&self.object)) else {
            return Ok(());
        };
        let Some(actor) =
            db::actors::find_by_ap_id(&data.db.read, self.actor.inner().as_str()).await?
        else {
            return Ok(());
        };
        if object == *self.actor.inner() {
            return service::posts::receive_delete_actor(data, &actor).await;
        }
        match db::posts::find_by_ap_id(&data.db.read, object.as_str()).await? {
            Some(post) if post.deleted_at.is_none() => {
                service::posts::receive_delete_post(data, &actor, &post).await
            }
            _ => Ok(()),
        }
    }
}
