//! Mastodon 4.3's grouped notifications: the `NotificationGroup` and
//! `GroupedNotificationsResults` entities, and [`groups`], which folds a page of notification
//! rows into groups (pure; the handlers in `notifications::grouped` read and hydrate).
use super::{Account, Status, datetime, notification::ModerationWarning};
use crate::{api::mastodon::reports::Report, db::entity::notification};
use serde::Serialize;
use std::collections::HashMap;

/// How many of a group's most recent accounts it names (Mastodon's `SAMPLE_ACCOUNTS_SIZE`).
pub const SAMPLE_ACCOUNTS: usize = 8;

/// Mastodon's NotificationGroup entity.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationGroup {
    pub group_key: String,
    pub notifications_count: usize,
    #[serde(rename = "type")]
    pub kind: String,
    pub most_recent_notification_id: String,
    /// The page's oldest and newest notification of the group, and the newest one's date: only
    /// on pages (`GET /api/v2/notifications`), not on a single group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_min_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_max_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_page_notification_at: Option<String>,
    pub sample_account_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_warning: Option<ModerationWarning>,
}

/// Mastodon's GroupedNotificationsResults: the groups, and each account and status they refer
/// to once.
#[derive(Debug, Clone, Serialize)]
pub struct GroupedNotificationsResults {
    pub accounts: Vec<Account>,
    /// Present (empty) when `expand_accounts=partial_avatars` was asked for: every account is
    /// sent in full in `accounts`, which the API allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_accounts: Option<Vec<serde_json::Value>>,
    pub statuses: Vec<Status>,
    pub notification_groups: Vec<NotificationGroup>,
}

/// The key a row groups under on a page: its stored key when its kind is one of `grouped`,
/// else `ungrouped-<id>` (Mastodon's answer to `grouped_types[]`).
pub fn page_key(row: &notification::Model, grouped: &[String]) -> String {
    match &row.group_key {
        Some(key) if grouped.contains(&row.kind) => key.clone(),
        _ => format!("ungrouped-{}", row.id),
    }
}

/// One group's rows on a page, newest first.
#[derive(Debug)]
pub struct GroupRows<'a> {
    pub key: String,
    pub rows: Vec<&'a notification::Model>,
}

impl GroupRows<'_> {
    /// The newest row, whose status, report or warning the group shows.
    pub fn latest(&self) -> &notification::Model {
        self.rows[0]
    }

    /// The ids of the accounts behind the group's most recent notifications, each once.
    pub fn sample_actor_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = Vec::with_capacity(SAMPLE_ACCOUNTS);
        for row in &self.rows {
            if ids.len() == SAMPLE_ACCOUNTS {
                break;
            }
            if !ids.contains(&row.from_actor_id) {
                ids.push(row.from_actor_id);
            }
        }
        ids
    }
}

/// Folds `rows` (newest first) into groups ordered by their newest row.
pub fn groups<'a>(rows: &'a [notification::Model], grouped: &[String]) -> Vec<GroupRows<'a>> {
    let mut out: Vec<GroupRows<'a>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let key = page_key(row, grouped);
        match index.get(&key) {
            Some(&i) => out[i].rows.push(row),
            None => {
                index.insert(key.clone(), out.len());
                out.push(GroupRows {
                    key,
                    rows: vec![row],
                });
            }
        }
    }
    out
}

/// The group entity for `rows`, its status, report or warning taken from the hydrated latest
/// notification; `paginated` adds the page fields.
pub fn group_entity(
    rows: &GroupRows<'_>,
    latest: &super::notification::Notification,
    sample_account_ids: Vec<String>,
    paginated: bool,
) -> NotificationGroup {
    let newest = rows.latest();
    let oldest = rows.rows[rows.rows.len() - 1];
    NotificationGroup {
        group_key: rows.key.clone(),
        notifications_count: rows.rows.len(),
        kind: newest.kind.clone(),
        most_recent_notification_id: newest.id.to_string(),
        page_min_id: paginated.then(|| oldest.id.to_string()),
        page_max_id: paginated.then(|| newest.id.to_string()),
        latest_page_notification_at: paginated.then(|| datetime(&newest.created_at)),
        sample_account_ids,
        status_id: latest.status.as_ref().map(|s| s.id.clone()),
        report: latest.report.clone(),
        moderation_warning: latest.moderation_warning.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn row(id: i64, kind: &str, from: i64, key: Option<&str>) -> notification::Model {
        notification::Model {
            id,
            recipient_id: 1,
            kind: kind.into(),
            from_actor_id: from,
            post_id: None,
            report_id: None,
            created_at: Utc.timestamp_opt(1_700_000_000 + id, 0).unwrap(),
            group_key: key.map(str::to_string),
        }
    }

    fn all() -> Vec<String> {
        ["favourite", "reblog", "follow", "admin.sign_up"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn rows_fold_into_groups_ordered_by_their_newest_row() {
        let rows = vec![
            row(9, "favourite", 20, Some("favourite-5-100")),
            row(8, "mention", 21, None),
            row(7, "favourite", 22, Some("favourite-5-100")),
            row(6, "follow", 23, Some("follow--100")),
            row(5, "favourite", 20, Some("favourite-6-100")),
            row(4, "follow", 24, Some("follow--100")),
        ];
        let groups = groups(&rows, &all());
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "favourite-5-100",
                "ungrouped-8",
                "follow--100",
                "favourite-6-100"
            ]
        );
        assert_eq!(groups[0].rows.len(), 2);
        assert_eq!(groups[0].latest().id, 9);
        assert_eq!(groups[0].sample_actor_ids(), [20, 22]);
        assert_eq!(groups[2].sample_actor_ids(), [23, 24]);
    }

    #[test]
    fn kinds_left_out_of_grouped_types_are_single_groups() {
        let rows = vec![
            row(3, "follow", 20, Some("follow--100")),
            row(2, "follow", 21, Some("follow--100")),
            row(1, "favourite", 22, Some("favourite-5-100")),
        ];
        let groups = groups(&rows, &["favourite".to_string()]);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["ungrouped-3", "ungrouped-2", "favourite-5-100"]);
    }

    #[test]
    fn samples_name_each_account_once_and_at_most_eight() {
        let rows: Vec<_> = (0..12)
            .map(|i| row(100 - i, "reblog", 10 + i % 10, Some("reblog-5-1")))
            .collect();
        let groups = groups(&rows, &all());
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].rows.len(), 12);
        assert_eq!(groups[0].sample_actor_ids(), (10..18).collect::<Vec<_>>());
    }
}
