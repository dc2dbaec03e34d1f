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

/// How many follow requests wait for `followee_id`'s approval.
pub async fn count_pending_requests(db: &impl ConnectionTrait, followee_id: i64) -> AppResult<i64> {
    Ok(follow::Entity::find()
        .filter(follow::Column::FolloweeId.eq(followee_id))
        .filter(follow::Column::Accepted.eq(false))
        .count(db)
        .await? as i64)
}

/// Which accounts a paged follow list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Accepted followers of the actor.
    Followers,
    /// Accounts the actor follows (accepted).
    Following,
    /// Pending follow requests to the actor.
    Requests,
}

/// A page of followers, followees or follow requests, paged over follow row ids (which clients
/// cannot compute, hence the Link header): `(follow id, account)`, newest follow first.
pub async fn list_page(
    db: &impl ConnectionTrait,
    actor_id: i64,
    listing: Listing,
    cursor: crate::db::paging::Cursor,
) -> AppResult<Vec<(i64, actor::Model)>> {
    let (own, other, accepted) = match listing {
        Listing::Followers => (follow::Column::FolloweeId, follow::Relation::Follower, true),
        Listing::Following => (follow::Column::FollowerId, follow::Relation::Followee, true),
        Listing::Requests => (
            follow::Column::FolloweeId,
            follow::Relation::Follower,
            false,
        ),
    };
    let query = follow::Entity::find()
        .filter(own.eq(actor_id))
        .filter(follow::Column::Accepted.eq(accepted))
        .join(JoinType::InnerJoin, other.def())
        .filter(actor::Column::DeletedAt.is_null());
    let rows = cursor
        .apply(query, follow::Column::Id)
        .select_also(actor::Entity)
        .all(db)
        .await?;
    Ok(cursor
        .finish(rows)
        .into_iter()
        .filter_map(|(f, a)| a.map(|a| (f.id, a)))
        .collect())
}

/// Sets a follow's options (boosts in home, notify on posts, languages shown).
pub async fn set_options(
    db: &impl ConnectionTrait,
    id: i64,
    show_reblogs: bool,
    notify: bool,
    languages: Option<String>,
) -> AppResult<()> {
    follow::Entity::update_many()
        .col_expr(follow::Column::ShowReblogs, Expr::value(show_reblogs))
        .col_expr(follow::Column::Notify, Expr::value(notify))
        .col_expr(follow::Column::Languages, Expr::value(languages))
        .filter(follow::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// For each of `targets`, the accounts `viewer` follows that follow it (both accepted):
/// `(target id, follower id)` pairs.
pub async fn familiar_followers(
    db: &impl ConnectionTrait,
    viewer: i64,
    targets: &[i64],
) -> AppResult<Vec<(i64, i64)>> {
    use sea_orm::sea_query::Query;
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let viewer_follows = Query::select()
        .column(follow::Column::FolloweeId)
        .from(follow::Entity)
        .and_where(follow::Column::FollowerId.eq(viewer))
        .and_where(follow::Column::Accepted.eq(true))
        .to_owned();
    Ok(follow::Entity::find()
        .select_only()
        .column(follow::Column::FolloweeId)
        .column(follow::Column::FollowerId)
        .filter(follow::Column::FolloweeId.is_in(targets.iter().copied()))
        .filter(follow::Column::Accepted.eq(true))
        .filter(follow::Column::FollowerId.in_subquery(viewer_follows))
        .filter(follow::Column::FollowerId.ne(viewer))
        .order_by_desc(follow::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}
