//! Batched read models for the client API: everything a page of statuses or accounts needs
//! (actors, counts, the viewer's favourites/boosts/bookmarks, media, mentions, tags, polls,
//! relationships), loaded for the whole page at once — never one query per item. The small
//! per-post facts share one query ([`page_extras`]); the wider rows one query per kind.
//! Account and status counters are columns kept by database triggers (migration 4), read with
//! the rows, never counted per request.
use crate::{
    db::entity::{actor, block, follow, media_attachment, mute, oauth_app, poll, poll_vote, post},
    db::rows::{ActorDisplayRow, Columns},
    db::timelines::{placeholders, stmt},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, QuerySelect,
    sea_query::{Alias, Expr},
};
use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

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

/// An actor row as shown (no keys or endpoints: [`ActorDisplayRow`]) with its counters.
#[derive(Debug, Clone)]
pub struct ActorWithStats {
    pub actor: actor::Model,
    pub stats: AccountStats,
}

impl ActorWithStats {
    /// An actor's columns in [`ActorDisplayRow`] order, then its counters in
    /// [`ACCOUNT_COUNTERS`] order.
    fn read(row: &QueryResult) -> Result<Self, DbErr> {
        let mut columns = Columns::new(row, 0);
        Ok(ActorWithStats {
            actor: ActorDisplayRow::read(&mut columns)?,
            stats: AccountStats {
                statuses: columns.value()?,
                followers: columns.value()?,
                following: columns.value()?,
                last_status_at: columns.value()?,
            },
        })
    }
}

