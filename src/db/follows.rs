//! Queries on `follow`: find, insert, accept, remove, and the paged follower/following lists.
use crate::{
    db::entity::{actor, follow},
    error::AppResult,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set, sea_query::Expr,
};

/// The follow from `follower_id` to `followee_id`, if any (pending or accepted).
pub async fn find(
    db: &impl ConnectionTrait,
    follower_id: i64,
    followee_id: i64,
) -> AppResult<Option<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(follower_id))
        .filter(follow::Column::FolloweeId.eq(followee_id))
        .one(db)
        .await?)
}

/// A follow by its Follow activity id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Inserts a follow, or returns the existing one for the same pair.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: follow::ActiveModel,
    follower_id: i64,
    followee_id: i64,
) -> AppResult<follow::Model> {
    if let Some(existing) = find(db, follower_id, followee_id).await? {
        return Ok(existing);
    }
    Ok(row.insert(db).await?)
}

/// Marks a follow accepted.
pub async fn accept(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    follow::Entity::update_many()
        .col_expr(follow::Column::Accepted, Expr::value(true))
        .filter(follow::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes a follow.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    follow::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Removes every follow from or to an actor (the actor was deleted).
pub async fn delete_all_of(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<()> {
    follow::Entity::delete_many()
        .filter(
            follow::Column::FollowerId
                .eq(actor_id)
                .or(follow::Column::FolloweeId.eq(actor_id)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Accepted followers (`followers = true`) or followees of an actor, newest follow first,
/// below `max_id` (a follow id).
pub async fn list_accepted(
    db: &impl ConnectionTrait,
    actor_id: i64,
    followers: bool,
    max_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<(i64, actor::Model)>> {
    let (own, other) = if followers {
        (follow::Column::FolloweeId, follow::Relation::Follower)
    } else {
        (follow::Column::FollowerId, follow::Relation::Followee)
    };
    let mut query = follow::Entity::find()
        .filter(own.eq(actor_id))
        .filter(follow::Column::Accepted.eq(true));
    if let Some(max_id) = max_id {
        query = query.filter(follow::Column::Id.lt(max_id));
    }
    let rows = query
        .join(JoinType::InnerJoin, other.def())
        .filter(actor::Column::DeletedAt.is_null())
        .order_by_desc(follow::Column::Id)
        .limit(limit)
        .select_also(actor::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(f, a)| a.map(|a| (f.id, a)))
        .collect())
}

/// How many accepted followers (`followers = true`) or followees an actor has.
pub async fn count_accepted(
    db: &impl ConnectionTrait,
    actor_id: i64,
    followers: bool,
) -> AppResult<u64> {
    let own = if followers {
        follow::Column::FolloweeId
    } else {
        follow::Column::FollowerId
    };
    Ok(follow::Entity::find()
        .filter(own.eq(actor_id))
        .filter(follow::Column::Accepted.eq(true))
        .count(db)
        .await?)
}

/// Builds a new follow row.
pub fn new_row(
    id: i64,
    ap_id: String,
    follower_id: i64,
    followee_id: i64,
    accepted: bool,
) -> follow::ActiveModel {
    follow::ActiveModel {
        id: Set(id),
        ap_id: Set(ap_id),
        follower_id: Set(follower_id),
        followee_id: Set(followee_id),
        accepted: Set(accepted),
        created_at: Set(chrono::Utc::now()),
        show_reblogs: Set(true),
        notify: Set(false),
        languages: Set(None),
    }
}
