//! `Notification`: id, type, created_at, the actor it is from, the status for status-bearing
//! types, the `Report` for `admin.report`, the AccountWarning for `moderation_warning` and the
//! `group_key` (`ungrouped-<id>` for the kinds that never group).
//! [`notifications`] builds a page in a fixed number of queries.
use super::{Account, Status, account, datetime, status};
use crate::{
    AppState,
    db::{self, entity::notification},
    error::AppResult,
};
use activitypub_federation::config::Data;
use serde::Serialize;
use std::collections::HashMap;

/// Types whose notification carries a status (and is dropped when the status is gone).
pub const STATUS_TYPES: [&str; 5] = ["mention", "status", "reblog", "favourite", "update"];

/// Mastodon's Notification entity.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: String,
    pub group_key: String,
    pub account: Account,
    pub status: Option<Status>,
    pub report: Option<crate::api::mastodon::reports::Report>,
    /// Mastodon 4.3's AccountWarning, on `moderation_warning` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_warning: Option<ModerationWarning>,
    /// On `move` (Pleroma's and Akkoma's field, which clients read): the account `account`
    /// moved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Account>,
}

/// A row's group key as Mastodon's single-notification APIs and streaming show it: the stored
/// one, or `ungrouped-<id>`.
pub fn group_key(row: &notification::Model) -> String {
    row.group_key
        .clone()
        .unwrap_or_else(|| format!("ungrouped-{}", row.id))
}

/// Mastodon's AccountWarning entity (no appeals on Halqa).
#[derive(Debug, Clone, Serialize)]
pub struct ModerationWarning {
    pub id: String,
    pub action: String,
    pub text: String,
    pub status_ids: Vec<String>,
    pub target_account: Account,
    pub appeal: Option<()>,
    pub created_at: String,
}

/// Notifications for `rows` as `viewer` sees them, in order; rows whose actor or status is gone
/// are left out.
pub async fn notifications(
    data: &Data<AppState>,
    viewer: i64,
    rows: &[notification::Model],
) -> AppResult<Vec<Notification>> {
    let warning_ids: Vec<i64> = rows
        .iter()
        .filter(|n| n.kind == "moderation_warning")
        .map(|n| n.id)
        .collect();
    let warnings = db::warnings::by_ids(&data.db.read, &warning_ids).await?;
    let mut actor_ids: Vec<i64> = rows.iter().map(|n| n.from_actor_id).collect();
    actor_ids.extend(warnings.values().map(|w| w.target_id));
    let actors = db::views::actors_by_ids(&data.db.read, &actor_ids).await?;
    let accounts = account::accounts_by_id(data, &actors).await?;
    let post_ids: Vec<i64> = rows.iter().filter_map(|n| n.post_id).collect();
    let posts = db::views::posts_by_ids(&data.db.read, &post_ids).await?;
    let live: Vec<_> = post_ids
        .iter()
        .filter_map(|id| posts.get(id))
        .filter(|p| p.deleted_at.is_none())
        .cloned()
        .collect();
    let mut unique = Vec::with_capacity(live.len());
    for p in live {
        if !unique
            .iter()
            .any(|u: &crate::db::entity::post::Model| u.id == p.id)
        {
            unique.push(p);
        }
    }
    let statuses: HashMap<String, Status> = status::statuses(data, Some(viewer), unique)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let report_ids: Vec<i64> = rows.iter().filter_map(|n| n.report_id).collect();
    let reports = db::reports::by_ids(&data.db.read, &report_ids).await?;
    let targets: Vec<i64> = reports.values().map(|r| r.target_id).collect();
    let targets = db::views::actors_by_ids(&data.db.read, &targets).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(account) = accounts.get(&row.from_actor_id) else {
            continue;
        };
        let status = match row.post_id {
            Some(id) => statuses.get(&id.to_string()).cloned(),
            None => None,
        };
        if status.is_none() && STATUS_TYPES.contains(&row.kind.as_str()) {
            continue;
        }
        // Mastodon clients read `report` on `admin.report`; one whose report is gone is dropped.
        let report = match row.report_id.and_then(|id| reports.get(&id)) {
            Some(r) => match targets.get(&r.target_id) {
                Some(target) => Some(crate::api::mastodon::reports::entity(data, r, target).await?),
                None => None,
            },
            None => None,
        };
        if report.is_none() && row.kind == "admin.report" {
            continue;
        }
        // A warning's id is its notification's id.
        let moderation_warning = match warnings.get(&row.id) {
            Some(w) if row.kind == "moderation_warning" => {
                accounts.get(&w.target_id).map(|target| ModerationWarning {
                    id: w.id.to_string(),
                    action: w.action.clone(),
                    text: w.text.clone(),
                    status_ids: serde_json::from_str::<Vec<i64>>(&w.status_ids)
                        .unwrap_or_default()
                        .iter()
                        .map(i64::to_string)
                        .collect(),
                    target_account: target.clone(),
                    appeal: None,
                    created_at: datetime(&w.created_at),
                })
            }
            _ => None,
        };
        if moderation_warning.is_none() && row.kind == "moderation_warning" {
            continue;
        }
        // A move whose new account is unknown here says nothing useful: left out.
        let target = match row.kind.as_str() {
            "move" => account.moved.as_deref().cloned(),
            _ => None,
        };
        if target.is_none() && row.kind == "move" {
            continue;
        }
        out.push(Notification {
            id: row.id.to_string(),
            kind: row.kind.clone(),
            created_at: datetime(&row.created_at),
            group_key: group_key(row),
            account: account.clone(),
            status,
            report,
            moderation_warning,
            target,
        });
    }
    Ok(out)
}
