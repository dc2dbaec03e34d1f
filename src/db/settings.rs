//! Queries on `node_setting`: the node-wide settings the admin changed (key → JSON value).
use crate::{db::entity::node_setting, error::AppResult};
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, Set, sea_query::OnConflict};
use std::collections::HashMap;

/// Every stored setting, by key.
pub async fn all(db: &impl ConnectionTrait) -> AppResult<HashMap<String, String>> {
    Ok(node_setting::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.key, row.value))
        .collect())
}

/// Stores (inserts or replaces) one setting.
pub async fn put(db: &impl ConnectionTrait, key: &str, value: &str) -> AppResult<()> {
    node_setting::Entity::insert(node_setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(node_setting::Column::Key)
            .update_columns([node_setting::Column::Value, node_setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
