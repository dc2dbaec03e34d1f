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

/// A report by id.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<report::Model>> {
    Ok(report::Entity::find_by_id(id).one(db).await?)
}

/// Which reports the admin queue shows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Some(true): resolved ones; Some(false) (the default queue): open ones.
    pub resolved: Option<bool>,
    pub account_id: Option<i64>,
    pub target_account_id: Option<i64>,
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub limit: u64,
}

/// Reports matching `filter`, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
) -> AppResult<Vec<report::Model>> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut query = report::Entity::find();
    match filter.resolved {
        Some(true) => query = query.filter(report::Column::ActionTakenAt.is_not_null()),
        Some(false) => query = query.filter(report::Column::ActionTakenAt.is_null()),
        None => {}
    }
    if let Some(id) = filter.account_id {
        query = query.filter(report::Column::ReporterId.eq(id));
    }
    if let Some(id) = filter.target_account_id {
        query = query.filter(report::Column::TargetId.eq(id));
    }
    if let Some(id) = filter.max_id {
        query = query.filter(report::Column::Id.lt(id));
    }
    if let Some(id) = filter.since_id {
        query = query.filter(report::Column::Id.gt(id));
    }
    Ok(query
        .order_by_desc(report::Column::Id)
        .limit(filter.limit)
        .all(db)
        .await?)
}

/// Assigns a report to a staff actor (None: unassigns).
pub async fn assign(db: &impl ConnectionTrait, id: i64, to: Option<i64>) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    report::Entity::update_many()
        .col_expr(report::Column::AssignedId, Expr::value(to))
        .col_expr(report::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(report::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a report resolved by `by` (None: the CLI) at `at`.
pub async fn resolve(
    db: &impl ConnectionTrait,
    id: i64,
    by: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    report::Entity::update_many()
        .col_expr(report::Column::ActionTakenAt, Expr::value(at))
        .col_expr(report::Column::ActionTakenById, Expr::value(by))
        .col_expr(report::Column::UpdatedAt, Expr::value(at))
        .filter(report::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a report forwarded to the reported account's server.
pub async fn set_forwarded(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    report::Entity::update_many()
        .col_expr(report::Column::Forwarded, Expr::value(true))
        .col_expr(report::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(report::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Opens a resolved report again.
pub async fn reopen(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    report::Entity::update_many()
        .col_expr(
            report::Column::ActionTakenAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            report::Column::ActionTakenById,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(report::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(report::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
