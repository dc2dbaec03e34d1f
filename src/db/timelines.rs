//! Timeline queries: the materialised home feed (fan-out with one `INSERT … SELECT` per post,
//! backfill on follow, removal on unfollow, paged reads), and the public, hashtag and list
//! timelines read straight from `post`. Written as portable SQL (SQLite and PostgreSQL) with
//! `?` placeholders that [`stmt`] numbers for PostgreSQL.
use crate::{
    db::entity::{home_feed, post},
    db::paging::Cursor,
    db::rows::{Columns, PostRow},
    error::AppResult,
};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, Value, sea_query::OnConflict};
use std::sync::LazyLock;

/// A Mastodon boost of a post already in the last this-many feed items is not inserted again
/// (Mastodon's `FeedManager::REBLOG_FALLOFF`).
pub const REBLOG_FALLOFF: i64 = 40;
/// How many recent posts a new follow brings into the follower's feed.
pub const BACKFILL: i64 = 20;

/// A statement with `?` placeholders, numbered `$n` on PostgreSQL.
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// `?, ?, ?` for `n` values.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Puts `post_id` into the feeds of `author_id`'s local accepted followers — only those who
/// also follow `reply_to` when the post is a reply to someone else (Mastodon's home rule).
/// For a boost, `boost_of` is the original and its earlier boosts: followers who hide the
/// booster's boosts, or who already have one of those among their last [`REBLOG_FALLOFF`] items,
/// are skipped.
pub async fn fan_out_to_followers(
    db: &impl ConnectionTrait,
    post_id: i64,
    author_id: i64,
    reply_to: Option<i64>,
    boost_of: &[i64],
) -> AppResult<u64> {
    let mut sql = String::from(
        "INSERT INTO home_feed (owner_id, post_id, author_id) \
         SELECT f.follower_id, ?, ? FROM follow f JOIN actor a ON a.id = f.follower_id \
         WHERE f.followee_id = ? AND f.accepted = ? AND a.local = ?",
    );
    let mut values: Vec<Value> = vec![
        post_id.into(),
        author_id.into(),
        author_id.into(),
        true.into(),
        true.into(),
    ];
    if let Some(parent_author) = reply_to.filter(|p| *p != author_id) {
        sql.push_str(
            " AND (f.follower_id = ? OR EXISTS (SELECT 1 FROM follow f2 WHERE \
             f2.follower_id = f.follower_id AND f2.followee_id = ? AND f2.accepted = ?))",
        );
        values.extend([parent_author.into(), parent_author.into(), true.into()]);
    }
    if !boost_of.is_empty() {
        sql.push_str(" AND f.show_reblogs = ?");
        values.push(true.into());
        sql.push_str(&recent_boost_guard("f.follower_id", boost_of.len()));
        values.extend(boost_of.iter().map(|id| Value::from(*id)));
        values.push(REBLOG_FALLOFF.into());
    }
    sql.push_str(" ON CONFLICT (owner_id, post_id) DO NOTHING");
    let result = db
        .execute_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    Ok(result.rows_affected())
}

/// `AND NOT EXISTS (one of `n` posts among the owner's last REBLOG_FALLOFF items)`.
fn recent_boost_guard(owner: &str, n: usize) -> String {
    format!(
        " AND NOT EXISTS (SELECT 1 FROM home_feed h WHERE h.owner_id = {owner} \
         AND h.post_id IN ({}) AND (SELECT COUNT(*) FROM home_feed h2 \
         WHERE h2.owner_id = h.owner_id AND h2.post_id > h.post_id) < ?)",
        placeholders(n)
    )
}

/// Puts a boost into one owner's feed (the booster's own), with the same recent-boost rule.
pub async fn insert_boost_for(
    db: &impl ConnectionTrait,
    owner_id: i64,
    boost_id: i64,
    booster_id: i64,
    boost_of: &[i64],
) -> AppResult<()> {
    let sql = format!(
        "INSERT INTO home_feed (owner_id, post_id, author_id) SELECT ?, ?, ? \
         WHERE 1 = 1{} ON CONFLICT (owner_id, post_id) DO NOTHING",
        recent_boost_guard("?", boost_of.len())
    );
    let mut values: Vec<Value> = vec![
        owner_id.into(),
        boost_id.into(),
        booster_id.into(),
        owner_id.into(),
    ];
    values.extend(boost_of.iter().map(|id| Value::from(*id)));
    values.push(REBLOG_FALLOFF.into());
    db.execute_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    Ok(())
}

