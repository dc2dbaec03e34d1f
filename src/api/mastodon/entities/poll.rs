//! `Poll`: options with counts (hidden until it ends when `hide_totals`), and the viewer's votes.
use super::{Emojis, opt_datetime};
use crate::db::entity::poll;
use chrono::Utc;
use serde::Serialize;

/// One option.
#[derive(Debug, Clone, Serialize)]
pub struct PollOption {
    pub title: String,
    pub votes_count: Option<i64>,
}

/// Mastodon's Poll entity.
#[derive(Debug, Clone, Serialize)]
pub struct Poll {
    pub id: String,
    pub expires_at: Option<String>,
    pub expired: bool,
    pub multiple: bool,
    pub votes_count: i64,
    pub voters_count: Option<i64>,
    pub options: Vec<PollOption>,
    pub emojis: Emojis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_votes: Option<Vec<i32>>,
}

/// Builds the entity; `own_votes` is `Some` for a signed-in viewer; `is_author` shows totals.
pub fn build(p: &poll::Model, own_votes: Option<Vec<i32>>, is_author: bool) -> Poll {
    let titles: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
    let counts: Vec<i64> = serde_json::from_str(&p.vote_counts).unwrap_or_default();
    let expired = p.expires_at.is_some_and(|e| e <= Utc::now());
    let show_totals = !p.hide_totals || expired || is_author;
    let votes_count: i64 = counts.iter().sum();
    Poll {
        id: p.post_id.to_string(),
        expires_at: opt_datetime(&p.expires_at),
        expired,
        multiple: p.multiple,
        votes_count,
        // Single-choice polls: one vote per voter.
        voters_count: Some(if p.multiple {
            i64::from(p.voters_count)
        } else {
            votes_count
        }),
        options: titles
            .into_iter()
            .enumerate()
            .map(|(i, title)| PollOption {
                title,
                votes_count: show_totals.then(|| counts.get(i).copied().unwrap_or(0)),
            })
            .collect(),
        emojis: Vec::new(),
        voted: own_votes.as_ref().map(|v| !v.is_empty() || is_author),
        own_votes,
    }
}
