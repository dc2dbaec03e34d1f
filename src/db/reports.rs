//! Queries on `report`: reports filed by local users and `Flag`s received from other servers.
use crate::{db::entity::report, error::AppResult};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Inserts a report.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: report::ActiveModel,
) -> AppResult<report::Model> {
    Ok(row.insert(db).await?)
}

/// A report by its ActivityPub id (received Flags are stored once).
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<report::Model>> {
    Ok(report::Entity::find()
        .filter(report::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Reports against an actor, newest first.
pub async fn against(db: &impl ConnectionTrait, target_id: i64) -> AppResult<Vec<report::Model>> {
    use sea_orm::QueryOrder;
    Ok(report::Entity::find()
        .filter(report::Column::TargetId.eq(target_id))
        .order_by_desc(report::Column::Id)
        .all(db)
        .await?)
}

/// Reports by id (for the `admin.report` notifications of a page), in one query.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, report::Model>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(report::Entity::find()
        .filter(report::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}
