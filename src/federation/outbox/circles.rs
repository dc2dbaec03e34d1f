//! Outbound activities of circles (FEP-1b12 groups) besides the boosts `posts::announced`
//! sends: a moderator's removal of a post, announced by the circle as Lemmy does
//! (`Announce(Delete)`).
use super::{Envelope, enqueue, remote_inbox, url};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::AppResult,
    federation::{activities::Announce, context::PUBLIC},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::DatabaseTransaction;
use serde_json::json;

/// `moderator` removed `post` from local circle `circle`: the circle announces the
/// moderator's `Delete` of it to its members' servers and the post's author.
pub async fn circle_post_removed(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    circle: &actor::Model,
    moderator: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    let delete_id = data.ids.next();
    let id = data.ids.next();
    let delete = json!({
        "type": "Delete",
        "id": data.urls.activity(delete_id),
        "actor": moderator.ap_id,
        "object": post.ap_id,
        "audience": circle.ap_id,
        "to": [PUBLIC],
        "cc": [circle.ap_id],
    });
    let activity = Announce {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&circle.ap_id)?.into(),
        object: delete,
        to: vec![url(PUBLIC)?],
        cc: circle
            .followers_url
            .as_deref()
            .map(url)
            .transpose()?
            .into_iter()
            .collect(),
        published: Some(Utc::now()),
    };
    let mut inboxes = db::actors::follower_inboxes(txn, circle.id).await?;
    let author = db::actors::get_by_id(txn, post.author_id).await?;
    inboxes.extend(remote_inbox(&author));
    enqueue(
        txn,
        data,
        circle,
        Envelope {
            id,
            kind: "Announce",
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}
