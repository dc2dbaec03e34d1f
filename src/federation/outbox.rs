//! The one door from services to the network: each function builds an activity, works out its
//! recipients (deduplicated by shared inbox) and enqueues it in the caller's transaction, so the
//! change and its deliveries commit together. `service::commit` then wakes the workers.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, favourite, follow, post},
    },
    error::AppResult,
    federation::{
        DomainPolicy,
        activities::{
            AcceptFollow, Announce, CreateOrUpdateNote, Delete, Follow, Like, RejectFollow, Undo,
            UpdatePerson,
        },
        context::{PUBLIC, default_context},
        objects::note::note_for_post,
        urls::host_of,
    },
};
use activitypub_federation::{config::Data, protocol::context::WithContext};
use chrono::Utc;
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use url::Url;

/// What is stored with an activity besides its body.
struct Envelope<'a> {
    /// Row id; the activity's `ap_id` is `urls.activity(id)` unless the activity has its own.
    id: i64,
    kind: &'a str,
    /// Addressed to the public: servable at its id.
    public: bool,
}

/// Stores `activity` (signed later by `actor`) and one delivery per distinct remote inbox.
async fn enqueue<T: Serialize>(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
    envelope: Envelope<'_>,
    activity: T,
    inboxes: impl IntoIterator<Item = String>,
) -> AppResult<()> {
    let Envelope { id, kind, public } = envelope;
    let body = serde_json::to_string(&WithContext::new(activity, default_context()))
        .map_err(|e| anyhow::anyhow!("serialising {kind}: {e}"))?;
    let policy = DomainPolicy::new(&data.config.federation.blocked_domains);
    let unavailable: BTreeSet<String> = db::deliveries::unavailable_hosts(txn)
        .await?
        .into_iter()
        .collect();
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for inbox in inboxes {
        let Ok(url) = Url::parse(&inbox) else {
            continue;
        };
        let Some(host) = host_of(&url) else { continue };
        if data.urls.is_local(&url) || policy.is_blocked(&host) || !seen.insert(inbox.clone()) {
            continue;
        }
        let skip = unavailable.contains(&host);
        rows.push((inbox, host, skip));
    }
    db::deliveries::enqueue(
        txn,
        &data.ids,
        db::deliveries::NewActivity {
            ap_id: &data.urls.activity(id),
            id,
            actor_id: actor.id,
            kind,
            public,
            body: &body,
            inboxes: rows,
        },
    )
    .await
}

fn remote_inbox(actor: &actor::Model) -> Option<String> {
    (!actor.local).then(|| actor.delivery_inbox().to_string())
}

fn url(s: &str) -> AppResult<Url> {
    Ok(Url::parse(s).map_err(|e| anyhow::anyhow!("bad URL {s}: {e}"))?)
}

/// Who receives a post's Create/Update/Delete: followers (unless direct), mentioned remote
/// accounts, and the author of the post it replies to.
async fn post_recipients(
    txn: &DatabaseTransaction,
    author: &actor::Model,
    post: &post::Model,
    parent_author: Option<&actor::Model>,
) -> AppResult<Vec<String>> {
    let mut inboxes = Vec::new();
    if post.visibility != "direct" {
        inboxes.extend(db::actors::follower_inboxes(txn, author.id).await?);
        if let Some(parent_author) = parent_author {
            inboxes.extend(remote_inbox(parent_author));
        }
    }
    for mentioned in db::posts::mentioned_actors(txn, post.id).await? {
        inboxes.extend(remote_inbox(&mentioned));
    }
    Ok(inboxes)
}

async fn parent_author(
    txn: &DatabaseTransaction,
    post: &post::Model,
) -> AppResult<Option<actor::Model>> {
    match post.in_reply_to_id {
        Some(parent) => {
            let parent = db::posts::get_by_id(txn, parent).await?;
            Ok(Some(db::actors::get_by_id(txn, parent.author_id).await?))
        }
        None => Ok(None),
    }
}

