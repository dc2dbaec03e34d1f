//! Server-side filtering of Status entities: the viewer's filters for a context mark each
//! matched status (`filtered`, with Mastodon's FilterResult) and drop those a `hide` filter
//! matches. Which filters are active and how keywords match is `service::filters`.
use crate::{
    AppState,
    api::mastodon::entities::Status,
    error::AppResult,
    service::filters::{self, FilterView, keyword_regex},
};
use activitypub_federation::config::Data;
use regex::Regex;
use std::collections::HashSet;

/// The text a filter matches against: content warning, content, media descriptions and poll
/// options, as plain text.
pub fn searchable_text(status: &Status) -> String {
    let mut parts = vec![
        status.spoiler_text.clone(),
        crate::text::html_to_plain_text(&status.content),
    ];
    parts.extend(
        status
            .media_attachments
            .iter()
            .filter_map(|m| m.description.clone()),
    );
    if let Some(poll) = &status.poll {
        parts.extend(poll.options.iter().map(|o| o.title.clone()));
    }
    parts.join("\n\n")
}

/// An active filter ready to match.
struct Compiled {
    view: FilterView,
    keywords: Vec<(String, Regex)>,
    status_ids: HashSet<String>,
    entity: serde_json::Value,
}

impl Compiled {
    fn new(view: FilterView) -> Self {
        let keywords = view
            .keywords
            .iter()
            .filter_map(|k| keyword_regex(&k.keyword, k.whole_word).map(|r| (k.keyword.clone(), r)))
            .collect();
        let status_ids = view
            .statuses
            .iter()
            .map(|s| s.post_id.to_string())
            .collect();
        let entity = serde_json::to_value(super::filters::filter_entity(&view)).unwrap_or_default();
        Compiled {
            view,
            keywords,
            status_ids,
            entity,
        }
    }

    /// The FilterResult for a status (the inner one for boosts), if this filter matches it.
    fn result(&self, status: &Status, text: &str) -> Option<serde_json::Value> {
        let keyword_matches: Vec<&str> = self
            .keywords
            .iter()
            .filter(|(_, r)| r.is_match(text))
            .map(|(k, _)| k.as_str())
            .collect();
        let status_matches: Vec<&str> = if self.status_ids.contains(&status.id) {
            vec![status.id.as_str()]
        } else {
            Vec::new()
        };
        if keyword_matches.is_empty() && status_matches.is_empty() {
            return None;
        }
        Some(serde_json::json!({
            "filter": self.entity,
            "keyword_matches": (!keyword_matches.is_empty()).then_some(keyword_matches),
            "status_matches": (!status_matches.is_empty()).then_some(status_matches),
        }))
    }
}

/// Applies the viewer's active filters for `context` (home, notifications, public, thread,
/// account) to a page of statuses: each matched status (and a boost's wrapper, for a match on
/// the boosted status) gets its FilterResults in `filtered`; statuses a `hide` filter matches
/// are removed. Loads the filters once for the page.
pub async fn apply(
    data: &Data<AppState>,
    viewer_actor_id: i64,
    context: &str,
    statuses: &mut Vec<Status>,
) -> AppResult<()> {
    if statuses.is_empty() {
        return Ok(());
    }
    let filters = filters::active_for(data, viewer_actor_id, context).await?;
    apply_views(&filters, statuses);
    Ok(())
}

/// [`apply`] with the filters already loaded (and selected for the context).
pub fn apply_views(filters: &[FilterView], statuses: &mut Vec<Status>) {
    if filters.is_empty() {
        return;
    }
    let compiled: Vec<Compiled> = filters.iter().cloned().map(Compiled::new).collect();
    statuses.retain_mut(|status| {
        let (results, hide) = {
            let target: &Status = status.reblog.as_deref().unwrap_or(status);
            let text = searchable_text(target);
            let mut hide = false;
            let mut results = Vec::new();
            for c in &compiled {
                if let Some(result) = c.result(target, &text) {
                    hide |= c.view.filter.action == "hide";
                    results.push(result);
                }
            }
            (results, hide)
        };
        if hide {
            return false;
        }
        if !results.is_empty() {
            if let Some(inner) = status.reblog.as_deref_mut() {
                inner.filtered = Some(results.clone());
            }
            status.filtered = Some(results);
        }
        true
    });
}
