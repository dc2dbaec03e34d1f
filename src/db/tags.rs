//! Hashtag queries: followed tags (paged by row id), tag-name search, the 7-day usage history
//! of tags, and local trends (most used tags, most boosted statuses of the last week). Post ids
//! are snowflakes carrying their publication time, so "since a day" is an id bound.
use crate::{
    db::entity::{followed_tag, post, post_tag},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, Func, LikeExpr, Query},
};
use std::collections::{HashMap, HashSet};

/// The smallest snowflake id of anything published at or after `t`.
pub fn min_id_at(t: DateTime<Utc>) -> i64 {
    std::cmp::max(t.timestamp_millis(), 0) << 16
}

/// A followed tag of an actor by name.
pub async fn find_followed(
    db: &impl ConnectionTrait,
    actor_id: i64,
    name: &str,
) -> AppResult<Option<followed_tag::Model>> {
    Ok(followed_tag::Entity::find()
        .filter(followed_tag::Column::ActorId.eq(actor_id))
        .filter(followed_tag::Column::Name.eq(name))
        .one(db)
        .await?)
}

/// Inserts a followed tag.
pub async fn insert_followed(
    db: &impl ConnectionTrait,
    row: followed_tag::ActiveModel,
) -> AppResult<followed_tag::Model> {
    Ok(row.insert(db).await?)
}

/// Stops following a tag.
pub async fn delete_followed(
    db: &impl ConnectionTrait,
    actor_id: i64,
    name: &str,
) -> AppResult<()> {
    followed_tag::Entity::delete_many()
        .filter(followed_tag::Column::ActorId.eq(actor_id))
        .filter(followed_tag::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}

/// A page of an actor's followed tags, newest first (`min_id` pages forward).
pub async fn followed_page(
    db: &impl ConnectionTrait,
    actor_id: i64,
    max_id: Option<i64>,
    since_id: Option<i64>,
    min_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<followed_tag::Model>> {
    let mut query = followed_tag::Entity::find().filter(followed_tag::Column::ActorId.eq(actor_id));
    if let Some(max) = max_id {
        query = query.filter(followed_tag::Column::Id.lt(max));
    }
    if let Some(since) = since_id {
        query = query.filter(followed_tag::Column::Id.gt(since));
    }
    let mut rows = if let Some(min) = min_id {
        query
            .filter(followed_tag::Column::Id.gt(min))
            .order_by_asc(followed_tag::Column::Id)
            .limit(limit)
            .all(db)
            .await?
    } else {
        query
            .order_by_desc(followed_tag::Column::Id)
            .limit(limit)
            .all(db)
            .await?
    };
    if min_id.is_some() {
        rows.reverse();
    }
    Ok(rows)
}

/// Which of `names` the actor follows.
pub async fn followed_among(
    db: &impl ConnectionTrait,
    actor_id: i64,
    names: &[String],
) -> AppResult<HashSet<String>> {
    if names.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<String> = followed_tag::Entity::find()
        .select_only()
        .column(followed_tag::Column::Name)
        .filter(followed_tag::Column::ActorId.eq(actor_id))
        .filter(followed_tag::Column::Name.is_in(names.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Tag names starting with `prefix` (lowercase, no `#`), most used first.
pub async fn search_names(
    db: &impl ConnectionTrait,
    prefix: &str,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<String>> {
    let escaped: String = prefix
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let rows: Vec<(String, i64)> = post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::Name)
        .column_as(Expr::col(post_tag::Column::PostId).count(), "n")
        .filter(
            Expr::expr(Func::lower(Expr::col(post_tag::Column::Name)))
                .like(LikeExpr::new(format!("{escaped}%")).escape('\\')),
        )
        .group_by(post_tag::Column::Name)
        .order_by_desc(Expr::col(post_tag::Column::PostId).count())
        .order_by_asc(post_tag::Column::Name)
        .limit(limit)
        .offset(offset)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(name, _)| name).collect())
}

/// Uses of a tag on one day: posts and distinct authors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayUse {
    pub uses: i64,
    pub accounts: i64,
}

/// Per tag, the live posts using it since `since` as (published_at, author_id) pairs.
pub async fn uses_since(
    db: &impl ConnectionTrait,
    names: &[String],
    since: DateTime<Utc>,
) -> AppResult<HashMap<String, Vec<(DateTime<Utc>, i64)>>> {
    let mut out: HashMap<String, Vec<(DateTime<Utc>, i64)>> = HashMap::new();
    if names.is_empty() {
        return Ok(out);
    }
    let min = min_id_at(since);
    let tagged: Vec<(i64, String)> = post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::PostId)
        .column(post_tag::Column::Name)
        .filter(post_tag::Column::Name.is_in(names.iter().cloned()))
        .filter(post_tag::Column::PostId.gte(min))
        .into_tuple()
        .all(db)
        .await?;
    if tagged.is_empty() {
        return Ok(out);
    }
    let ids: HashSet<i64> = tagged.iter().map(|(id, _)| *id).collect();
    let posts: Vec<(i64, i64, DateTime<Utc>)> = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::AuthorId)
        .column(post::Column::PublishedAt)
        .filter(post::Column::Id.is_in(ids))
        .filter(post::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let by_id: HashMap<i64, (i64, DateTime<Utc>)> =
        posts.into_iter().map(|(id, a, t)| (id, (a, t))).collect();
    for (post_id, name) in tagged {
        if let Some((author, at)) = by_id.get(&post_id)
            && *at >= since
        {
            out.entry(name).or_default().push((*at, *author));
        }
    }
    Ok(out)
}

fn public_live_posts_since(min: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(post::Column::Id)
        .from(post::Entity)
        .and_where(post::Column::Id.gte(min))
        .and_where(post::Column::DeletedAt.is_null())
        .and_where(post::Column::Visibility.eq("public"))
        .to_owned()
}

/// The tags used in the most public posts since `since`, with their counts.
pub async fn trending(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<(String, i64)>> {
    Ok(post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::Name)
        .column_as(Expr::col(post_tag::Column::PostId).count(), "n")
        .filter(post_tag::Column::PostId.gte(min_id_at(since)))
        .filter(post_tag::Column::PostId.in_subquery(public_live_posts_since(min_id_at(since))))
        .group_by(post_tag::Column::Name)
        .order_by_desc(Expr::col(post_tag::Column::PostId).count())
        .order_by_asc(post_tag::Column::Name)
        .limit(limit)
        .offset(offset)
        .into_tuple()
        .all(db)
        .await?)
}

/// Public posts published since `since` that were boosted most since then, most boosted first.
pub async fn most_boosted(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<i64>> {
    let min = min_id_at(since);
    let rows: Vec<(Option<i64>, i64)> = post::Entity::find()
        .select_only()
        .column(post::Column::ReblogOfId)
        .column_as(Expr::col(post::Column::Id).count(), "n")
        .filter(post::Column::Id.gte(min))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::ReblogOfId.in_subquery(public_live_posts_since(min)))
        .group_by(post::Column::ReblogOfId)
        .order_by_desc(Expr::col(post::Column::Id).count())
        .order_by_desc(post::Column::ReblogOfId)
        .limit(limit)
        .offset(offset)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, _)| id).collect())
}
