//! Queries on `filter`, `filter_keyword` and `filter_status`: a user's content filters (owned
//! by the local actor id) with their keywords and filtered statuses, loaded in batches.
use crate::{
    db::entity::{filter, filter_keyword, filter_status},
    error::AppResult,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// An actor's filters, oldest first; only unexpired ones when `active_only`.
pub async fn of_owner(
    db: &impl ConnectionTrait,
    owner_id: i64,
    active_only: bool,
) -> AppResult<Vec<filter::Model>> {
    let mut query = filter::Entity::find().filter(filter::Column::OwnerId.eq(owner_id));
    if active_only {
        query = query.filter(
            Condition::any()
                .add(filter::Column::ExpiresAt.is_null())
                .add(filter::Column::ExpiresAt.gt(Utc::now())),
        );
    }
    Ok(query.order_by_asc(filter::Column::Id).all(db).await?)
}

/// A filter by id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<filter::Model>> {
    Ok(filter::Entity::find_by_id(id).one(db).await?)
}

/// The keywords of the given filters, in id order.
pub async fn keywords_of(
    db: &impl ConnectionTrait,
    filter_ids: &[i64],
) -> AppResult<Vec<filter_keyword::Model>> {
    if filter_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(filter_keyword::Entity::find()
        .filter(filter_keyword::Column::FilterId.is_in(filter_ids.iter().copied()))
        .order_by_asc(filter_keyword::Column::Id)
        .all(db)
        .await?)
}

/// The filtered statuses of the given filters, in id order.
pub async fn statuses_of(
    db: &impl ConnectionTrait,
    filter_ids: &[i64],
) -> AppResult<Vec<filter_status::Model>> {
    if filter_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(filter_status::Entity::find()
        .filter(filter_status::Column::FilterId.is_in(filter_ids.iter().copied()))
        .order_by_asc(filter_status::Column::Id)
        .all(db)
        .await?)
}

/// A keyword by id.
pub async fn find_keyword(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<Option<filter_keyword::Model>> {
    Ok(filter_keyword::Entity::find_by_id(id).one(db).await?)
}

/// A filtered status by id.
pub async fn find_status(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<Option<filter_status::Model>> {
    Ok(filter_status::Entity::find_by_id(id).one(db).await?)
}

/// Inserts a filter.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: filter::ActiveModel,
) -> AppResult<filter::Model> {
    Ok(row.insert(db).await?)
}

/// Saves changed columns of a filter.
pub async fn update(
    db: &impl ConnectionTrait,
    row: filter::ActiveModel,
) -> AppResult<filter::Model> {
    Ok(row.update(db).await?)
}

/// Inserts a keyword.
pub async fn insert_keyword(
    db: &impl ConnectionTrait,
    row: filter_keyword::ActiveModel,
) -> AppResult<filter_keyword::Model> {
    Ok(row.insert(db).await?)
}

/// Saves changed columns of a keyword.
pub async fn update_keyword(
    db: &impl ConnectionTrait,
    row: filter_keyword::ActiveModel,
) -> AppResult<filter_keyword::Model> {
    Ok(row.update(db).await?)
}

/// Deletes a keyword.
pub async fn delete_keyword(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    filter_keyword::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Inserts a filtered status.
pub async fn insert_status(
    db: &impl ConnectionTrait,
    row: filter_status::ActiveModel,
) -> AppResult<filter_status::Model> {
    Ok(row.insert(db).await?)
}

/// Deletes a filtered status.
pub async fn delete_status(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    filter_status::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Deletes a filter with its keywords and statuses.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    filter_keyword::Entity::delete_many()
        .filter(filter_keyword::Column::FilterId.eq(id))
        .exec(db)
        .await?;
    filter_status::Entity::delete_many()
        .filter(filter_status::Column::FilterId.eq(id))
        .exec(db)
        .await?;
    filter::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
