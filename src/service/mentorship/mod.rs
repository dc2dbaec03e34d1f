//! Federated mentorship (issue 4): offers and the directory ([`offers`]), suggestions ranked
//! from profile facets ([`suggestions`]), requests and decisions with capacity enforced by the
//! mentor's node ([`requests`]), the private mentorship space ([`space`]) and the readable
//! statuses and direct messages that reach every Mastodon app ([`notes`]). Local users and
//! inbound activities call the same functions.
pub mod notes;
pub mod offers;
pub mod requests;
pub mod space;
pub mod suggestions;

use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_event},
    },
    error::{AppError, AppResult},
    federation::urls::host_of,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ConnectionTrait, Set};
use url::Url;

/// The kinds of PLN notification (`GET /api/v1/pln/mentorship/notifications`).
pub const EVENT_KINDS: [&str; 14] = [
    "request_received",
    "request_accepted",
    "request_declined",
    "request_withdrawn",
    "goal_added",
    "goal_done",
    "meeting_logged",
    "message",
    "mentorship_ended",
    "offer_full",
    "collection_item_added",
    "collection_item_removed",
    "collection_follow_requested",
    "collection_follow_accepted",
];

/// What a PLN notification is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct About {
    pub offer_id: Option<i64>,
    pub request_id: Option<i64>,
    pub agreement_id: Option<i64>,
}

/// Records a PLN notification for `recipient` if it is a local account (remote parties hear of
/// it on their own node).
pub async fn notify(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    recipient: &actor::Model,
    kind: &str,
    from: i64,
    about: About,
) -> AppResult<()> {
    if !recipient.local || recipient.id == from {
        return Ok(());
    }
    db::mentorship::insert_event(
        db,
        mentorship_event::ActiveModel {
            id: Set(data.ids.next()),
            recipient_id: Set(recipient.id),
            kind: Set(kind.to_string()),
            from_actor_id: Set(from),
            offer_id: Set(about.offer_id),
            request_id: Set(about.request_id),
            agreement_id: Set(about.agreement_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    )
    .await
}

/// The inboxes among `inboxes` on hosts known to run Halqa (NodeInfo, refreshed by the
/// institutions job): only they receive the rich PLN objects.
pub async fn halqa_inboxes(
    db: &impl ConnectionTrait,
    inboxes: Vec<String>,
) -> AppResult<Vec<String>> {
    let hosts: Vec<String> = inboxes
        .iter()
        .filter_map(|i| Url::parse(i).ok().as_ref().and_then(host_of))
        .collect();
    let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let halqa = db::institutions::halqa_domains(db, &refs).await?;
    Ok(inboxes
        .into_iter()
        .filter(|i| {
            Url::parse(i)
                .ok()
                .as_ref()
                .and_then(host_of)
                .is_some_and(|h| halqa.contains(&h.to_lowercase()))
        })
        .collect())
}

/// Trims `value` and checks it is at most `max` characters (and not empty when `required`).
pub fn check_text(field: &str, value: &str, max: usize, required: bool) -> AppResult<String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::Invalid(format!("{field} can't be blank")));
    }
    if value.chars().count() > max {
        return Err(AppError::Invalid(format!(
            "{field} is longer than {max} characters"
        )));
    }
    Ok(value.to_string())
}

/// 404 for anyone but a party, 403 for the party who may not do this.
pub fn not_yours(is_party: bool, what: &str) -> AppError {
    if is_party {
        AppError::Forbidden(what.to_string())
    } else {
        AppError::not_found("request not found")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks_trim_and_limit() {
        assert_eq!(check_text("title", "  hi ", 10, true).unwrap(), "hi");
        assert!(check_text("title", "   ", 10, true).is_err());
        assert_eq!(check_text("reason", "", 10, false).unwrap(), "");
        let err = check_text("title", "abcdef", 5, true).unwrap_err();
        assert!(err.to_string().contains("longer than 5"));
    }
}
