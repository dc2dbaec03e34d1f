//! Queries on the follows of resource collections: a follower's follow, pending requests and
//! accepted followers, counts, and whether a server holds an approved follower.
use crate::{db::entity::collection_follow as follow, error::AppResult, ids::IdGenerator};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// `follower`'s follow of collection `collection_id`, if any.
pub async fn find_follow(
    db: &impl ConnectionTrait,
    collection_id: i64,
    follower: i64,
) -> AppResult<Option<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::CollectionId.eq(collection_id))
        .filter(follow::Column::FollowerId.eq(follower))
        .one(db)
        .await?)
}

/// A follow by its `Follow` activity's id.
pub async fn find_follow_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Records a follow (pending unless `accepted`); an existing one is returned as it is.
pub async fn insert_follow(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    collection_id: i64,
    follower: i64,
    ap_id: &str,
    accepted: bool,
) -> AppResult<follow::Model> {
    if let Some(existing) = find_follow(db, collection_id, follower).await? {
        return Ok(existing);
    }
    Ok(follow::ActiveModel {
        id: Set(ids.next()),
        ap_id: Set(ap_id.to_string()),
        collection_id: Set(collection_id),
        follower_id: Set(follower),
        accepted: Set(accepted),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Marks a follow accepted.
pub async fn accept_follow(db: &impl ConnectionTrait, row: &follow::Model) -> AppResult<()> {
    let mut active: follow::ActiveModel = row.clone().into();
    active.accepted = Set(true);
    active.update(db).await?;
    Ok(())
}

/// Removes a follow.
pub async fn delete_follow(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    follow::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The follows of collection `id`: accepted ones, or the pending requests.
pub async fn follows_of(
    db: &impl ConnectionTrait,
    id: i64,
    accepted: bool,
) -> AppResult<Vec<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::CollectionId.eq(id))
        .filter(follow::Column::Accepted.eq(accepted))
        .order_by_asc(follow::Column::Id)
        .all(db)
        .await?)
}

/// How many accepted followers each of these collections has (one query).
pub async fn follower_counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = follow::Entity::find()
        .select_only()
        .column(follow::Column::CollectionId)
        .filter(follow::Column::CollectionId.is_in(ids.iter().copied()))
        .filter(follow::Column::Accepted.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for id in rows {
        *out.entry(id).or_insert(0u64) += 1;
    }
    Ok(out)
}

/// `follower`'s follows of these collections, by collection id (one query).
pub async fn follows_by(
    db: &impl ConnectionTrait,
    follower: i64,
    ids: &[i64],
) -> AppResult<HashMap<i64, follow::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(follower))
        .filter(follow::Column::CollectionId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.collection_id, f))
        .collect())
}

/// Whether an accepted follower of collection `id` is `actor` or (for a remote follower)
/// another actor of `actor`'s server (peers fetch with their instance actor).
pub async fn has_approved_follower_on(
    db: &impl ConnectionTrait,
    id: i64,
    actor_id: i64,
    domain: &str,
) -> AppResult<bool> {
    let followers: Vec<i64> = follows_of(db, id, true)
        .await?
        .iter()
        .map(|f| f.follower_id)
        .collect();
    if followers.contains(&actor_id) {
        return Ok(true);
    }
    if followers.is_empty() {
        return Ok(false);
    }
    use crate::db::entity::actor;
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.is_in(followers))
        .filter(actor::Column::Local.eq(false))
        .filter(actor::Column::Domain.eq(domain.to_lowercase()))
        .count(db)
        .await?
        > 0)
}
