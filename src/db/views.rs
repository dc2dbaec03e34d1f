//! Batched read models for the client API: everything a page of statuses or accounts needs
//! (actors, counts, the viewer's favourites/boosts/bookmarks, media, mentions, tags, polls,
//! relationships), each loaded with one query per kind for the whole page — never one per item.
use crate::{
    db::entity::{
        actor, block, bookmark, favourite, follow, media_attachment, mute, oauth_app, poll,
        poll_vote, post, post_mention, post_tag,
    },
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use std::collections::{HashMap, HashSet};

/// `(key, value)` rows as lists per key, in row order.
fn group_pairs<K: std::hash::Hash + Eq, V>(rows: Vec<(K, V)>) -> HashMap<K, Vec<V>> {
    let mut grouped: HashMap<K, Vec<V>> = HashMap::new();
    for (k, v) in rows {
        grouped.entry(k).or_default().push(v);
    }
    grouped
}

/// Posts by id (deleted ones included; callers decide).
pub async fn posts_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, post::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(post::Entity::find()
        .filter(post::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Actors by id.
pub async fn actors_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, actor::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// An account's counters as Mastodon shows them.
#[derive(Debug, Clone, Default)]
pub struct AccountStats {
    pub statuses: i64,
    pub followers: i64,
    pub following: i64,
    pub last_status_at: Option<DateTime<Utc>>,
}

/// Counters for each actor: statuses (incl. boosts, not deleted, not direct), accepted
/// followers and followees, and the time of the latest status.
pub async fn account_stats(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, AccountStats>> {
    let mut stats: HashMap<i64, AccountStats> = ids
        .iter()
        .map(|id| (*id, AccountStats::default()))
        .collect();
    if ids.is_empty() {
        return Ok(stats);
    }
    let posts: Vec<(i64, i64, Option<DateTime<Utc>>)> = post::Entity::find()
        .select_only()
        .column(post::Column::AuthorId)
        .column_as(Expr::col(post::Column::Id).count(), "n")
        .column_as(Expr::col(post::Column::PublishedAt).max(), "last")
        .filter(post::Column::AuthorId.is_in(ids.iter().copied()))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Visibility.ne("direct"))
        .group_by(post::Column::AuthorId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n, last) in posts {
        if let Some(s) = stats.get_mut(&id) {
            s.statuses = n;
            s.last_status_at = last;
        }
    }
    let followers: Vec<(i64, i64)> = follow::Entity::find()
        .select_only()
        .column(follow::Column::FolloweeId)
        .column_as(Expr::col(follow::Column::Id).count(), "n")
        .filter(follow::Column::FolloweeId.is_in(ids.iter().copied()))
        .filter(follow::Column::Accepted.eq(true))
        .group_by(follow::Column::FolloweeId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in followers {
        if let Some(s) = stats.get_mut(&id) {
            s.followers = n;
        }
    }
    let following: Vec<(i64, i64)> = follow::Entity::find()
        .select_only()
        .column(follow::Column::FollowerId)
        .column_as(Expr::col(follow::Column::Id).count(), "n")
        .filter(follow::Column::FollowerId.is_in(ids.iter().copied()))
        .filter(follow::Column::Accepted.eq(true))
        .group_by(follow::Column::FollowerId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in following {
        if let Some(s) = stats.get_mut(&id) {
            s.following = n;
        }
    }
    Ok(stats)
}

/// A status's counters.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostCounts {
    pub replies: i64,
    pub reblogs: i64,
    pub favourites: i64,
}

/// Replies, boosts and favourites for each post (what this node knows of).
pub async fn post_counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, PostCounts>> {
    let mut counts: HashMap<i64, PostCounts> =
        ids.iter().map(|id| (*id, PostCounts::default())).collect();
    if ids.is_empty() {
        return Ok(counts);
    }
    for (column, field) in [
        (post::Column::InReplyToId, 0usize),
        (post::Column::ReblogOfId, 1usize),
    ] {
        let rows: Vec<(i64, i64)> = post::Entity::find()
            .select_only()
            .column(column)
            .column_as(Expr::col(post::Column::Id).count(), "n")
            .filter(column.is_in(ids.iter().copied()))
            .filter(post::Column::DeletedAt.is_null())
            .group_by(column)
            .into_tuple()
            .all(db)
            .await?;
        for (id, n) in rows {
            if let Some(c) = counts.get_mut(&id) {
                if field == 0 {
                    c.replies = n;
                } else {
                    c.reblogs = n;
                }
            }
        }
    }
    let favourites: Vec<(i64, i64)> = favourite::Entity::find()
        .select_only()
        .column(favourite::Column::PostId)
        .column_as(Expr::col(favourite::Column::Id).count(), "n")
        .filter(favourite::Column::PostId.is_in(ids.iter().copied()))
        .group_by(favourite::Column::PostId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in favourites {
        if let Some(c) = counts.get_mut(&id) {
            c.favourites = n;
        }
    }
    Ok(counts)
}

/// What the viewer did to each post.
#[derive(Debug, Clone, Default)]
pub struct ViewerPostState {
    pub favourited: HashSet<i64>,
    pub reblogged: HashSet<i64>,
    pub bookmarked: HashSet<i64>,
}

/// The viewer's favourites, boosts and bookmarks among `ids`.
pub async fn viewer_post_state(
    db: &impl ConnectionTrait,
    viewer: i64,
    ids: &[i64],
) -> AppResult<ViewerPostState> {
    if ids.is_empty() {
        return Ok(ViewerPostState::default());
    }
    let favourited: Vec<i64> = favourite::Entity::find()
        .select_only()
        .column(favourite::Column::PostId)
        .filter(favourite::Column::ActorId.eq(viewer))
        .filter(favourite::Column::PostId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let reblogged: Vec<Option<i64>> = post::Entity::find()
        .select_only()
        .column(post::Column::ReblogOfId)
        .filter(post::Column::AuthorId.eq(viewer))
        .filter(post::Column::ReblogOfId.is_in(ids.iter().copied()))
        .filter(post::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let bookmarked: Vec<i64> = bookmark::Entity::find()
        .select_only()
        .column(bookmark::Column::PostId)
        .filter(bookmark::Column::ActorId.eq(viewer))
        .filter(bookmark::Column::PostId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ViewerPostState {
        favourited: favourited.into_iter().collect(),
        reblogged: reblogged.into_iter().flatten().collect(),
        bookmarked: bookmarked.into_iter().collect(),
    })
}

/// Media of each post, in order.
pub async fn media_by_post(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<media_attachment::Model>>> {
    let mut by_post: HashMap<i64, Vec<media_attachment::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_post);
    }
    for m in media_attachment::Entity::find()
        .filter(media_attachment::Column::PostId.is_in(ids.iter().copied()))
        .order_by_asc(media_attachment::Column::Position)
        .order_by_asc(media_attachment::Column::Id)
        .all(db)
        .await?
    {
        if let Some(post_id) = m.post_id {
            by_post.entry(post_id).or_default().push(m);
        }
    }
    Ok(by_post)
}

/// Mentioned actor ids of each post.
pub async fn mentions_by_post(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<i64>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = post_mention::Entity::find()
        .select_only()
        .column(post_mention::Column::PostId)
        .column(post_mention::Column::ActorId)
        .filter(post_mention::Column::PostId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(group_pairs(rows))
}

/// Hashtags of each post.
pub async fn tags_by_post(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<String>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::PostId)
        .column(post_tag::Column::Name)
        .filter(post_tag::Column::PostId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(group_pairs(rows))
}

/// Polls of the posts that have one.
pub async fn polls_by_post(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, poll::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(poll::Entity::find()
        .filter(poll::Column::PostId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.post_id, p))
        .collect())
}

/// The viewer's chosen options in each poll.
pub async fn own_votes(
    db: &impl ConnectionTrait,
    viewer: i64,
    post_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<i32>>> {
    if post_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i32)> = poll_vote::Entity::find()
        .select_only()
        .column(poll_vote::Column::PostId)
        .column(poll_vote::Column::Choice)
        .filter(poll_vote::Column::ActorId.eq(viewer))
        .filter(poll_vote::Column::PostId.is_in(post_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(group_pairs(rows))
}

/// OAuth apps by id (the `application` of local statuses).
pub async fn apps_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, oauth_app::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(oauth_app::Entity::find()
        .filter(oauth_app::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// The viewer's side of its relations with `targets`.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    /// Follows from the viewer: target → the follow row.
    pub following: HashMap<i64, follow::Model>,
    /// Follows to the viewer: target → accepted?
    pub followed_by: HashMap<i64, bool>,
    pub blocking: HashSet<i64>,
    pub blocked_by: HashSet<i64>,
    /// target → hides notifications too?
    pub muting: HashMap<i64, mute::Model>,
}

/// Follows, blocks and mutes between the viewer and each target, in five queries.
pub async fn relations(
    db: &impl ConnectionTrait,
    viewer: i64,
    targets: &[i64],
) -> AppResult<Relations> {
    if targets.is_empty() {
        return Ok(Relations::default());
    }
    let t = || targets.iter().copied();
    let following = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(viewer))
        .filter(follow::Column::FolloweeId.is_in(t()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.followee_id, f))
        .collect();
    let followed_by = follow::Entity::find()
        .filter(follow::Column::FolloweeId.eq(viewer))
        .filter(follow::Column::FollowerId.is_in(t()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.follower_id, f.accepted))
        .collect();
    let blocks = block::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(block::Column::ActorId.eq(viewer))
                        .add(block::Column::TargetId.is_in(t())),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(block::Column::TargetId.eq(viewer))
                        .add(block::Column::ActorId.is_in(t())),
                ),
        )
        .all(db)
        .await?;
    let mut blocking = HashSet::new();
    let mut blocked_by = HashSet::new();
    for b in blocks {
        if b.actor_id == viewer {
            blocking.insert(b.target_id);
        } else {
            blocked_by.insert(b.actor_id);
        }
    }
    let now = Utc::now();
    let muting = mute::Entity::find()
        .filter(mute::Column::ActorId.eq(viewer))
        .filter(mute::Column::TargetId.is_in(t()))
        .all(db)
        .await?
        .into_iter()
        .filter(|m| m.expires_at.is_none_or(|e| e > now))
        .map(|m| (m.target_id, m))
        .collect();
    Ok(Relations {
        following,
        followed_by,
        blocking,
        blocked_by,
        muting,
    })
}
