//! Follow, and the Accept / Reject that answer it.
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, wire},
    service,
};
use activitypub_federation::{
    config::Data,
    fetch::object_id::ObjectId,
    kinds::activity::{AcceptType, FollowType, RejectType},
    traits::Activity,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Follow`: actor asks to follow object.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    #[serde(rename = "type")]
    pub kind: FollowType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    pub object: ObjectId<DbActor>,
}

#[async_trait]
impl Activity for Follow {
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
                "Follow is not addressed to an account of this node".into(),
            ));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        let follower = self.actor.dereference(data).await?;
        let target = self
            .object
            .dereference_local(data)
            .await
            .map_err(|_| AppError::not_found("no such local account"))?;
        service::follows::receive_follow(data, &follower.model, &target.model, self.id.as_str())
            .await
    }
}

/// Finds the follow an Accept/Reject answers: by the embedded Follow's id, else by the pair
/// (local follower from the embedded Follow, the answering actor as followee).
async fn answered_follow(
    data: &Data<AppState>,
    object: &Value,
    answerer: &crate::db::entity::actor::Model,
) -> AppResult<Option<crate::db::entity::follow::Model>> {
    if let Some(id) = wire::first_url(Some(object))
        && let Some(row) = db::follows::find_by_ap_id(&data.db.read, id.as_str()).await?
    {
        return Ok(Some(row));
    }
    let Some(follower_url) = object.get("actor").and_then(|v| wire::first_url(Some(v))) else {
        return Ok(None);
    };
    let Some(follower) = db::actors::find_by_ap_id(&data.db.read, follower_url.as_str()).await?
    else {
        return Ok(None);
    };
    db::follows::find(&data.db.read, follower.id, answerer.id).await
}

macro_rules! follow_answer {
    ($name:ident, $kind:ty, $doc:literal, $service:path) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            #[serde(rename = "type")]
            pub kind: $kind,
            pub id: Url,
            pub actor: ObjectId<DbActor>,
            /// The Follow, embedded (Mastodon) or as its id.
            pub object: Value,
        }

        #[async_trait]
        impl Activity for $name {
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
                let answerer = self.actor.dereference(data).await?;
                match answered_follow(data, &self.object, &answerer.model).await? {
                    Some(row) => $service(data, &row, &answerer.model).await,
                    // Nothing pending: an answer to a follow we already dropped.
                    None => Ok(()),
                }
            }
        }
    };
}

follow_answer!(
    AcceptFollow,
    AcceptType,
    "`Accept` of a Follow.",
    service::follows::receive_accept
);
follow_answer!(
    RejectFollow,
    RejectType,
    "`Reject` of a Follow.",
    service::follows::receive_reject
);
