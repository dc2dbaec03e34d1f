//! The report queue as staff work it: list and show, assign to oneself or unassign, resolve
//! with an action (dismiss, delete the reported statuses, silence, suspend), a note and an
//! optional message to the user, reopen, and forward a report about a remote account to its
//! server (a `Flag` from the instance actor).
//! Reports come in through `service::reports` (local users and received `Flag`s).
use crate::{
    AppState,
    db::{self, entity::report, reports::ReportFilter},
    error::{AppError, AppResult},
    service::{
        commit,
        moderation::{
            Moderator,
            accounts::{self as account_actions, AccountAction},
            audit, warnings,
        },
    },
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::TransactionTrait;

/// What resolving a report does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    /// Nothing to act on: close it.
    Dismiss,
    /// Delete the statuses the report names (federated for local ones).
    DeleteStatuses,
    Silence,
    Suspend,
}

impl ReportAction {
    pub fn parse(raw: &str) -> AppResult<ReportAction> {
        Ok(match raw {
            "dismiss" | "none" | "" => ReportAction::Dismiss,
            "delete" | "delete_statuses" => ReportAction::DeleteStatuses,
            "silence" | "limit" => ReportAction::Silence,
            "suspend" => ReportAction::Suspend,
            other => {
                return Err(AppError::Invalid(format!(
                    "action {other:?} must be one of dismiss, delete_statuses, silence, suspend"
                )));
            }
        })
    }
}

/// A report by id (staff only), or 404.
pub async fn get(data: &Data<AppState>, by: Moderator<'_>, id: i64) -> AppResult<report::Model> {
    by.require_staff()?;
    db::reports::get(&data.db.read, id)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// The queue (staff only).
pub async fn list(
    data: &Data<AppState>,
    by: Moderator<'_>,
    filter: &ReportFilter,
) -> AppResult<Vec<report::Model>> {
    by.require_staff()?;
    db::reports::list(&data.db.read, filter).await
}

/// Assigns a report to the acting staff member, or unassigns it.
pub async fn assign(
    data: &Data<AppState>,
    by: Moderator<'_>,
    id: i64,
    to_self: bool,
) -> AppResult<report::Model> {
    let row = get(data, by, id).await?;
    let to = if to_self { by.actor_id() } else { None };
    let txn = data.db.write.begin().await?;
    db::reports::assign(&txn, row.id, to).await?;
    let action = if to_self {
        "report.assign"
    } else {
        "report.unassign"
    };
    audit::record(
        &txn,
        data,
        by.actor_id(),
        action,
        "report",
        &id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    get(data, by, id).await
}

/// Resolves a report with an action, a note for staff and an optional message to the reported
/// user (a local account; see `moderation::warnings`).
pub async fn resolve(
    data: &Data<AppState>,
    by: Moderator<'_>,
    id: i64,
    action: ReportAction,
    note: &str,
    message: Option<&str>,
) -> AppResult<report::Model> {
    let row = get(data, by, id).await?;
    match action {
        ReportAction::Silence | ReportAction::Suspend => {
            let account_action = if action == ReportAction::Silence {
                AccountAction::Silence
            } else {
                AccountAction::Suspend
            };
            account_actions::act(
                data,
                by,
                row.target_id,
                account_action,
                note,
                message,
                Some(row.id),
            )
            .await?;
            return get(data, by, id).await;
        }
        ReportAction::DeleteStatuses | ReportAction::Dismiss => {}
    }
    let target = db::actors::get_by_id(&data.db.read, row.target_id).await?;
    let message = warnings::checked_message(&target, message)?;
    if action == ReportAction::DeleteStatuses {
        delete_statuses(data, &row).await?;
    }
    let txn = data.db.write.begin().await?;
    if let Some(text) = message {
        let status_ids: Vec<i64> = serde_json::from_str(&row.status_ids).unwrap_or_default();
        warnings::send(
            &txn,
            data,
            by,
            warnings::Warning {
                target: &target,
                action: if action == ReportAction::Dismiss {
                    "none"
                } else {
                    "delete_statuses"
                },
                text,
                report_id: Some(row.id),
                status_ids: &status_ids,
            },
        )
        .await?;
    }
    db::reports::resolve(&txn, row.id, by.actor_id(), Utc::now()).await?;
    let name = if action == ReportAction::Dismiss {
        "report.resolve"
    } else {
        "report.delete_statuses"
    };
    audit::record(
        &txn,
        data,
        by.actor_id(),
        name,
        "report",
        &id.to_string(),
        note,
    )
    .await?;
    commit(data, txn).await?;
    get(data, by, id).await
}

/// Deletes the reported statuses: a local one as its author would (Delete federated), a
/// remote one from this node only.
async fn delete_statuses(data: &Data<AppState>, row: &report::Model) -> AppResult<()> {
    let ids: Vec<i64> = serde_json::from_str(&row.status_ids).unwrap_or_default();
    if ids.is_empty() {
        return Err(AppError::Invalid("this report names no statuses".into()));
    }
    let author = db::actors::get_by_id(&data.db.read, row.target_id).await?;
    for id in ids {
        let Ok(post) = db::posts::get_by_id(&data.db.read, id).await else {
            continue;
        };
        if post.deleted_at.is_some() || post.author_id != author.id {
            continue;
        }
        if author.local {
            crate::service::posts::delete_post(data, &author, post.id).await?;
        } else {
            crate::service::posts::receive_delete_post(data, &author, &post).await?;
        }
    }
    Ok(())
}

/// Forwards a report about a remote account to its server as a `Flag` (once), with the
/// reported posts that are still here.
pub async fn forward(
    data: &Data<AppState>,
    by: Moderator<'_>,
    id: i64,
) -> AppResult<report::Model> {
    let row = get(data, by, id).await?;
    let target = db::actors::get_by_id(&data.db.read, row.target_id).await?;
    if target.local {
        return Err(AppError::Invalid(
            "the reported account is local: there is no other server to tell".into(),
        ));
    }
    if row.forwarded {
        return Err(AppError::Conflict(
            "this report was already forwarded".into(),
        ));
    }
    let ids: Vec<i64> = serde_json::from_str(&row.status_ids).unwrap_or_default();
    let posts: Vec<_> = db::views::posts_by_ids(&data.db.read, &ids)
        .await?
        .into_values()
        .filter(|p| p.author_id == target.id && p.deleted_at.is_none())
        .collect();
    let txn = data.db.write.begin().await?;
    crate::federation::outbox::flagged(&txn, data, &row, &target, &posts).await?;
    db::reports::set_forwarded(&txn, row.id).await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "report.forward",
        "report",
        &id.to_string(),
        &target.domain,
    )
    .await?;
    commit(data, txn).await?;
    get(data, by, id).await
}

/// Opens a resolved report again.
pub async fn reopen(data: &Data<AppState>, by: Moderator<'_>, id: i64) -> AppResult<report::Model> {
    let row = get(data, by, id).await?;
    let txn = data.db.write.begin().await?;
    db::reports::reopen(&txn, row.id).await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "report.reopen",
        "report",
        &id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    get(data, by, id).await
}