/// Puts a post into the feeds of `owners` (the author, mentioned users).
pub async fn insert_for(
    db: &impl ConnectionTrait,
    owners: &[i64],
    post_id: i64,
    author_id: i64,
) -> AppResult<()> {
    if owners.is_empty() {
        return Ok(());
    }
    home_feed::Entity::insert_many(owners.iter().map(|&owner| home_feed::ActiveModel {
        owner_id: sea_orm::Set(owner),
        post_id: sea_orm::Set(post_id),
        author_id: sea_orm::Set(author_id),
    }))
    .on_conflict(
        OnConflict::columns([home_feed::Column::OwnerId, home_feed::Column::PostId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Puts a public post into the feeds of the local users who follow one of its hashtags.
pub async fn fan_out_to_tag_followers(
    db: &impl ConnectionTrait,
    post_id: i64,
    author_id: i64,
    tags: &[String],
) -> AppResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO home_feed (owner_id, post_id, author_id) \
         SELECT DISTINCT t.actor_id, ?, ? FROM followed_tag t WHERE t.name IN ({}) \
         ON CONFLICT (owner_id, post_id) DO NOTHING",
        placeholders(tags.len())
    );
    let mut values: Vec<Value> = vec![post_id.into(), author_id.into()];
    values.extend(tags.iter().map(|t| Value::from(t.to_lowercase())));
    db.execute_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    Ok(())
}

/// Removes everything `author_id` put into `owner_id`'s feed (after an unfollow).
pub async fn remove_author(
    db: &impl ConnectionTrait,
    owner_id: i64,
    author_id: i64,
) -> AppResult<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    home_feed::Entity::delete_many()
        .filter(home_feed::Column::OwnerId.eq(owner_id))
        .filter(home_feed::Column::AuthorId.eq(author_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Brings `author_id`'s latest [`BACKFILL`] live public, unlisted and followers-only posts
/// (and boosts, unless hidden) into `owner_id`'s feed.
pub async fn backfill(
    db: &impl ConnectionTrait,
    owner_id: i64,
    author_id: i64,
    with_boosts: bool,
) -> AppResult<()> {
    let boosts = if with_boosts {
        ""
    } else {
        " AND p.reblog_of_id IS NULL"
    };
    let sql = format!(
        "INSERT INTO home_feed (owner_id, post_id, author_id) \
         SELECT ?, s.id, s.author_id FROM (SELECT p.id, p.author_id FROM post p \
         WHERE p.author_id = ? AND p.deleted_at IS NULL \
         AND p.visibility IN ('public', 'unlisted', 'private'){boosts} \
         ORDER BY p.id DESC LIMIT ?) s WHERE 1 = 1 \
         ON CONFLICT (owner_id, post_id) DO NOTHING"
    );
    db.execute_raw(stmt(
        db.get_database_backend(),
        &sql,
        vec![owner_id.into(), author_id.into(), BACKFILL.into()],
    ))
    .await?;
    Ok(())
}

/// Whether `post_id` is in `owner_id`'s feed.
pub async fn in_feed(db: &impl ConnectionTrait, owner_id: i64, post_id: i64) -> AppResult<bool> {
    Ok(home_feed::Entity::find_by_id((owner_id, post_id))
        .one(db)
        .await?
        .is_some())
}

/// `AND col NOT IN (…)` for the authors the viewer muted or blocked.
fn exclude(col: &str, excluded: &[i64], values: &mut Vec<Value>) -> String {
    if excluded.is_empty() {
        return String::new();
    }
    values.extend(excluded.iter().map(|id| Value::from(*id)));
    format!(" AND {col} NOT IN ({})", placeholders(excluded.len()))
}

/// `p."id", p."ap_id", …`: a post's columns in the order [`PostRow`] reads them.
static POST_COLUMNS: LazyLock<String> = LazyLock::new(|| PostRow::select("p"));

/// Runs a page query selecting [`POST_COLUMNS`] and returns the posts newest first.
async fn posts_page(
    db: &impl ConnectionTrait,
    sql: String,
    values: Vec<Value>,
    order: &str,
) -> AppResult<Vec<post::Model>> {
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    let mut posts = rows
        .iter()
        .map(|row| PostRow::read(&mut Columns::new(row, 0)))
        .collect::<Result<Vec<_>, _>>()?;
    if order == "ASC" {
        posts.reverse();
    }
    Ok(posts)
}

/// A page of `owner_id`'s home feed, newest first: live posts not put there by `excluded`.
pub async fn home_page(
    db: &impl ConnectionTrait,
    owner_id: i64,
    window: Cursor,
    excluded: &[i64],
) -> AppResult<Vec<post::Model>> {
    let mut values: Vec<Value> = vec![owner_id.into()];
    let (range, order) = window.sql_clauses("h.post_id", &mut values);
    let not_in = exclude("h.author_id", excluded, &mut values);
    values.push((window.limit as i64).into());
    let cols = &*POST_COLUMNS;
    let sql = format!(
        "SELECT {cols} FROM home_feed h JOIN post p ON p.id = h.post_id \
         WHERE h.owner_id = ?{range}{not_in} AND p.deleted_at IS NULL \
         ORDER BY h.post_id {order} LIMIT ?"
    );
    posts_page(db, sql, values, order).await
}

/// Filters of the public and hashtag timelines.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicFilter {
    /// Only this node's posts.
    pub local: bool,
    /// Only other nodes' posts.
    pub remote: bool,
    /// Only posts with media.
    pub only_media: bool,
}

impl PublicFilter {
    fn clauses(&self, values: &mut Vec<Value>) -> String {
        // Silenced (limited) accounts stay off the public and hashtag timelines; their
        // followers still get their posts at home.
        let mut sql = String::from(
            " AND p.author_id NOT IN (SELECT s.id FROM actor s WHERE s.silenced_at IS NOT NULL)",
        );
        if self.local && !self.remote {
            sql.push_str(" AND p.local = ?");
            values.push(true.into());
        } else if self.remote && !self.local {
            sql.push_str(" AND p.local = ?");
            values.push(false.into());
        }
        if self.only_media {
            sql.push_str(" AND EXISTS (SELECT 1 FROM media_attachment m WHERE m.post_id = p.id)");
        }
        sql
    }
}

/// A page of the public timeline: live public statuses (replies included, boosts not).
pub async fn public_page(
    db: &impl ConnectionTrait,
    filter: PublicFilter,
    window: Cursor,
    excluded: &[i64],
) -> AppResult<Vec<post::Model>> {
    let mut values: Vec<Value> = vec!["public".into()];
    let filters = filter.clauses(&mut values);
    let (range, order) = window.sql_clauses("p.id", &mut values);
    let not_in = exclude("p.author_id", excluded, &mut values);
    values.push((window.limit as i64).into());
    let cols = &*POST_COLUMNS;
    let sql = format!(
        "SELECT {cols} FROM post p WHERE p.visibility = ? AND p.deleted_at IS NULL \
         AND p.reblog_of_id IS NULL{filters}{range}{not_in} ORDER BY p.id {order} LIMIT ?"
    );
    posts_page(db, sql, values, order).await
}

/// Hashtag conditions: any of `any` (the path tag included), all of `all`, none of `none`.
#[derive(Debug, Clone, Default)]
pub struct TagQuery {
    pub any: Vec<String>,
    pub all: Vec<String>,
    pub none: Vec<String>,
}

/// A page of a hashtag timeline (public statuses, no boosts).
pub async fn tag_page(
    db: &impl ConnectionTrait,
    tags: &TagQuery,
    filter: PublicFilter,
    window: Cursor,
    excluded: &[i64],
) -> AppResult<Vec<post::Model>> {
    if tags.any.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = tags.any.iter().map(|t| Value::from(t.clone())).collect();
    let cols = &*POST_COLUMNS;
    let mut sql = format!(
        "SELECT {cols} FROM post p WHERE p.id IN (SELECT t.post_id FROM post_tag t \
         WHERE t.name IN ({})) AND p.visibility = ? AND p.deleted_at IS NULL \
         AND p.reblog_of_id IS NULL",
        placeholders(tags.any.len())
    );
    values.push("public".into());
    for tag in &tags.all {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM post_tag t WHERE t.post_id = p.id AND t.name = ?)",
        );
        values.push(tag.clone().into());
    }
    if !tags.none.is_empty() {
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM post_tag t WHERE t.post_id = p.id AND t.name IN ({}))",
            placeholders(tags.none.len())
        ));
        values.extend(tags.none.iter().map(|t| Value::from(t.clone())));
    }
    sql.push_str(&filter.clauses(&mut values));
    let (range, order) = window.sql_clauses("p.id", &mut values);
    sql.push_str(&range);
    sql.push_str(&exclude("p.author_id", excluded, &mut values));
    sql.push_str(&format!(" ORDER BY p.id {order} LIMIT ?"));
    values.push((window.limit as i64).into());
    posts_page(db, sql, values, order).await
}

