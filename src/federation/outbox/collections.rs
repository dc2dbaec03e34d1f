//! Outbound collection activities (issue 5): Create/Update of a collection's
//! `OrderedCollection` (with its items: only readers who may see them receive it), its Delete,
//! `Add`/`Remove` of a resource with the collection as `target`, and the follow handshake —
//! `Follow` of a remote collection, the owner's `Accept`/`Reject`, `Undo(Follow)`.
use super::{Envelope, enqueue, remote_inbox, url};
use crate::{
    AppState,
    db::entity::{actor, collection, collection_follow as follow, resource},
    error::AppResult,
    federation::{
        activities::collections::{
            AnswerCollectionFollow, CollectionActivity, DeleteCollection, FollowCollection,
            ItemActivity, UndoCollectionFollow,
        },
        context::PUBLIC,
        objects::collection::object_of,
    },
};
use activitypub_federation::config::Data;
use sea_orm::DatabaseTransaction;
use serde_json::json;

/// A local collection was created or changed (or reordered): Create/Update(OrderedCollection,
/// with its items) to `inboxes`.
pub async fn collection_published(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: &collection::Model,
    kind: &str,
    inboxes: Vec<String>,
) -> AppResult<()> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let object = object_of(txn, data, c, true).await?;
    let id = data.ids.next();
    let activity = CollectionActivity {
        kind: kind.to_string(),
        id: url(&data.urls.activity(id))?,
        actor: url(&owner.ap_id)?,
        to: object.to.clone(),
        cc: object.cc.clone(),
        object,
    };
    let public = c.visibility == "public";
    enqueue(
        txn,
        data,
        owner,
        Envelope { id, kind, public },
        activity,
        inboxes,
    )
    .await
}

/// A local collection was deleted (or turned private): Delete(Tombstone) to `inboxes`.
pub async fn collection_deleted(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: &collection::Model,
    inboxes: Vec<String>,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = DeleteCollection {
        kind: "Delete".into(),
        id: url(&data.urls.activity(id))?,
        actor: url(&owner.ap_id)?,
        object: json!({"type": "Tombstone", "id": c.ap_id, "formerType": "OrderedCollection"}),
        to: vec![url(PUBLIC)?],
        cc: vec![url(&data.urls.collection_followers(c.id))?],
    };
    let envelope = Envelope {
        id,
        kind: "Delete",
        public: false,
    };
    enqueue(txn, data, owner, envelope, activity, inboxes).await
}

/// `Add` (with the curator's note as `content`) or `Remove` of resource `r` with collection
/// `c` as `target`, to `inboxes`.
#[allow(clippy::too_many_arguments)]
pub async fn collection_item_changed(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: &collection::Model,
    r: &resource::Model,
    note: &str,
    kind: &str,
    inboxes: Vec<String>,
) -> AppResult<()> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let id = data.ids.next();
    let activity = ItemActivity {
        kind: kind.to_string(),
        id: url(&data.urls.activity(id))?,
        actor: url(&owner.ap_id)?,
        object: url(&r.ap_id)?,
        target: json!({"type": "OrderedCollection", "id": c.ap_id}),
        content: (!note.is_empty()).then(|| note.to_string()),
        to: vec![url(&data.urls.collection_followers(c.id))?],
    };
    let envelope = Envelope {
        id,
        kind,
        public: false,
    };
    enqueue(txn, data, owner, envelope, activity, inboxes).await
}

/// Local `follower` asks to follow remote collection `c` (owned by `owner`): `Follow` with id
/// `urls.activity(activity_id)` to the owner's inbox.
pub async fn collection_follow(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    follower: &actor::Model,
    c: &collection::Model,
    owner: &actor::Model,
    activity_id: i64,
) -> AppResult<()> {
    let activity = FollowCollection {
        kind: "Follow".into(),
        id: url(&data.urls.activity(activity_id))?,
        actor: url(&follower.ap_id)?,
        object: url(&c.ap_id)?,
    };
    let envelope = Envelope {
        id: activity_id,
        kind: "Follow",
        public: false,
    };
    enqueue(txn, data, follower, envelope, activity, remote_inbox(owner)).await
}

/// Local `follower` undoes its follow `row` of remote collection `c`.
pub async fn collection_unfollow(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    follower: &actor::Model,
    c: &collection::Model,
    owner: &actor::Model,
    row: &follow::Model,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = UndoCollectionFollow {
        kind: "Undo".into(),
        id: url(&data.urls.activity(id))?,
        actor: url(&follower.ap_id)?,
        object: json!({"type": "Follow", "id": row.ap_id, "actor": follower.ap_id, "object": c.ap_id}),
    };
    let envelope = Envelope {
        id,
        kind: "Undo",
        public: false,
    };
    enqueue(txn, data, follower, envelope, activity, remote_inbox(owner)).await
}

/// The owner of local collection `c` answers (`Accept` or `Reject`) the follow `row` of remote
/// `follower`; the Follow is embedded.
pub async fn collection_follow_answered(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: &collection::Model,
    row: &follow::Model,
    follower: &actor::Model,
    kind: &str,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = AnswerCollectionFollow {
        kind: kind.to_string(),
        id: url(&data.urls.activity(id))?,
        actor: url(&owner.ap_id)?,
        object: json!({"type": "Follow", "id": row.ap_id, "actor": follower.ap_id, "object": c.ap_id}),
    };
    let envelope = Envelope {
        id,
        kind,
        public: false,
    };
    enqueue(txn, data, owner, envelope, activity, remote_inbox(follower)).await
}
