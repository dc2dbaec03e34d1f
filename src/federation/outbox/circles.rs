//! Outbound activities of circles (FEP-1b12 groups) besides the boosts `posts::announced`
//! sends: a member's post and its edits relayed as activities (`Announce(Create)` for
//! FEP-1b12 / Lemmy followers, `Announce(Update)` for everyone), and a moderator's removal of
//! a post, announced by the circle as Lemmy does (`Announce(Delete)`).
use super::{Envelope, enqueue, remote_inbox, url};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::AppResult,
    federation::{activities::Announce, context::PUBLIC, objects::note::note_for_post},
    service::mentorship::halqa_inboxes,
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

/// Who receives an activity circle `circle` relays about `post`: its members' servers and the
/// post's author (when remote).
async fn relay_inboxes(
    txn: &DatabaseTransaction,
    circle: &actor::Model,
    post: &post::Model,
) -> AppResult<(actor::Model, Vec<String>)> {
    let mut inboxes = db::actors::follower_inboxes(txn, circle.id).await?;
    let author = db::actors::get_by_id(txn, post.author_id).await?;
    inboxes.extend(remote_inbox(&author));
    Ok((author, inboxes))
}

/// Circle `circle` relays its member's `Create` or `Update` (`kind`) of `post` as FEP-1b12
/// describes: `Announce` of the activity, the Note embedded. `Create` goes only to servers not
/// known to run Halqa (Lemmy and other FEP-1b12 software read posts this way; Halqa nodes got
/// the plain boost and would count the post twice); `Update` goes to every member's server,
/// so followers see the edit.
pub async fn circle_post_relayed(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    circle: &actor::Model,
    post: &post::Model,
    kind: &str,
) -> AppResult<()> {
    let (author, mut inboxes) = relay_inboxes(txn, circle, post).await?;
    if kind == "Create" {
        let halqa = halqa_inboxes(txn, inboxes.clone()).await?;
        inboxes.retain(|i| !halqa.contains(i));
    }
    if inboxes.is_empty() {
        return Ok(());
    }
    let note = serde_json::to_value(note_for_post(data, txn, post).await?)
        .map_err(|e| anyhow::anyhow!("a note that does not serialise: {e}"))?;
    let inner_id = data.ids.next();
    let id = data.ids.next();
    let inner = json!({
        "type": kind,
        "id": data.urls.activity(inner_id),
        "actor": author.ap_id,
        "object": note,
        "audience": circle.ap_id,
        "to": [PUBLIC],
        "cc": [circle.ap_id],
    });
    let activity = Announce {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&circle.ap_id)?.into(),
        object: inner,
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