/// A page of a list timeline: the owner's home-feed posts by list members, with the list's
/// replies policy (`followed`: replies to people the owner follows; `list`: to list members;
/// `none`: no replies but self-replies).
pub async fn list_page(
    db: &impl ConnectionTrait,
    owner_id: i64,
    list_id: i64,
    replies_policy: &str,
    window: Cursor,
    excluded: &[i64],
) -> AppResult<Vec<post::Model>> {
    let mut values: Vec<Value> = vec![owner_id.into(), list_id.into()];
    let replies = match replies_policy {
        "none" => "",
        "list" => {
            " OR q.author_id IN (SELECT lm.actor_id FROM list_member lm WHERE lm.list_id = ?)"
        }
        _ => {
            " OR q.author_id = ? OR q.author_id IN (SELECT f.followee_id FROM follow f \
             WHERE f.follower_id = ? AND f.accepted = ?)"
        }
    };
    let cols = &*POST_COLUMNS;
    let mut sql = format!(
        "SELECT {cols} FROM home_feed h JOIN post p ON p.id = h.post_id \
         LEFT JOIN post q ON q.id = p.in_reply_to_id \
         WHERE h.owner_id = ? AND h.author_id IN (SELECT m.actor_id FROM list_member m \
         WHERE m.list_id = ?) AND p.deleted_at IS NULL \
         AND (p.in_reply_to_ap_id IS NULL OR q.author_id = p.author_id{replies})"
    );
    match replies_policy {
        "none" => {}
        "list" => values.push(list_id.into()),
        _ => values.extend([owner_id.into(), owner_id.into(), true.into()]),
    }
    let (range, order) = window.sql_clauses("h.post_id", &mut values);
    sql.push_str(&range);
    sql.push_str(&exclude("h.author_id", excluded, &mut values));
    sql.push_str(&format!(" ORDER BY h.post_id {order} LIMIT ?"));
    values.push((window.limit as i64).into());
    posts_page(db, sql, values, order).await
}

