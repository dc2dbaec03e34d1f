//! `Block`: an account blocks another. Received, it ends the follows between the two and
//! records the block; its `Undo` (in `undo.rs`) removes it. A `Block` with a `target` is
//! Lemmy's ban from a community: the person's membership of that circle ends instead.
use crate::{
    AppState,
    error::{AppError, AppResult},
    federation::actors::person::DbActor,
    service,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, kinds::activity::BlockType, traits::Activity,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

/// `Block`: actor blocks object.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: BlockType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: ObjectId<DbActor>,
    /// Lemmy's community ban: the community the person is banned from (then this is no
    /// personal block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Url>,
}

#[async_trait]
impl Activity for Block {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, data: &Data<AppState>) -> AppResult<()> {
        if !data.urls.is_local(self.object.inner()) {
            return Err(AppError::BadRequest(
                "Block is not about an account of this node".into(),
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        let blocker = self.actor.dereference(data).await?;
        let target = self
            .object
            .dereference_local(data)
            .await
            .map_err(|_| AppError::not_found("no such local account"))?;
        if let Some(circle) = &self.target {
            return service::circles::receive_ban(data, &blocker.model, circle, &target.model)
                .await;
        }
        service::relationships::receive_block(data, &blocker.model, &target.model, self.id.as_str())
            .await
    }
}
