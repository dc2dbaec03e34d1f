//! Like (a favourite).
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::actors::person::DbActor,
    service,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, kinds::activity::LikeType, traits::Activity,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

/// `Like` of a post.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Like {
    #[serde(rename = "type")]
    pub kind: LikeType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: ObjectId<crate::federation::objects::note::DbPost>,
}

#[async_trait]
impl Activity for Like {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        // Likes matter only for posts we hold; never fetch a post just to count a like.
        let Some(post) =
            db::posts::find_by_ap_id(&data.db.read, self.object.inner().as_str()).await?
        else {
            return Ok(());
        };
        let liker = self.actor.dereference(data).await?;
        service::posts::receive_like(data, &liker.model, &post, self.id.as_str()).await
    }
}
