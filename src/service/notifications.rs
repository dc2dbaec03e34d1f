//! Notifications: who is told about what (mentions, boosts, favourites, follows and follow
//! requests, posts of accounts one asked to be notified about, edits of boosted posts, and the
//! admin kinds), created in the caller's transaction. Nobody is notified about themselves, about
//! actors they blocked (or who blocked them) or muted with notifications hidden, about a
//! conversation they muted, or twice about the same thing. Ended polls notify author and
//! voters. Each new notification stages a streaming event.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, follow, local_user, notification, post},
    },
    error::AppResult,
    service::events::Event,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QuerySelect, Set};

/// Every notification type Halqa creates (Mastodon's names; never invent new ones).
pub const KINDS: [&str; 12] = [
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
    "moderation_warning",
    "move",
];

/// Notifies local `recipient` of `kind` from `from` (about `post_id`), unless it is about
/// themselves, silenced or a duplicate. Returns the new row.
pub async fn notify(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    recipient: i64,
    kind: &str,
    from: i64,
    post_id: Option<i64>,
) -> AppResult<Option<notification::Model>> {
    if recipient == from
        || db::notifications::silenced(db, recipient, from).await?
        || conversation_muted(db, recipient, post_id).await?
        || db::notifications::find_duplicate(db, recipient, kind, from, post_id).await?
    {
        return Ok(None);
    }
    let row = db::notifications::insert(
        db,
        notification::ActiveModel {
            id: Set(data.ids.next()),
            recipient_id: Set(recipient),
            kind: Set(kind.to_string()),
            from_actor_id: Set(from),
            post_id: Set(post_id),
            report_id: Set(None),
            created_at: Set(Utc::now()),
            group_key: NotSet,
        },
    )
    .await?;
    data.events
        .stage(Event::notification(row.id, recipient, from));
    Ok(Some(row))
}

/// Whether `recipient` muted the conversation `post_id` is part of.
async fn conversation_muted(
    db: &impl ConnectionTrait,
    recipient: i64,
    post_id: Option<i64>,
) -> AppResult<bool> {
    match post_id {
        Some(post_id) => db::posts::threads::in_muted_conversation(db, recipient, post_id).await,
        None => Ok(false),
    }
}

/// A poll ended: its local author and each local voter in `voters` get `poll` (from the
/// author, as Mastodon sends it — the author's own one included), once.
pub async fn poll_ended(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    post: &post::Model,
    voters: &[i64],
) -> AppResult<()> {
    let author = post.author_id;
    let mut recipients = local_only(db, &[author]).await?;
    recipients.extend(voters.iter().filter(|v| **v != author));
    for recipient in recipients {
        if (recipient != author && db::notifications::silenced(db, recipient, author).await?)
            || conversation_muted(db, recipient, Some(post.id)).await?
            || db::notifications::find_duplicate(db, recipient, "poll", author, Some(post.id))
                .await?
        {
            continue;
        }
        let row = db::notifications::insert(
            db,
            notification::ActiveModel {
                id: Set(data.ids.next()),
                recipient_id: Set(recipient),
                kind: Set("poll".into()),
                from_actor_id: Set(author),
                post_id: Set(Some(post.id)),
                report_id: Set(None),
                created_at: Set(Utc::now()),
                group_key: NotSet,
            },
        )
        .await?;
        data.events
            .stage(Event::notification(row.id, recipient, author));
    }
    Ok(())
}