/// `SELECT <actor columns>, <counters> FROM actor a WHERE a.id IN (`, for
/// [`ActorWithStats::read`]; the caller closes the list.
static SELECT_ACTOR_WITH_STATS: LazyLock<String> = LazyLock::new(|| {
    let counters = ACCOUNT_COUNTERS
        .iter()
        .map(|c| format!("a.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {}, {counters} FROM actor a WHERE a.id IN (",
        ActorDisplayRow::select("a")
    )
});

/// The counter columns of `actor`.
const ACCOUNT_COUNTERS: &[&str] = &[
    "statuses_count",
    "followers_count",
    "following_count",
    "last_status_at",
];

/// Actors by id with their counters, in one query, for showing as accounts: their keys and
/// endpoints are not read (left empty; see [`ActorDisplayRow`]).
pub async fn actors_with_stats(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, ActorWithStats>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!("{}{})", *SELECT_ACTOR_WITH_STATS, placeholders(ids.len()));
    let values = ids.iter().map(|id| sea_orm::Value::from(*id)).collect();
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| ActorWithStats::read(row).map(|a| (a.actor.id, a)))
        .collect::<Result<_, _>>()
        .map_err(Into::into)
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

/// Bits of [`PageExtraRow::flags`]: what a post has, and what the viewer did to it.
mod flag {
    pub const MEDIA: i64 = 1;
    pub const POLL: i64 = 2;
    pub const PLN_OBJECT: i64 = 4;
    pub const FAVOURITED: i64 = 8;
    pub const REBLOGGED: i64 = 16;
    pub const BOOKMARKED: i64 = 32;
    pub const PINNED: i64 = 64;
}

/// What the viewer did to each post of a page.
#[derive(Debug, Clone, Default)]
pub struct ViewerPostState {
    pub favourited: HashSet<i64>,
    pub reblogged: HashSet<i64>,
    pub bookmarked: HashSet<i64>,
    pub pinned: HashSet<i64>,
    /// Roots of the conversations the viewer muted (all of them, not only the page's).
    pub muted_roots: HashSet<i64>,
}

/// The small per-post facts of a page, read together by [`page_extras`].
#[derive(Debug, Clone, Default)]
pub struct PageExtras {
    pub counts: HashMap<i64, PostCounts>,
    /// Mentioned actor ids of each post.
    pub mentions: HashMap<i64, Vec<i64>>,
    /// Hashtags of each post.
    pub tags: HashMap<i64, Vec<String>>,
    /// Posts with media attachments, a poll, or a PLN object (mentorship offer, teaching
    /// resource) shown as them: only these need the (rarer, wider) media, poll and PLN rows.
    pub with_media: Vec<i64>,
    pub with_poll: Vec<i64>,
    pub with_pln_object: Vec<i64>,
    /// Present when the page is read by a signed-in viewer.
    pub viewer: Option<ViewerPostState>,
}

/// One row of the `page_extras` union: `kind` says which branch it comes from.
struct PageExtraRow {
    kind: String,
    post_id: i64,
    a: i64,
    b: i64,
    c: i64,
    flags: i64,
    text: Option<String>,
}

impl PageExtraRow {
    /// The columns in the union's order (`kind, post_id, a, b, c, flags, s`), by position.
    fn read(row: &QueryResult) -> Result<Self, DbErr> {
        let mut columns = Columns::new(row, 0);
        Ok(PageExtraRow {
            kind: columns.value()?,
            post_id: columns.value()?,
            a: columns.value()?,
            b: columns.value()?,
            c: columns.value()?,
            flags: columns.value()?,
            text: columns.value()?,
        })
    }
}

/// Counters, mentions, hashtags, which posts have media/polls/offers, and (for a viewer) its
/// favourites, boosts, bookmarks, pins and muted conversations, for the content posts `ids`
/// of a page — in one `UNION ALL` query instead of seven. Each sea-orm/sqlx round trip costs
/// about 200–300 µs of CPU on SQLite, far more than these index lookups (docs/benchmarks.md).
/// `+author_id` keeps SQLite off the author index when it has no statistics (it would walk every
/// post of the viewer instead of the few boosts of one post).
pub async fn page_extras(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    ids: &[i64],
) -> AppResult<PageExtras> {
    let mut extras = PageExtras {
        viewer: viewer.map(|_| ViewerPostState::default()),
        ..Default::default()
    };
    if ids.is_empty() {
        return Ok(extras);
    }
    let list = placeholders(ids.len());
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(4 * ids.len() + 6);
    let mut flags = format!(
        "CASE WHEN EXISTS (SELECT 1 FROM media_attachment m WHERE m.post_id = p.id) THEN {} ELSE 0 END \
         + CASE WHEN EXISTS (SELECT 1 FROM poll pl WHERE pl.post_id = p.id) THEN {} ELSE 0 END \
         + CASE WHEN EXISTS (SELECT 1 FROM mentorship_offer o WHERE o.note_ap_id = p.ap_id) \
           OR EXISTS (SELECT 1 FROM resource rs WHERE rs.note_ap_id = p.ap_id AND rs.deleted_at IS NULL) \
           OR EXISTS (SELECT 1 FROM collection cl WHERE cl.note_ap_id = p.ap_id AND cl.deleted_at IS NULL) \
           THEN {} ELSE 0 END",
        flag::MEDIA,
        flag::POLL,
        flag::PLN_OBJECT
    );
    if let Some(viewer) = viewer {
        flags.push_str(&format!(
            " + CASE WHEN EXISTS (SELECT 1 FROM favourite f WHERE f.actor_id = ? AND f.post_id = p.id) THEN {} ELSE 0 END \
             + CASE WHEN EXISTS (SELECT 1 FROM post r WHERE r.reblog_of_id = p.id AND +r.author_id = ? \
               AND r.deleted_at IS NULL) THEN {} ELSE 0 END \
             + CASE WHEN EXISTS (SELECT 1 FROM bookmark bm WHERE bm.actor_id = ? AND bm.post_id = p.id) THEN {} ELSE 0 END \
             + CASE WHEN EXISTS (SELECT 1 FROM status_pin sp WHERE sp.actor_id = ? AND sp.post_id = p.id) THEN {} ELSE 0 END",
            flag::FAVOURITED,
            flag::REBLOGGED,
            flag::BOOKMARKED,
            flag::PINNED
        ));
        values.extend((0..4).map(|_| sea_orm::Value::from(viewer)));
    }
    let mut sql = format!(
        "SELECT 'p' AS kind, p.id AS post_id, CAST(p.replies_count AS BIGINT) AS a, \
         CAST(p.reblogs_count AS BIGINT) AS b, CAST(p.favourites_count AS BIGINT) AS c, \
         CAST({flags} AS BIGINT) AS flags, CAST(NULL AS TEXT) AS s \
         FROM post p WHERE p.id IN ({list}) \
         UNION ALL SELECT 'm', pm.post_id, pm.actor_id, 0, 0, 0, NULL \
         FROM post_mention pm WHERE pm.post_id IN ({list}) \
         UNION ALL SELECT 't', pt.post_id, 0, 0, 0, 0, pt.name \
         FROM post_tag pt WHERE pt.post_id IN ({list})"
    );
    for _ in 0..3 {
        values.extend(ids.iter().map(|id| sea_orm::Value::from(*id)));
    }
    if let Some(viewer) = viewer {
        sql.push_str(
            " UNION ALL SELECT 'x', cm.root_post_id, 0, 0, 0, 0, NULL \
             FROM conversation_mute cm WHERE cm.actor_id = ?",
        );
        values.push(viewer.into());
    }
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    for row in rows {
        let row = PageExtraRow::read(&row)?;
        match row.kind.as_str() {
            "p" => {
                extras.counts.insert(
                    row.post_id,
                    PostCounts {
                        replies: row.a,
                        reblogs: row.b,
                        favourites: row.c,
                    },
                );
                for (bit, list) in [
                    (flag::MEDIA, &mut extras.with_media),
                    (flag::POLL, &mut extras.with_poll),
                    (flag::PLN_OBJECT, &mut extras.with_pln_object),
                ] {
                    if row.flags & bit != 0 {
                        list.push(row.post_id);
                    }
                }
                if let Some(state) = extras.viewer.as_mut() {
                    for (bit, set) in [
                        (flag::FAVOURITED, &mut state.favourited),
                        (flag::REBLOGGED, &mut state.reblogged),
                        (flag::BOOKMARKED, &mut state.bookmarked),
                        (flag::PINNED, &mut state.pinned),
                    ] {
                        if row.flags & bit != 0 {
                            set.insert(row.post_id);
                        }
                    }
                }
            }
            "m" => extras.mentions.entry(row.post_id).or_default().push(row.a),
            "t" => {
                if let Some(name) = row.text {
                    extras.tags.entry(row.post_id).or_default().push(name);
                }
            }
            _ => {
                if let Some(state) = extras.viewer.as_mut() {
                    state.muted_roots.insert(row.post_id);
                }
            }
        }
    }
    Ok(extras)
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
