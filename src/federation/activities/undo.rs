//! Undo of a Follow, Like, Announce or Block.
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, wire},
    service,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, kinds::activity::UndoType, traits::Activity,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Undo`: the object is the undone activity, embedded (usual) or as its id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Undo {
    #[serde(rename = "type")]
    pub kind: UndoType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: Value,
}

#[async_trait]
impl Activity for Undo {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        let inner = wire::first_url(Some(&self.object))
            .ok_or_else(|| AppError::BadRequest("Undo has no object".into()))?;
        crate::federation::urls::verify_same_host(self.actor.inner(), &inner)?;
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        let actor = self.actor.dereference(data).await?.model;
        let inner_id = wire::first_url(Some(&self.object))
            .ok_or_else(|| AppError::BadRequest("Undo has no object".into()))?;
        let inner_kind = wire::types_of(&self.object)
            .into_iter()
            .next()
            .unwrap_or_default();
        let inner_object = self
            .object
            .get("object")
            .and_then(|v| wire::first_url(Some(v)));
        match inner_kind.as_str() {
            "Follow" | "" => {
                let row = match db::follows::find_by_ap_id(&data.db.read, inner_id.as_str()).await?
                {
                    Some(row) => Some(row),
                    None => match &inner_object {
                        Some(target) => {
                            match db::actors::find_by_ap_id(&data.db.read, target.as_str()).await? {
                                Some(target) => {
                                    db::follows::find(&data.db.read, actor.id, target.id).await?
                                }
                                None => None,
                            }
                        }
                        None => None,
                    },
                };
                if let Some(row) = row {
                    return service::follows::receive_undo_follow(data, &actor, &row).await;
                }
                if inner_kind.is_empty() {
                    service::posts::receive_undo_like(data, &actor, inner_id.as_str(), None)
                        .await?;
                    service::posts::receive_undo_announce(data, &actor, inner_id.as_str()).await?;
                }
                Ok(())
            }
            "Like" => {
                service::posts::receive_undo_like(
                    data,
                    &actor,
                    inner_id.as_str(),
                    inner_object.as_ref().map(Url::as_str),
                )
                .await
            }
            "Announce" => {
                service::posts::receive_undo_announce(data, &actor, inner_id.as_str()).await
            }
            "Block" => {
                service::relationships::receive_undo_block(
                    data,
                    &actor,
                    inner_id.as_str(),
                    inner_object.as_ref().map(Url::as_str),
                )
                .await
            }
            _ => Ok(()),
        }
    }
}