/// The actors `viewer` muted (live mutes) or blocked, and those who blocked the viewer: whose
/// posts timelines leave out. One query.
pub async fn excluded_authors(db: &impl ConnectionTrait, viewer: i64) -> AppResult<Vec<i64>> {
    let rows = db
        .query_all_raw(stmt(
            db.get_database_backend(),
            "SELECT target_id AS id FROM mute WHERE actor_id = ? \
             AND (expires_at IS NULL OR expires_at > ?) \
             UNION SELECT target_id AS id FROM block WHERE actor_id = ? \
             UNION SELECT actor_id AS id FROM block WHERE target_id = ?",
            vec![
                viewer.into(),
                chrono::Utc::now().into(),
                viewer.into(),
                viewer.into(),
            ],
        ))
        .await?;
    let mut ids = rows
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// Live boosts of `original_id` (other than `except`).
pub async fn boost_ids_of(
    db: &impl ConnectionTrait,
    original_id: i64,
    except: i64,
) -> AppResult<Vec<i64>> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    Ok(post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .filter(post::Column::ReblogOfId.eq(original_id))
        .filter(post::Column::Id.ne(except))
        .filter(post::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered() {
        let s = stmt(DbBackend::Postgres, "a = ? AND b IN (?, ?)", vec![]);
        assert_eq!(s.sql, "a = $1 AND b IN ($2, $3)");
        let s = stmt(DbBackend::Sqlite, "a = ?", vec![]);
        assert_eq!(s.sql, "a = ?");
    }
}
