//! Flag: a report sent to the server of the reported account (object = the account and the
//! reported posts, content = the comment). Mastodon sends it from its instance actor. Flags
//! from a domain whose policy has `reject_reports` are accepted and dropped.
use crate::{
    AppState,
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, wire},
    service,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, kinds::activity::FlagType, traits::Activity,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// `Flag` of an account and some of its posts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    #[serde(rename = "type")]
    pub kind: FlagType,
    pub id: Url,
    pub actor: ObjectId<DbActor>,
    /// One URL or an array of URLs: the account, then the posts.
    pub object: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

#[async_trait]
impl Activity for Flag {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        if wire::urls_in(Some(&self.object)).is_empty() {
            return Err(AppError::BadRequest("Flag has no object".into()));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        // A domain whose reports the admins reject (`reject_reports` on its domain policy)
        // is answered as usual but nothing is stored, as Mastodon does.
        let host = crate::federation::urls::host_of(self.actor.inner()).unwrap_or_default();
        if data.domain_policy.rejects_reports(&host) {
            tracing::info!(%host, flag = %self.id, "Flag ignored: reports from this domain are rejected");
            return Ok(());
        }
        let reporter = self.actor.dereference(data).await?;
        let objects = wire::urls_in(Some(&self.object));
        service::reports::receive_flag(
            data,
            &reporter.model,
            self.id.as_str(),
            &objects,
            self.content.as_deref().unwrap_or_default(),
        )
        .await
    }
}
