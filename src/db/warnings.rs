//! Queries on `account_warning`: storing a moderation warning and reading warnings by id (for
//! the notifications that deliver them).
use crate::{db::entity::account_warning, error::AppResult};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Inserts a warning.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: account_warning::ActiveModel,
) -> AppResult<account_warning::Model> {
    Ok(row.insert(db).await?)
}

/// The warnings with these ids, by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, account_warning::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(account_warning::Entity::find()
        .filter(account_warning::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect())
}
