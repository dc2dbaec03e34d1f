//! Outbound activities about posts: Create/Update/Delete of notes, Like, Announce, poll
//! updates and votes, and pins on the `featured` collection.
use super::{Envelope, enqueue, remote_inbox, url};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, favourite, post},
    },
    error::AppResult,
    federation::{
        activities::{Announce, CreateOrUpdateNote, Delete, Like, Undo},
        context::PUBLIC,
        objects::note::note_for_post,
    },
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::DatabaseTransaction;
use serde_json::{Value, json};
use url::Url;

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
        audience: note.audience.clone(),
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
    // Addressed as the boost's visibility: a followers-only boost (a self-boost of a
    // followers-only status) never carries the public collection.
    let followers = booster.followers_url.clone();
    let author_id = (author.id != booster.id).then(|| author.ap_id.clone());
    let (to, cc) = match boost.visibility.as_str() {
        "public" => (vec![Some(PUBLIC.to_string())], vec![followers, author_id]),
        "unlisted" => (vec![followers], vec![Some(PUBLIC.to_string()), author_id]),
        _ => (vec![followers], vec![author_id]),
    };
    let urls = |list: Vec<Option<String>>| -> Vec<Url> {
        list.into_iter()
            .flatten()
            .filter_map(|s| Url::parse(&s).ok())
            .collect()
    };
    let activity = Announce {
        kind: Default::default(),
        id: url(&boost.ap_id)?,
        actor: url(&booster.ap_id)?.into(),
        object: Value::String(original.ap_id.clone()),
        to: urls(to),
        cc: urls(cc),
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
            public: matches!(boost.visibility.as_str(), "public" | "unlisted"),
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
        audience: note.audience.clone(),
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
            audience: None,
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

/// `Add` or `Remove` of a pinned status on its author's `featured` collection, to followers.
async fn featured_changed(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
    kind: &str,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = json!({
        "type": kind,
        "id": data.urls.activity(id),
        "actor": author.ap_id,
        "object": post.ap_id,
        "target": data.urls.featured(&author.username),
        "to": [PUBLIC],
        "cc": [author.followers_url],
    });
    let inboxes = db::actors::follower_inboxes(txn, author.id).await?;
    enqueue(
        txn,
        data,
        author,
        Envelope {
            id,
            kind,
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}

/// A local account pinned one of its public statuses: `Add` to its `featured` collection, as
/// Mastodon sends it, to its followers.
pub async fn status_pinned(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    featured_changed(txn, data, author, post, "Add").await
}

/// A local account unpinned a public status: `Remove` from its `featured` collection.
pub async fn status_unpinned(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    featured_changed(txn, data, author, post, "Remove").await
}
