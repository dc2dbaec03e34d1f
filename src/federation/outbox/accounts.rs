//! Outbound activities about accounts: Follow and its answers and Undo, Block and Undo, actor
//! Update/Delete, and forwarded reports (`Flag`).
use super::{Envelope, enqueue, remote_inbox, url};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, follow, institution, post},
    },
    error::AppResult,
    federation::{
        activities::{AcceptFollow, Delete, Follow, RejectFollow, Undo},
        actors::{organization::Organization, person::Person},
        context::PUBLIC,
    },
};
use activitypub_federation::config::Data;
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

/// A local account follows a remote one.
pub async fn follow(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
    row: &follow::Model,
) -> AppResult<()> {
    let activity = Follow {
        kind: Default::default(),
        id: url(&row.ap_id)?,
        actor: url(&follower.ap_id)?.into(),
        object: url(&target.ap_id)?.into(),
    };
    enqueue(
        txn,
        data,
        follower,
        Envelope {
            id: row.id,
            kind: "Follow",
            public: false,
        },
        activity,
        remote_inbox(target),
    )
    .await
}

/// A local account unfollows a remote one: Undo(Follow) with the original Follow inside.
pub async fn undo_follow(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
    row: &follow::Model,
) -> AppResult<()> {
    undo_relation(txn, data, "Follow", &row.ap_id, follower, target).await
}

/// `actor` undoes its `kind` (Follow or Block) `ap_id` of `target`: Undo with the original
/// activity embedded, to the target only.
async fn undo_relation(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    kind: &str,
    ap_id: &str,
    actor: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = Undo {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&actor.ap_id)?.into(),
        object: embedded_activity(kind, ap_id, actor, target),
    };
    enqueue(
        txn,
        data,
        actor,
        Envelope {
            id,
            kind: "Undo",
            public: false,
        },
        activity,
        remote_inbox(target),
    )
    .await
}

fn embedded_activity(
    kind: &str,
    ap_id: &str,
    actor: &actor::Model,
    target: &actor::Model,
) -> Value {
    json!({"type": kind, "id": ap_id, "actor": actor.ap_id, "object": target.ap_id})
}

/// A local account accepts a remote follower.
pub async fn accept_follow(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    target: &actor::Model,
    follower: &actor::Model,
    follow_ap_id: &str,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = AcceptFollow {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&target.ap_id)?.into(),
        object: embedded_activity("Follow", follow_ap_id, follower, target),
    };
    enqueue(
        txn,
        data,
        target,
        Envelope {
            id,
            kind: "Accept",
            public: false,
        },
        activity,
        remote_inbox(follower),
    )
    .await
}

/// A local account refuses (or removes) a remote follower.
pub async fn reject_follow(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    target: &actor::Model,
    follower: &actor::Model,
    follow_ap_id: &str,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = RejectFollow {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&target.ap_id)?.into(),
        object: embedded_activity("Follow", follow_ap_id, follower, target),
    };
    enqueue(
        txn,
        data,
        target,
        Envelope {
            id,
            kind: "Reject",
            public: false,
        },
        activity,
        remote_inbox(follower),
    )
    .await
}

/// A local account was deleted: Delete(actor) to its followers and the accounts it followed.
pub async fn actor_deleted(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
) -> AppResult<()> {
    let mut inboxes = db::actors::follower_inboxes(txn, actor.id).await?;
    inboxes.extend(db::actors::remote_inboxes(txn, actor.id, db::actors::Side::Following).await?);
    let id = data.ids.next();
    let activity = Delete {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&actor.ap_id)?.into(),
        object: Value::String(actor.ap_id.clone()),
        to: vec![url(PUBLIC)?],
        cc: Vec::new(),
    };
    enqueue(
        txn,
        data,
        actor,
        Envelope {
            id,
            kind: "Delete",
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}

/// A local account's profile changed: Update(Person) to its followers.
pub async fn actor_updated(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
) -> AppResult<()> {
    let person = Person::from_model(actor, &data.config.instance.default_language)?;
    send_actor_update(txn, data, actor, person).await
}

/// The node's institution profile changed: Update(Organization) with the whole document (kind,
/// city, languages as well as the ordinary actor fields) to its followers.
pub async fn institution_updated(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
    profile: &institution::Model,
) -> AppResult<()> {
    let organization =
        Organization::from_model(actor, profile, &data.config.instance.default_language)?;
    send_actor_update(txn, data, actor, organization).await
}

/// Update(`object`, the actor's own document) to the actor's followers.
async fn send_actor_update<T: Serialize>(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
    object: T,
) -> AppResult<()> {
    let inboxes = db::actors::follower_inboxes(txn, actor.id).await?;
    let id = data.ids.next();
    let activity = ActorUpdate {
        kind: "Update",
        id: url(&data.urls.activity(id))?,
        actor: url(&actor.ap_id)?,
        object,
        to: vec![url(PUBLIC)?],
    };
    enqueue(
        txn,
        data,
        actor,
        Envelope {
            id,
            kind: "Update",
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}

/// The outgoing `Update` of an actor document (Person, Organization).
#[derive(Serialize)]
struct ActorUpdate<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: Url,
    actor: Url,
    object: T,
    to: Vec<Url>,
}

/// A local account blocks a remote one: Block, to the blocked account only.
pub async fn block(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    blocker: &actor::Model,
    target: &actor::Model,
    row: &crate::db::entity::block::Model,
) -> AppResult<()> {
    let activity = crate::federation::activities::Block {
        kind: Default::default(),
        id: url(&row.ap_id)?,
        actor: url(&blocker.ap_id)?.into(),
        object: url(&target.ap_id)?.into(),
        target: None,
    };
    enqueue(
        txn,
        data,
        blocker,
        Envelope {
            id: row.id,
            kind: "Block",
            public: false,
        },
        activity,
        remote_inbox(target),
    )
    .await
}

/// A local account unblocks a remote one: Undo(Block) with the original Block inside.
pub async fn undo_block(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    blocker: &actor::Model,
    target: &actor::Model,
    row: &crate::db::entity::block::Model,
) -> AppResult<()> {
    undo_relation(txn, data, "Block", &row.ap_id, blocker, target).await
}

/// A local user's report forwarded to the reported account's server: a `Flag` from the
/// instance actor (as Mastodon sends it, so the reporter stays anonymous) naming the account
/// and the reported posts, with the comment as content.
pub async fn flagged(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    report: &crate::db::entity::report::Model,
    target: &actor::Model,
    posts: &[post::Model],
) -> AppResult<()> {
    let instance = &data.instance_actor;
    let mut object = vec![Value::String(target.ap_id.clone())];
    object.extend(posts.iter().map(|p| Value::String(p.ap_id.clone())));
    let activity = crate::federation::activities::Flag {
        kind: Default::default(),
        id: url(&data.urls.activity(report.id))?,
        actor: url(&instance.ap_id)?.into(),
        object: Value::Array(object),
        content: Some(report.comment.clone()),
    };
    enqueue(
        txn,
        data,
        instance,
        Envelope {
            id: report.id,
            kind: "Flag",
            public: false,
        },
        activity,
        remote_inbox(target),
    )
    .await
}
