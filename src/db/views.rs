//! Batched read models for the client API: everything a page of statuses or accounts needs
//! (actors, counts, the viewer's favourites/boosts/bookmarks, media, mentions, tags, polls,
//! relationships), each loaded with one query per kind for the whole page — never one per item.
//! Account and status counters are columns kept by database triggers (migration 4), read with
//! the rows, never counted per request.
use crate::{
    db::entity::{
        actor, block, follow, media_attachment, mute, oauth_app, poll, poll_vote, post,
        post_mention, post_tag,
    },
    db::timelines::stmt,
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, QuerySelect,
    sea_query::{Alias, Expr},
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

/// An account's counters as Mastodon shows them: statuses (incl. boosts, not deleted, not
/// direct), accepted followers and followees, and the time of the latest status. They are
/// columns of `actor` that database triggers keep (migration 4); the entity leaves them out, so
/// no application code can write them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountStats {
    pub statuses: i64,
    pub followers: i64,
    pub following: i64,
    pub last_status_at: Option<DateTime<Utc>>,
}

impl AccountStats {
    /// The counter columns of an `actor` row in a query result.
    fn from_row(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(AccountStats {
            statuses: row.try_get("", "statuses_count")?,
            followers: row.try_get("", "followers_count")?,
            following: row.try_get("", "following_count")?,
            last_status_at: row.try_get("", "last_status_at")?,
        })
    }
}

/// An actor row with its counters.
#[derive(Debug, Clone)]
pub struct ActorWithStats {
    pub actor: actor::Model,
    pub stats: AccountStats,
}

impl FromQueryResult for ActorWithStats {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(ActorWithStats {
            actor: actor::Model::from_query_result(row, pre)?,
            stats: AccountStats::from_row(row)?,
        })
    }
}

/// `SELECT actor.*, <counters> FROM actor`, for [`ActorWithStats`].
fn select_actor_with_stats() -> sea_orm::Select<actor::Entity> {
    let mut select = actor::Entity::find();
    for column in ACCOUNT_COUNTERS {
        select = select.column_as(Expr::col((actor::Entity, Alias::new(*column))), *column);
    }
    select
}

/// The counter columns of `actor`.
const ACCOUNT_COUNTERS: &[&str] = &[
    "statuses_count",
    "followers_count",
    "following_count",
    "last_status_at",
];

/// Actors by id with their counters, in one query.
pub async fn actors_with_stats(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, ActorWithStats>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(select_actor_with_stats()
        .filter(actor::Column::Id.is_in(ids.iter().copied()))
        .into_model::<ActorWithStats>()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.actor.id, a))
        .collect())
}

/// Counters for each actor (zeros for unknown ids).
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
    let mut select = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::Id.is_in(ids.iter().copied()));
    for column in ACCOUNT_COUNTERS {
        select = select.column_as(Expr::col((actor::Entity, Alias::new(*column))), *column);
    }
    for row in select.into_model::<IdRow<AccountStats>>().all(db).await? {
        stats.insert(row.id, row.value);
    }
    Ok(stats)
}

/// A status's counters (columns of `post` kept by database triggers, migration 4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostCounts {
    pub replies: i64,
    pub reblogs: i64,
    pub favourites: i64,
}

impl PostCounts {
    fn from_row(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(PostCounts {
            replies: row.try_get("", "replies_count")?,
            reblogs: row.try_get("", "reblogs_count")?,
            favourites: row.try_get("", "favourites_count")?,
        })
    }
}

/// An `id` column and a value read from the same row.
struct IdRow<T> {
    id: i64,
    value: T,
}

impl FromQueryResult for IdRow<AccountStats> {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(IdRow {
            id: row.try_get(pre, "id")?,
            value: AccountStats::from_row(row)?,
        })
    }
}

impl FromQueryResult for IdRow<PostCounts> {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(IdRow {
            id: row.try_get(pre, "id")?,
            value: PostCounts::from_row(row)?,
        })
    }
}

/// Replies, boosts and favourites for each post (what this node knows of).
pub async fn post_counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, PostCounts>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut select = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .filter(post::Column::Id.is_in(ids.iter().copied()));
    for column in ["replies_count", "reblogs_count", "favourites_count"] {
        select = select.column_as(Expr::col((post::Entity, Alias::new(column))), column);
    }
    Ok(select
        .into_model::<IdRow<PostCounts>>()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.value))
        .collect())
}

/// What the viewer did to each post.
#[derive(Debug, Clone, Default)]
pub struct ViewerPostState {
    pub favourited: HashSet<i64>,
    pub reblogged: HashSet<i64>,
    pub bookmarked: HashSet<i64>,
}

/// The viewer's favourites, boosts and bookmarks among `ids`, in one query. `+author_id`
/// keeps SQLite off the author index when it has no statistics (it would walk every post of
/// the viewer instead of the page's few boosts: 250 µs against 16 µs measured).
pub async fn viewer_post_state(
    db: &impl ConnectionTrait,
    viewer: i64,
    ids: &[i64],
) -> AppResult<ViewerPostState> {
    let mut state = ViewerPostState::default();
    if ids.is_empty() {
        return Ok(state);
    }
    let list = vec!["?"; ids.len()].join(", ");
    let sql = format!(
        "SELECT 'f' AS kind, post_id AS id FROM favourite WHERE actor_id = ? AND post_id IN ({list}) \
         UNION ALL SELECT 'r' AS kind, reblog_of_id AS id FROM post WHERE +author_id = ? \
         AND reblog_of_id IN ({list}) AND deleted_at IS NULL \
         UNION ALL SELECT 'b' AS kind, post_id AS id FROM bookmark WHERE actor_id = ? \
         AND post_id IN ({list})"
    );
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(3 * (ids.len() + 1));
    for _ in 0..3 {
        values.push(viewer.into());
        values.extend(ids.iter().map(|id| sea_orm::Value::from(*id)));
    }
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        let id: i64 = row.try_get("", "id")?;
        match kind.as_str() {
            "f" => state.favourited.insert(id),
            "r" => state.reblogged.insert(id),
            _ => state.bookmarked.insert(id),
        };
    }
    Ok(state)
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