async fn create_or_update(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
    kind: &str,
    parent: Option<actor::Model>,
) -> AppResult<()> {
    let note = note_for_post(data, txn, post).await?;
    let id = data.ids.next();
    let public = matches!(post.visibility.as_str(), "public" | "unlisted");
    let activity = CreateOrUpdateNote {
        kind: kind.to_string(),
        id: url(&data.urls.activity(id))?,
        actor: url(&author.ap_id)?.into(),
        to: note.to.clone(),
        cc: note.cc.clone(),
        published: Some(Utc::now()),
        object: note,
    };
    let inboxes = post_recipients(txn, author, post, parent.as_ref()).await?;
    enqueue(
        txn,
        data,
        author,
        Envelope { id, kind, public },
        activity,
        inboxes,
    )
    .await
}

/// A new post: Create(Note).
pub async fn post_created(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
    parent: Option<&post::Model>,
) -> AppResult<()> {
    let parent_author = match parent {
        Some(p) => Some(db::actors::get_by_id(txn, p.author_id).await?),
        None => None,
    };
    create_or_update(txn, data, author, post, "Create", parent_author).await
}

/// An edited post: Update(Note).
pub async fn post_updated(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    let parent = parent_author(txn, post).await?;
    create_or_update(txn, data, author, post, "Update", parent).await
}

