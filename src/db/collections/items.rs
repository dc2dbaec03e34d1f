//! Queries on the items of resource collections: in order (paged by position), counts,
//! appending, removing, reordering, and the resources they hold.
use crate::{
    db::{
        entity::{collection_item as item, resource},
        paging::Cursor,
    },
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

/// The paging key of an item: its position, negated, so that "newest first" paging ids
/// (`max_id`/`min_id` in Link headers) walk the collection in its own order.
pub fn item_key(i: &item::Model) -> i64 {
    -i.position
}

/// A page of the items of collection `id` in order, `cursor` over [`item_key`].
pub async fn items_page(
    db: &impl ConnectionTrait,
    id: i64,
    cursor: Cursor,
) -> AppResult<Vec<item::Model>> {
    let mut query = item::Entity::find().filter(item::Column::CollectionId.eq(id));
    if let Some(max) = cursor.max_id {
        query = query.filter(item::Column::Position.gt(-max));
    }
    if let Some(since) = cursor.since_id {
        query = query.filter(item::Column::Position.lt(-since));
    }
    let reverse = if let Some(min) = cursor.min_id {
        query = query
            .filter(item::Column::Position.lt(-min))
            .order_by_desc(item::Column::Position);
        true
    } else {
        query = query.order_by_asc(item::Column::Position);
        false
    };
    let mut rows = query.limit(cursor.limit.max(1)).all(db).await?;
    if reverse {
        rows.reverse();
    }
    Ok(rows)
}

/// Every item of collection `id`, in order.
pub async fn items_of(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<item::Model>> {
    Ok(item::Entity::find()
        .filter(item::Column::CollectionId.eq(id))
        .order_by_asc(item::Column::Position)
        .all(db)
        .await?)
}

/// How many items each of these collections holds (one query).
pub async fn item_counts(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, u64>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = item::Entity::find()
        .select_only()
        .column(item::Column::CollectionId)
        .filter(item::Column::CollectionId.is_in(ids.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for id in rows {
        *out.entry(id).or_insert(0u64) += 1;
    }
    Ok(out)
}

/// The item of collection `collection_id` holding `resource_id`, if any.
pub async fn find_item(
    db: &impl ConnectionTrait,
    collection_id: i64,
    resource_id: i64,
) -> AppResult<Option<item::Model>> {
    Ok(item::Entity::find()
        .filter(item::Column::CollectionId.eq(collection_id))
        .filter(item::Column::ResourceId.eq(resource_id))
        .one(db)
        .await?)
}

/// An item by id, or 404.
pub async fn get_item(db: &impl ConnectionTrait, id: i64) -> AppResult<item::Model> {
    item::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("item not found"))
}

/// Appends `resource_id` (with `note`) at the end of collection `collection_id`.
pub async fn append_item(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    collection_id: i64,
    resource_id: i64,
    note: &str,
) -> AppResult<item::Model> {
    let last = item::Entity::find()
        .filter(item::Column::CollectionId.eq(collection_id))
        .order_by_desc(item::Column::Position)
        .one(db)
        .await?
        .map_or(0, |i| i.position);
    Ok(item::ActiveModel {
        id: Set(ids.next()),
        collection_id: Set(collection_id),
        resource_id: Set(resource_id),
        position: Set(last + 1),
        note: Set(note.to_string()),
        added_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Removes an item.
pub async fn delete_item(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    item::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Gives the items `ordered` positions 1, 2, … in that order.
pub async fn set_order(db: &impl ConnectionTrait, ordered: &[i64]) -> AppResult<()> {
    for (i, id) in ordered.iter().enumerate() {
        item::Entity::update_many()
            .col_expr(
                item::Column::Position,
                sea_orm::sea_query::Expr::value(i as i64 + 1),
            )
            .filter(item::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The resources of these items, by resource id (deleted ones too; one query).
pub async fn resources_of(
    db: &impl ConnectionTrait,
    items: &[item::Model],
) -> AppResult<HashMap<i64, resource::Model>> {
    if items.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(resource::Entity::find()
        .filter(resource::Column::Id.is_in(items.iter().map(|i| i.resource_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}
