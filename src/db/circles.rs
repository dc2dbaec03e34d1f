//! Queries on circles: the `circle` row of a local circle, the `circle_post` links (posts
//! shared to a local circle, their boosts and removals), and the list and full-text search of
//! every known circle (`actor` rows of kind `Group`, local and remote; migration 12 indexes
//! them in `circle_search` on SQLite and `actor.circle_search_vector` on PostgreSQL).
use crate::{
    db::{
        entity::{actor, circle, circle_post, post},
        paging::Cursor,
        pln_search::SearchTerms,
    },
    error::AppResult,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    Select, Set,
    sea_query::{Expr, ExprTrait, Func},
};

/// The `circle` row of local circle `actor_id`, if it is one.
pub async fn find(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<Option<circle::Model>> {
    Ok(circle::Entity::find_by_id(actor_id).one(db).await?)
}

/// The `circle` rows of several circles (local ones only have one).
pub async fn find_many(
    db: &impl ConnectionTrait,
    actor_ids: &[i64],
) -> AppResult<Vec<circle::Model>> {
    if actor_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(circle::Entity::find()
        .filter(circle::Column::ActorId.is_in(actor_ids.iter().copied()))
        .all(db)
        .await?)
}

pub async fn insert(
    db: &impl ConnectionTrait,
    row: circle::ActiveModel,
) -> AppResult<circle::Model> {
    Ok(row.insert(db).await?)
}

/// Replaces a circle's moderators (JSON list of actor ids) and rules.
pub async fn update(
    db: &impl ConnectionTrait,
    row: circle::Model,
    moderators: &[i64],
    rules: String,
) -> AppResult<circle::Model> {
    let mut active: circle::ActiveModel = row.into();
    active.moderators = Set(serde_json::to_string(moderators).unwrap_or_else(|_| "[]".into()));
    active.rules = Set(rules);
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// What a list of circles is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CircleFilter {
    pub subject: Option<String>,
    pub level: Option<String>,
    pub language: Option<String>,
    /// Case-insensitive exact region.
    pub region: Option<String>,
    /// `true`: this node's only; `false`: other nodes' only.
    pub local: Option<bool>,
}

fn contains_code(col: actor::Column, code: &str) -> Condition {
    Condition::all().add(col.like(format!("%\"{}\"%", code.replace(['%', '_', '"'], ""))))
}

/// Live `Group` actors matching `filter`.
pub fn matching(filter: &CircleFilter) -> Select<actor::Entity> {
    let mut query = actor::Entity::find()
        .filter(actor::Column::Kind.eq("Group"))
        .filter(actor::Column::DeletedAt.is_null());
    if let Some(s) = &filter.subject {
        query = query.filter(contains_code(actor::Column::Subjects, s));
    }
    if let Some(l) = &filter.level {
        query = query.filter(contains_code(actor::Column::Levels, l));
    }
    if let Some(l) = &filter.language {
        query = query.filter(contains_code(actor::Column::Languages, l));
    }
    if let Some(r) = &filter.region {
        query = query.filter(ExprTrait::eq(
            Expr::expr(Func::lower(Expr::col((
                actor::Entity,
                actor::Column::Region,
            )))),
            r.to_lowercase(),
        ));
    }
    if let Some(local) = filter.local {
        query = query.filter(actor::Column::Local.eq(local));
    }
    query
}

/// `actor.id` among the circles whose indexed text matches `terms`.
fn text_condition(backend: DbBackend, terms: &SearchTerms) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            "\"actor\".\"circle_search_vector\" @@ to_tsquery('simple'::regconfig, $1)",
            [terms.tsquery()],
        ),
        _ => Expr::cust_with_values(
            "\"actor\".\"id\" IN (SELECT rowid FROM circle_search WHERE circle_search MATCH ?)",
            [terms.fts5_match()],
        ),
    }
}

/// Circles matching `filter` and (when there are any) `terms`, newest first, paged by id.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &CircleFilter,
    terms: &SearchTerms,
    cursor: Cursor,
) -> AppResult<Vec<actor::Model>> {
    let mut query = matching(filter);
    if !terms.is_empty() {
        query = query.filter(text_condition(db.get_database_backend(), terms));
    }
    let rows = cursor.apply(query, actor::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

/// The link of `post_id` to local circle `circle_id`, if it was shared there.
pub async fn find_post(
    db: &impl ConnectionTrait,
    circle_id: i64,
    post_id: i64,
) -> AppResult<Option<circle_post::Model>> {
    Ok(circle_post::Entity::find_by_id((circle_id, post_id))
        .one(db)
        .await?)
}

/// The circles `post_id` is shared in (not removed by a moderator).
pub async fn circles_of_post(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> AppResult<Vec<circle_post::Model>> {
    Ok(circle_post::Entity::find()
        .filter(circle_post::Column::PostId.eq(post_id))
        .filter(circle_post::Column::RemovedAt.is_null())
        .all(db)
        .await?)
}

/// Records that `post_id` was shared to `circle_id` and boosted there as `boost_id`.
pub async fn insert_post(
    db: &impl ConnectionTrait,
    circle_id: i64,
    post_id: i64,
    boost_id: i64,
) -> AppResult<()> {
    circle_post::ActiveModel {
        circle_id: Set(circle_id),
        post_id: Set(post_id),
        boost_id: Set(Some(boost_id)),
        removed_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Marks a shared post removed by a moderator.
pub async fn mark_post_removed(
    db: &impl ConnectionTrait,
    row: circle_post::Model,
) -> AppResult<()> {
    let mut active: circle_post::ActiveModel = row.into();
    active.removed_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(())
}

/// Whether `booster_id` ever boosted `post_id` here (its boost may be taken back since).
pub async fn ever_boosted(
    db: &impl ConnectionTrait,
    booster_id: i64,
    post_id: i64,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::AuthorId.eq(booster_id))
        .filter(post::Column::ReblogOfId.eq(post_id))
        .one(db)
        .await?)
}
