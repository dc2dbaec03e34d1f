//! The progress and report of one import: counts per kind of item (imported, skipped), a line
//! for every skipped item with its reason and notices about the whole import, saved on the
//! `account_import` row after each item (with the worker's heartbeat), so the import page shows
//! them while it runs.
use crate::{
    AppState,
    db::{self, entity::account_import},
    error::AppResult,
};
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most lines a report keeps (the counts stay exact).
pub const MAX_LINES: usize = 1_000;

/// Imported and skipped items of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub imported: u32,
    pub skipped: u32,
}

/// One skipped item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// `resources`, `collections`, `collection_items`, `mentorships`, `posts`, `following`,
    /// `lists`, `blocks`, `mutes` or `bookmarks`.
    pub kind: String,
    /// What it was (an id, an address).
    pub item: String,
    pub reason: String,
}

/// A remark on the whole import rather than on one item (why a whole part was left out),
/// shown above the skipped items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The Fluent key of its message on the import page (one of [`Notice::KEYS`]); the message
    /// takes [`Notice::account`] as `$account`.
    pub key: String,
    /// The account the notice is about (the archive's, as its ActivityPub id).
    pub account: String,
    /// The same in English, for the CLI and the JSON report.
    pub text: String,
}

impl Notice {
    /// Every notice key (for the test that each is translated).
    pub const KEYS: [&str; 1] = ["import-notice-mentorships-need-alias"];

    /// The archive's mentorships were left out: the importing account does not list the
    /// archive's account `account` among its aliases.
    pub fn mentorships_need_alias(account: &str) -> Notice {
        Notice {
            key: Self::KEYS[0].into(),
            account: account.into(),
            text: format!(
                "mentorships were not restored: a mentorship space is private between two \
                 people, so it is restored only into an account that lists the archive's \
                 account ({account}) among its aliases (alsoKnownAs), the link a move needs; add \
                 that alias, then import the archive again"
            ),
        }
    }
}

/// What `account_import.report` holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportBody {
    #[serde(default)]
    pub counts: BTreeMap<String, Counts>,
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Lines left out past [`MAX_LINES`].
    #[serde(default)]
    pub more_lines: u32,
    /// Remarks on the whole import (absent from reports written before there were any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

impl ReportBody {
    /// The report stored on a row (empty when unreadable).
    pub fn of(row: &account_import::Model) -> ReportBody {
        serde_json::from_str(&row.report).unwrap_or_default()
    }
}

/// A running import's report, saved as it goes.
pub struct Report {
    row: account_import::Model,
    body: ReportBody,
}

impl Report {
    /// Starts a fresh report for `row` (a resumed import starts counting again; what an
    /// earlier run stored is found and reported as already imported).
    pub fn new(mut row: account_import::Model) -> Report {
        row.processed = 0;
        row.imported = 0;
        row.skipped = 0;
        Report {
            row,
            body: ReportBody::default(),
        }
    }

    /// The import's row.
    pub fn row(&self) -> &account_import::Model {
        &self.row
    }

    /// Sets the number of items the import will go through.
    pub async fn set_total(&mut self, data: &Data<AppState>, total: usize) -> AppResult<()> {
        self.row.total = i32::try_from(total).unwrap_or(i32::MAX);
        self.save(data).await
    }

    /// One item of `kind` imported.
    pub async fn imported(&mut self, data: &Data<AppState>, kind: &str) -> AppResult<()> {
        self.body
            .counts
            .entry(kind.to_string())
            .or_default()
            .imported += 1;
        self.row.imported += 1;
        self.row.processed += 1;
        self.save(data).await
    }

    /// One item of `kind` skipped, with why.
    pub async fn skipped(
        &mut self,
        data: &Data<AppState>,
        kind: &str,
        item: &str,
        reason: impl std::fmt::Display,
    ) -> AppResult<()> {
        self.body
            .counts
            .entry(kind.to_string())
            .or_default()
            .skipped += 1;
        if self.body.lines.len() < MAX_LINES {
            self.body.lines.push(Line {
                kind: kind.to_string(),
                item: item.chars().take(300).collect(),
                reason: reason.to_string().chars().take(500).collect(),
            });
        } else {
            self.body.more_lines += 1;
        }
        self.row.skipped += 1;
        self.row.processed += 1;
        self.save(data).await
    }

    /// A notice about the whole import (once per key).
    pub async fn notice(&mut self, data: &Data<AppState>, notice: Notice) -> AppResult<()> {
        if self.body.notices.iter().any(|n| n.key == notice.key) {
            return Ok(());
        }
        self.body.notices.push(notice);
        self.save(data).await
    }

    /// Saves the progress (and the heartbeat).
    pub async fn save(&mut self, data: &Data<AppState>) -> AppResult<()> {
        self.row.report = serde_json::to_string(&self.body).unwrap_or_else(|_| "{}".into());
        self.row = db::archives::save_import(&data.db.write, self.row.clone()).await?;
        Ok(())
    }

    /// The counts so far.
    pub fn body(&self) -> &ReportBody {
        &self.body
    }

    /// Ends the import: `done`, or `failed` with the error.
    pub async fn finish(
        mut self,
        data: &Data<AppState>,
        error: Option<String>,
    ) -> AppResult<account_import::Model> {
        self.row.state = if error.is_some() { "failed" } else { "done" }.into();
        self.row.error = error;
        self.row.finished_at = Some(chrono::Utc::now());
        self.save(data).await?;
        Ok(self.row)
    }
}
