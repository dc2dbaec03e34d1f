//! Queries on `user_list` and `list_member`: a user's lists (owned by the local actor id) and
//! the accounts in them, paged by member actor id.
use crate::{
    db::entity::{list_member, user_list},
    error::AppResult,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// The lists an actor owns, oldest first.
pub async fn of_owner(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> AppResult<Vec<user_list::Model>> {
    Ok(user_list::Entity::find()
        .filter(user_list::Column::OwnerId.eq(owner_id))
        .order_by_asc(user_list::Column::Id)
        .all(db)
        .await?)
}

/// A list by id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<user_list::Model>> {
    Ok(user_list::Entity::find_by_id(id).one(db).await?)
}

/// Inserts a list.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: user_list::ActiveModel,
) -> AppResult<user_list::Model> {
    Ok(row.insert(db).await?)
}

/// Saves changed columns of a list.
pub async fn update(
    db: &impl ConnectionTrait,
    row: user_list::ActiveModel,
) -> AppResult<user_list::Model> {
    Ok(row.update(db).await?)
}

/// Deletes a list and its members.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    list_member::Entity::delete_many()
        .filter(list_member::Column::ListId.eq(id))
        .exec(db)
        .await?;
    user_list::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Member actor ids of a list, highest first, within the paging bounds; `limit` 0 means all.
pub async fn member_ids(
    db: &impl ConnectionTrait,
    list_id: i64,
    max_id: Option<i64>,
    since_id: Option<i64>,
    min_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<i64>> {
    let mut query = list_member::Entity::find()
        .select_only()
        .column(list_member::Column::ActorId)
        .filter(list_member::Column::ListId.eq(list_id));
    if let Some(max) = max_id {
        query = query.filter(list_member::Column::ActorId.lt(max));
    }
    if let Some(since) = since_id {
        query = query.filter(list_member::Column::ActorId.gt(since));
    }
    if let Some(min) = min_id {
        query = query
            .filter(list_member::Column::ActorId.gt(min))
            .order_by_asc(list_member::Column::ActorId);
    } else {
        query = query.order_by_desc(list_member::Column::ActorId);
    }
    if limit > 0 {
        query = query.limit(limit);
    }
    let mut ids: Vec<i64> = query.into_tuple().all(db).await?;
    if min_id.is_some() {
        ids.reverse();
    }
    Ok(ids)
}

/// Which of `actor_ids` are already in the list.
pub async fn existing_members(
    db: &impl ConnectionTrait,
    list_id: i64,
    actor_ids: &[i64],
) -> AppResult<Vec<i64>> {
    if actor_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(list_member::Entity::find()
        .select_only()
        .column(list_member::Column::ActorId)
        .filter(list_member::Column::ListId.eq(list_id))
        .filter(list_member::Column::ActorId.is_in(actor_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?)
}

/// Adds members (the caller drops those already present).
pub async fn add_members(
    db: &impl ConnectionTrait,
    list_id: i64,
    actor_ids: &[i64],
) -> AppResult<()> {
    if actor_ids.is_empty() {
        return Ok(());
    }
    list_member::Entity::insert_many(actor_ids.iter().map(|&actor_id| list_member::ActiveModel {
        list_id: Set(list_id),
        actor_id: Set(actor_id),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Removes members.
pub async fn remove_members(
    db: &impl ConnectionTrait,
    list_id: i64,
    actor_ids: &[i64],
) -> AppResult<()> {
    if actor_ids.is_empty() {
        return Ok(());
    }
    list_member::Entity::delete_many()
        .filter(list_member::Column::ListId.eq(list_id))
        .filter(list_member::Column::ActorId.is_in(actor_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether `actor_id` is in list `list_id`.
pub async fn is_member(db: &impl ConnectionTrait, list_id: i64, actor_id: i64) -> AppResult<bool> {
    Ok(list_member::Entity::find_by_id((list_id, actor_id))
        .one(db)
        .await?
        .is_some())
}