/// The local ones among `ids`.
async fn local_only(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::Id.is_in(ids.iter().copied()))
        .filter(actor::Column::Local.eq(true))
        .filter(actor::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// A new post: `mention` for the local users it mentions, `status` for local followers who
/// asked to be notified of the author's posts (not for direct posts).
pub async fn post_created(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    post: &post::Model,
    mentioned_local: &[i64],
) -> AppResult<()> {
    for &recipient in mentioned_local {
        notify(
            db,
            data,
            recipient,
            "mention",
            post.author_id,
            Some(post.id),
        )
        .await?;
    }
    if post.visibility != "direct" {
        let followers = db::notifications::notify_followers(db, post.author_id).await?;
        for recipient in local_only(db, &followers).await? {
            if !mentioned_local.contains(&recipient) {
                notify(db, data, recipient, "status", post.author_id, Some(post.id)).await?;
            }
        }
    }
    Ok(())
}

/// `booster` boosted `original`: its local author hears of it.
pub async fn reblogged(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    booster: i64,
    original: &post::Model,
) -> AppResult<()> {
    if local_only(db, &[original.author_id]).await?.is_empty() {
        return Ok(());
    }
    notify(
        db,
        data,
        original.author_id,
        "reblog",
        booster,
        Some(original.id),
    )
    .await?;
    Ok(())
}

/// `liker` favourited `post`: its local author hears of it.
pub async fn favourited(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    liker: i64,
    post: &post::Model,
) -> AppResult<()> {
    if local_only(db, &[post.author_id]).await?.is_empty() {
        return Ok(());
    }
    notify(db, data, post.author_id, "favourite", liker, Some(post.id)).await?;
    Ok(())
}

/// A follow (or a pending request) of a local account.
pub async fn followed(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    row: &follow::Model,
) -> AppResult<()> {
    if local_only(db, &[row.followee_id]).await?.is_empty() {
        return Ok(());
    }
    let kind = if row.accepted {
        "follow"
    } else {
        "follow_request"
    };
    notify(db, data, row.followee_id, kind, row.follower_id, None).await?;
    Ok(())
}

/// `post` was edited: the local users who boosted it get `update`.
pub async fn updated(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    post: &post::Model,
) -> AppResult<()> {
    let boosters: Vec<i64> = post::Entity::find()
        .select_only()
        .column(post::Column::AuthorId)
        .filter(post::Column::ReblogOfId.eq(post.id))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Local.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    for recipient in boosters {
        // Each edit is news: no de-duplication against earlier edits.
        if recipient == post.author_id
            || db::notifications::silenced(db, recipient, post.author_id).await?
            || conversation_muted(db, recipient, Some(post.id)).await?
        {
            continue;
        }
        let row = db::notifications::insert(
            db,
            notification::ActiveModel {
                id: Set(data.ids.next()),
                recipient_id: Set(recipient),
                kind: Set("update".into()),
                from_actor_id: Set(post.author_id),
                post_id: Set(Some(post.id)),
                report_id: Set(None),
                created_at: Set(Utc::now()),
                group_key: NotSet,
            },
        )
        .await?;
        data.events
            .stage(Event::notification(row.id, recipient, post.author_id));
    }
    Ok(())
}

/// The actor ids of local staff (admins and moderators).
async fn staff(db: &impl ConnectionTrait) -> AppResult<Vec<i64>> {
    Ok(local_user::Entity::find()
        .select_only()
        .column(local_user::Column::ActorId)
        .filter(local_user::Column::Role.is_in(["admin", "moderator"]))
        .into_tuple()
        .all(db)
        .await?)
}

/// A new account signed up: staff get `admin.sign_up` (hook for the registration path).
pub async fn admin_sign_up(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    new_actor_id: i64,
) -> AppResult<()> {
    for recipient in staff(db).await? {
        notify(db, data, recipient, "admin.sign_up", new_actor_id, None).await?;
    }
    Ok(())
}

/// A report was filed: staff get `admin.report` (hook for the reports path).
pub async fn admin_report(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    reporter_id: i64,
    report_id: i64,
) -> AppResult<()> {
    for recipient in staff(db).await? {
        if recipient == reporter_id {
            continue;
        }
        let row = db::notifications::insert(
            db,
            notification::ActiveModel {
                id: Set(data.ids.next()),
                recipient_id: Set(recipient),
                kind: Set("admin.report".into()),
                from_actor_id: Set(reporter_id),
                post_id: Set(None),
                report_id: Set(Some(report_id)),
                created_at: Set(Utc::now()),
                group_key: NotSet,
            },
        )
        .await?;
        data.events
            .stage(Event::notification(row.id, recipient, reporter_id));
    }
    Ok(())
}