/// A deleted post: Delete(Tombstone), to everyone who received it.
pub async fn post_deleted(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    let parent = parent_author(txn, post).await?;
    let inboxes = post_recipients(txn, author, post, parent.as_ref()).await?;
    let id = data.ids.next();
    let activity = Delete {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&author.ap_id)?.into(),
        object: json!({"id": post.ap_id, "type": "Tombstone"}),
        to: vec![url(PUBLIC)?],
        cc: Vec::new(),
    };
    enqueue(
        txn,
        data,
        author,
        Envelope {
            id,
            kind: "Delete",
            public: false,
        },
        activity,
        inboxes,
    )
    .await
}

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
    let id = data.ids.next();
    let activity = Undo {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&follower.ap_id)?.into(),
        object: json!({"type": "Follow", "id": row.ap_id, "actor": follower.ap_id, "object": target.ap_id}),
    };
    enqueue(
        txn,
        data,
        follower,
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

fn embedded_follow(follow_ap_id: &str, follower: &actor::Model, target: &actor::Model) -> Value {
    json!({"type": "Follow", "id": follow_ap_id, "actor": follower.ap_id, "object": target.ap_id})
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
        object: embedded_follow(follow_ap_id, follower, target),
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
        object: embedded_follow(follow_ap_id, follower, target),
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

async fn post_author(txn: &DatabaseTransaction, post: &post::Model) -> AppResult<actor::Model> {
    db::actors::get_by_id(txn, post.author_id).await
}

/// A local account favourites a post: Like to its author.
pub async fn liked(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    liker: &actor::Model,
    post: &post::Model,
    fav: &favourite::Model,
) -> AppResult<()> {
    let author = post_author(txn, post).await?;
    let activity = Like {
        kind: Default::default(),
        id: url(&fav.ap_id)?,
        actor: url(&liker.ap_id)?.into(),
        object: url(&post.ap_id)?.into(),
    };
    enqueue(
        txn,
        data,
        liker,
        Envelope {
            id: fav.id,
            kind: "Like",
            public: false,
        },
        activity,
        remote_inbox(&author),
    )
    .await
}

/// A local account takes a favourite back: Undo(Like).
pub async fn unliked(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    liker: &actor::Model,
    post: &post::Model,
    fav: &favourite::Model,
) -> AppResult<()> {
    let author = post_author(txn, post).await?;
    let id = data.ids.next();
    let activity = Undo {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&liker.ap_id)?.into(),
        object: json!({"type": "Like", "id": fav.ap_id, "actor": liker.ap_id, "object": post.ap_id}),
    };
    enqueue(
        txn,
        data,
        liker,
        Envelope {
            id,
            kind: "Undo",
            public: false,
        },
        activity,
        remote_inbox(&author),
    )
    .await
}

async fn announce_recipients(
    txn: &DatabaseTransaction,
    booster: &actor::Model,
    original: &post::Model,
) -> AppResult<Vec<String>> {
    let mut inboxes = db::actors::follower_inboxes(txn, booster.id).await?;
    inboxes.extend(remote_inbox(&post_author(txn, original).await?));
    Ok(inboxes)
}

/// A local account boosts a post: Announce to its followers and the post's author.
pub async fn announced(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    booster: &actor::Model,
    boost: &post::Model,
    original: &post::Model,
) -> AppResult<()> {
    let author = post_author(txn, original).await?;
    let activity = Announce {
        kind: Default::default(),
        id: url(&boost.ap_id)?,
        actor: url(&booster.ap_id)?.into(),
        object: Value::String(original.ap_id.clone()),
        to: vec![url(PUBLIC)?],
        cc: [booster.followers_url.clone(), Some(author.ap_id.clone())]
            .into_iter()
            .flatten()
            .filter_map(|s| Url::parse(&s).ok())
            .collect(),
        published: Some(boost.published_at),
    };
    let inboxes = announce_recipients(txn, booster, original).await?;
    enqueue(
        txn,
        data,
        booster,
        Envelope {
            id: boost.id,
            kind: "Announce",
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}

/// A local account takes a boost back: Undo(Announce).
pub async fn unannounced(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    booster: &actor::Model,
    boost: &post::Model,
    original: &post::Model,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = Undo {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&booster.ap_id)?.into(),
        object: json!({"type": "Announce", "id": boost.ap_id, "actor": booster.ap_id, "object": original.ap_id}),
    };
    let inboxes = announce_recipients(txn, booster, original).await?;
    enqueue(
        txn,
        data,
        booster,
        Envelope {
            id,
            kind: "Undo",
            public: false,
        },
        activity,
        inboxes,
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
    let inboxes = db::actors::follower_inboxes(txn, actor.id).await?;
    let id = data.ids.next();
    let activity = UpdatePerson {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&actor.ap_id)?.into(),
        object: crate::federation::actors::person::Person::from_model(actor)?,
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
    let id = data.ids.next();
    let activity = Undo {
        kind: Default::default(),
        id: url(&data.urls.activity(id))?,
        actor: url(&blocker.ap_id)?.into(),
        object: json!({"type": "Block", "id": row.ap_id, "actor": blocker.ap_id, "object": target.ap_id}),
    };
    enqueue(
        txn,
        data,
        blocker,
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

/// A local poll's counts changed: Update(Question) to the post's audience and the remote voters.
pub async fn poll_updated(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    let note = note_for_post(data, txn, post).await?;
    let id = data.ids.next();
    let public = matches!(post.visibility.as_str(), "public" | "unlisted");
    let activity = CreateOrUpdateNote {
        kind: "Update".into(),
        id: url(&data.urls.activity(id))?,
        actor: url(&author.ap_id)?.into(),
        to: note.to.clone(),
        cc: note.cc.clone(),
        published: Some(Utc::now()),
        object: note,
    };
    let parent = parent_author(txn, post).await?;
    let mut inboxes = post_recipients(txn, author, post, parent.as_ref()).await?;
    for voter in db::polls::voters(txn, post.id).await? {
        inboxes.extend(remote_inbox(&voter));
    }
    enqueue(
        txn,
        data,
        author,
        Envelope {
            id,
            kind: "Update",
            public,
        },
        activity,
        inboxes,
    )
    .await
}

/// A local account voted in a remote poll: one Create(Note{name: option}) per chosen option,
/// to the poll's author only. `ballots` are `(note id, option title)`.
pub async fn poll_voted(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    voter: &actor::Model,
    author: &actor::Model,
    poll_post: &post::Model,
    ballots: &[(String, String)],
) -> AppResult<()> {
    for (note_id, title) in ballots {
        let note = crate::federation::objects::note::Note::vote(
            url(note_id)?,
            &voter.ap_id,
            &poll_post.ap_id,
            url(&author.ap_id)?,
            title,
        );
        let id = data.ids.next();
        let activity = CreateOrUpdateNote {
            kind: "Create".into(),
            id: url(&data.urls.activity(id))?,
            actor: url(&voter.ap_id)?.into(),
            to: note.to.clone(),
            cc: Vec::new(),
            published: Some(Utc::now()),
            object: note,
        };
        enqueue(
            txn,
            data,
            voter,
            Envelope {
                id,
                kind: "Create",
                public: false,
            },
            activity,
            remote_inbox(author),
        )
        .await?;
    }
    Ok(())
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
