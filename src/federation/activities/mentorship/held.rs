//! Mentorship activities for a local account that moved here, before its archive import
//! brings the agreement they belong to: held (`held_activity`), then applied by the import.
use super::{dispatch, same_origin};
use crate::{
    AppState, db,
    db::entity::actor,
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use serde::Serialize;
use serde_json::Value;
use url::Url;

/// The local account a mentorship activity about `context`, which this node does not know, is
/// for, when that account moved here (it has aliases): the mentorship came with the person and
/// its agreement arrives with their archive import. Such an activity is held until then
/// ([`hold`], [`replay_held`]), so nothing the other party writes in between is lost; anything
/// else unknown stays a 404.
pub(super) async fn moved_in_recipient(
    data: &Data<AppState>,
    context: &str,
    to: &[Url],
) -> AppResult<Option<actor::Model>> {
    if db::mentorship::find_agreement_by_ap_id(&data.db.read, context)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    for recipient in to.iter().filter(|u| data.urls.is_local(u)) {
        let Some(name) = data.urls.parse_actor(recipient.as_str()) else {
            continue;
        };
        if let Some(local) = db::actors::find_local(&data.db.read, &name).await?
            && !local.aliases().is_empty()
        {
            return Ok(Some(local));
        }
    }
    Ok(None)
}

/// Most activities held for one account: a real move brings a few days of one person's
/// mentorships; a sender filling the table for someone is cut off here.
const MAX_HELD_PER_ACCOUNT: u64 = 1000;

/// Keeps `activity` (verified: its actor signed it, and its id is on the actor's domain) for
/// `recipient` until agreement `context` is imported. Whether the sender is a party of that
/// mentorship is checked when it is replayed, as for any other; what no import claims, the
/// prune job forgets after 30 days.
pub(super) async fn hold<T: Serialize>(
    data: &Data<AppState>,
    recipient: &actor::Model,
    context: &str,
    actor_id: &Url,
    activity_id: &Url,
    activity: &T,
) -> AppResult<()> {
    same_origin(activity_id, actor_id, "the activity")?;
    if db::moves::held_count(&data.db.read, recipient.id).await? >= MAX_HELD_PER_ACCOUNT {
        tracing::warn!(%context, to = %recipient.ap_id, "too many mentorship activities held for one account: dropped");
        return Ok(());
    }
    let body = serde_json::to_string(activity)
        .map_err(|e| anyhow::anyhow!("cannot keep a mentorship activity: {e}"))?;
    db::moves::hold_activity(
        &data.db.write,
        data.ids.next(),
        recipient.id,
        context,
        &body,
    )
    .await?;
    tracing::info!(%context, to = %recipient.ap_id, "a mentorship activity for an account that moved here, before its archive: held");
    Ok(())
}

/// Applies the activities held for agreement `context` (just imported), in the order they
/// arrived, and forgets them; one that fails now is logged and forgotten. Returns how many
/// were applied.
pub async fn replay_held(data: &Data<AppState>, context: &str) -> AppResult<usize> {
    let mut applied = 0;
    for row in db::moves::held_for(&data.db.read, context).await? {
        let outcome = match serde_json::from_str::<Value>(&row.body) {
            Ok(value) => {
                let kind = value
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                Box::pin(dispatch(&kind, value, data)).await
            }
            Err(e) => Err(AppError::BadRequest(format!("unreadable: {e}"))),
        };
        match outcome {
            Ok(()) => applied += 1,
            Err(e) => {
                tracing::warn!(%context, error = %e, "a held mentorship activity could not be applied")
            }
        }
        db::moves::forget_held(&data.db.write, row.id).await?;
    }
    Ok(applied)
}
