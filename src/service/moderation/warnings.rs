//! Moderation warnings: the optional message staff send a local user with an action (a plain
//! warning, a limit, a suspension, deleted posts). It is stored (`account_warning`) and
//! delivered as a `moderation_warning` notification (Mastodon 4.3) in the moderation action's
//! transaction; the notification comes from the node's instance actor, so the user does not
//! learn which moderator acted. Other servers are not told (Mastodon does not federate them).
use crate::{
    AppState,
    db::{
        self,
        entity::{account_warning, actor, notification},
    },
    error::{AppError, AppResult},
    service::{events::Event, moderation::Moderator},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ConnectionTrait, NotSet, Set};

/// Longest warning text, in characters.
pub const MAX_WARNING: usize = 5000;

/// The message, trimmed, if one was given; 422 when it cannot be delivered (a remote account)
/// or is too long. Checked before the action, so a refused message changes nothing.
pub fn checked_message<'a>(
    target: &actor::Model,
    message: Option<&'a str>,
) -> AppResult<Option<&'a str>> {
    let Some(text) = message.map(str::trim).filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if !target.local {
        return Err(AppError::Invalid(
            "a message can only be sent to local accounts".into(),
        ));
    }
    if text.chars().count() > MAX_WARNING {
        return Err(AppError::Invalid(format!(
            "the message is too long (maximum is {MAX_WARNING} characters)"
        )));
    }
    Ok(Some(text))
}

/// What a warning is about.
pub struct Warning<'a> {
    pub target: &'a actor::Model,
    /// Mastodon's AccountWarning action: none, disable, silence, suspend, delete_statuses.
    pub action: &'a str,
    pub text: &'a str,
    pub report_id: Option<i64>,
    pub status_ids: &'a [i64],
}

/// Stores the warning and notifies its target (in `db`, the action's transaction; the event
/// is published when the caller commits through `service::commit`).
pub async fn send(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    by: Moderator<'_>,
    warning: Warning<'_>,
) -> AppResult<account_warning::Model> {
    let id = data.ids.next();
    let now = Utc::now();
    let row = db::warnings::insert(
        db,
        account_warning::ActiveModel {
            id: Set(id),
            target_id: Set(warning.target.id),
            action: Set(warning.action.to_string()),
            text: Set(warning.text.to_string()),
            report_id: Set(warning.report_id),
            status_ids: Set(
                serde_json::to_string(warning.status_ids).unwrap_or_else(|_| "[]".into())
            ),
            created_by_id: Set(by.actor_id()),
            created_at: Set(now),
        },
    )
    .await?;
    let from = data.instance_actor.id;
    db::notifications::insert(
        db,
        notification::ActiveModel {
            id: Set(id),
            recipient_id: Set(warning.target.id),
            kind: Set("moderation_warning".into()),
            from_actor_id: Set(from),
            post_id: Set(None),
            report_id: Set(None),
            created_at: Set(now),
            group_key: NotSet,
        },
    )
    .await?;
    data.events
        .stage(Event::notification(id, warning.target.id, from));
    Ok(row)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn actor(local: bool) -> actor::Model {
        actor::Model {
            local,
            ..actor::Model::sample(1, "x")
        }
    }

    #[test]
    fn messages_go_to_local_accounts_only_and_are_bounded() {
        assert_eq!(checked_message(&actor(true), None).unwrap(), None);
        assert_eq!(checked_message(&actor(false), Some("  ")).unwrap(), None);
        assert_eq!(
            checked_message(&actor(true), Some(" Merci de relire la charte ")).unwrap(),
            Some("Merci de relire la charte")
        );
        assert!(checked_message(&actor(false), Some("hello")).is_err());
        let long = "x".repeat(MAX_WARNING + 1);
        assert!(checked_message(&actor(true), Some(&long)).is_err());
    }
}
