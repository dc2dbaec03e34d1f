//! Queries on `audit_log`: recording moderation actions and reading them back, newest first.
use crate::{db::entity::audit_log, error::AppResult};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Inserts an entry.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: audit_log::ActiveModel,
) -> AppResult<audit_log::Model> {
    Ok(row.insert(db).await?)
}

/// Entries older than `max_id` (when given), newest first, at most `limit`.
pub async fn page(
    db: &impl ConnectionTrait,
    max_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<audit_log::Model>> {
    let mut query = audit_log::Entity::find();
    if let Some(max_id) = max_id {
        query = query.filter(audit_log::Column::Id.lt(max_id));
    }
    Ok(query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
