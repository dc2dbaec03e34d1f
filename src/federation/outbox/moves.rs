//! Outbound account migration: `Move {actor: old, object: old, target: new}` to the old
//! account's followers (Mastodon's shape; the id is an activity of this node).
use super::{Envelope, enqueue, url};
use crate::{
    AppState,
    db::{self, entity::actor},
    error::AppResult,
    federation::activities::Move,
};
use activitypub_federation::config::Data;
use sea_orm::DatabaseTransaction;

/// Local `origin` moved to `target`: Move to every remote follower's inbox.
pub async fn account_moved(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    origin: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let inboxes = db::actors::follower_inboxes(txn, origin.id).await?;
    let id = data.ids.next();
    let activity = Move {
        kind: "Move".into(),
        id: url(&data.urls.activity(id))?,
        actor: url(&origin.ap_id)?,
        object: url(&origin.ap_id)?,
        target: url(&target.ap_id)?,
        to: origin
            .followers_url
            .as_deref()
            .map(url)
            .transpose()?
            .into_iter()
            .collect(),
        cc: Vec::new(),
    };
    enqueue(
        txn,
        data,
        origin,
        Envelope {
            id,
            kind: "Move",
            public: false,
        },
        activity,
        inboxes,
    )
    .await
}
