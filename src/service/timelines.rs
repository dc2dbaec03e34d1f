//! Timelines: the materialised home feed is written when a post becomes visible to local users
//! (fan-out on write, in the caller's transaction), and these hooks are the one place that
//! decides who sees what. Each hook also creates the notifications and stages the streaming
//! events of the change. Mutes and blocks are applied when feeds are read.
//!
//! Hooks: [`post_created`] (local posts), [`remote_post_stored`] (remote Create/Update),
//! [`reblogged`], [`favourited`], [`post_edited`], [`post_deleted`], [`follow_created`],
//! [`follow_accepted`], [`unfollowed`].
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, favourite, follow, media_attachment, post, post_mention},
    },
    error::AppResult,
    service::{
        events::{Event, EventKind},
        notifications,
    },
};
use activitypub_federation::config::Data;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

/// What the hooks need to know about a post's audience.
struct Audience {
    /// Mentioned local actors (not the author).
    mentioned_local: Vec<i64>,
    tags: Vec<String>,
    /// The author of the post it replies to, if known.
    reply_to: Option<i64>,
    author_local: bool,
    media: bool,
}

async fn audience(db: &impl ConnectionTrait, post: &post::Model) -> AppResult<Audience> {
    let mentioned: Vec<i64> = post_mention::Entity::find()
        .select_only()
        .column(post_mention::Column::ActorId)
        .filter(post_mention::Column::PostId.eq(post.id))
        .into_tuple()
        .all(db)
        .await?;
    let mut ids = mentioned.clone();
    ids.push(post.author_id);
    let locals: Vec<(i64, bool)> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .column(actor::Column::Local)
        .filter(actor::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let is_local = |id: i64| locals.iter().any(|(a, l)| *a == id && *l);
    let reply_to = match post.in_reply_to_id {
        Some(parent) => {
            post::Entity::find_by_id(parent)
                .select_only()
                .column(post::Column::AuthorId)
                .into_tuple::<i64>()
                .one(db)
                .await?
        }
        None => None,
    };
    let media = media_attachment::Entity::find()
        .filter(media_attachment::Column::PostId.eq(post.id))
        .count(db)
        .await?
        > 0;
    Ok(Audience {
        mentioned_local: mentioned
            .iter()
            .copied()
            .filter(|id| *id != post.author_id && is_local(*id))
            .collect(),
        tags: db::posts::tags(db, post.id).await?,
        reply_to,
        author_local: is_local(post.author_id),
        media,
    })
}

/// The event announcing a (new or edited) post.
fn post_event(kind: EventKind, post: &post::Model, audience: &Audience) -> Event {
    let public = post.visibility == "public";
    let self_or_no_reply = post.in_reply_to_ap_id.is_none()
        || (post.in_reply_to_id.is_some() && audience.reply_to == Some(post.author_id));
    let mut direct_to = Vec::new();
    if post.visibility == "direct" {
        direct_to.extend(audience.mentioned_local.iter().copied());
        if audience.author_local {
            direct_to.push(post.author_id);
        }
    }
    Event {
        media: audience.media,
        public: public && self_or_no_reply,
        tags: if public {
            audience.tags.clone()
        } else {
            Vec::new()
        },
        home: true,
        direct_to,
        ..Event::post(kind, post.id, post.author_id, post.local)
    }
}

/// A new post (not a boost), local or remote: into the feeds of the author (if local), its
/// local followers (all but direct posts), the mentioned local users (direct and followers-only
/// posts) and the followers of its hashtags (public posts); notifications; an `update` event.
pub async fn post_created(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    post: &post::Model,
) -> AppResult<()> {
    if post.reblog_of_id.is_some() || post.deleted_at.is_some() {
        return Ok(());
    }
    let audience = audience(db, post).await?;
    if post.visibility != "direct" {
        db::timelines::fan_out_to_followers(db, post.id, post.author_id, audience.reply_to, &[])
            .await?;
    }
    let mut owners = Vec::new();
    if audience.author_local {
        owners.push(post.author_id);
    }
    if matches!(post.visibility.as_str(), "direct" | "private") {
        owners.extend(audience.mentioned_local.iter().copied());
    }
    db::timelines::insert_for(db, &owners, post.id, post.author_id).await?;
    if post.visibility == "public" {
        db::timelines::fan_out_to_tag_followers(db, post.id, post.author_id, &audience.tags)
            .await?;
    }
    notifications::post_created(db, data, post, &audience.mentioned_local).await?;
    data.events
        .stage(post_event(EventKind::Update, post, &audience));
    Ok(())
}

/// A remote post was stored (Create, Update or a fetch); `before` is what we had. New posts
/// go through [`post_created`], changed ones through [`post_edited`].
pub async fn remote_post_stored(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    post: &post::Model,
    before: Option<&post::Model>,
) -> AppResult<()> {
    match before {
        None => post_created(db, data, post).await,
        Some(old) if old.content != post.content || old.edited_at != post.edited_at => {
            post_edited(db, data, post).await
        }
        Some(_) => Ok(()),
    }
}

/// An edited post: `update` notifications for its local boosters and a `status.update` event.
pub async fn post_edited(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    post: &post::Model,
) -> AppResult<()> {
    let audience = audience(db, post).await?;
    notifications::updated(db, data, post).await?;
    data.events
        .stage(post_event(EventKind::StatusUpdate, post, &audience));
    Ok(())
}

/// A deleted post or boost: a `delete` event (feeds leave deleted posts out when read).
pub fn post_deleted(data: &Data<AppState>, post: &post::Model) {
    data.events.stage(Event {
        home: true,
        public: true,
        ..Event::post(EventKind::Delete, post.id, post.author_id, post.local)
    });
}

/// A boost of `original` (by a local or remote booster): into the feeds of the booster's local
/// followers who show its boosts (and the booster's own, if local) unless the original or
/// another boost of it is among their latest items; a `reblog` notification; an event.
pub async fn reblogged(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    boost: &post::Model,
    original: &post::Model,
) -> AppResult<()> {
    let mut recent = vec![original.id];
    recent.extend(db::timelines::boost_ids_of(db, original.id, boost.id).await?);
    db::timelines::fan_out_to_followers(db, boost.id, boost.author_id, None, &recent).await?;
    let booster_local = actor::Entity::find_by_id(boost.author_id)
        .select_only()
        .column(actor::Column::Local)
        .into_tuple::<bool>()
        .one(db)
        .await?
        .unwrap_or(false);
    if booster_local {
        db::timelines::insert_boost_for(db, boost.author_id, boost.id, boost.author_id, &recent)
            .await?;
    }
    notifications::reblogged(db, data, boost.author_id, original).await?;
    data.events.stage(Event {
        home: true,
        ..Event::post(EventKind::Update, boost.id, boost.author_id, boost.local)
    });
    Ok(())
}

/// A favourite: a `favourite` notification for the post's local author.
pub async fn favourited(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    fav: &favourite::Model,
    post: &post::Model,
) -> AppResult<()> {
    notifications::favourited(db, data, fav.actor_id, post).await
}

async fn is_local(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    Ok(actor::Entity::find_by_id(id)
        .select_only()
        .column(actor::Column::Local)
        .into_tuple::<bool>()
        .one(db)
        .await?
        .unwrap_or(false))
}

/// A new follow row (accepted or pending): `follow` / `follow_request` for a local followee;
/// an accepted follow also backfills the local follower's feed.
pub async fn follow_created(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    row: &follow::Model,
) -> AppResult<()> {
    notifications::followed(db, data, row).await?;
    if row.accepted {
        follow_accepted(db, data, row).await?;
    }
    Ok(())
}

/// A follow became accepted: the local follower's feed gets the followee's recent posts.
pub async fn follow_accepted(
    db: &impl ConnectionTrait,
    _data: &Data<AppState>,
    row: &follow::Model,
) -> AppResult<()> {
    if is_local(db, row.follower_id).await? {
        db::timelines::backfill(db, row.follower_id, row.followee_id, row.show_reblogs).await?;
    }
    Ok(())
}

/// A follow ended: the followee's entries leave the follower's feed.
pub async fn unfollowed(
    db: &impl ConnectionTrait,
    _data: &Data<AppState>,
    follower_id: i64,
    followee_id: i64,
) -> AppResult<()> {
    db::timelines::remove_author(db, follower_id, followee_id).await
}
