//! A local account's marks on statuses that are not interactions: pinning its own statuses to
//! its profile (Mastodon's rules: own public, unlisted or followers-only statuses, not boosts,
//! at most [`MAX_PINS`]; public ones are announced to followers with `Add`/`Remove` on the
//! `featured` collection), and muting a conversation (its notifications stop).
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use sea_orm::TransactionTrait;

/// Most statuses an account can pin (Mastodon's limit, advertised by the instance).
pub const MAX_PINS: u64 = 5;

/// Why `post` cannot be pinned by `actor_id`, if it cannot.
pub fn pin_refusal(actor_id: i64, post: &post::Model) -> Option<&'static str> {
    if post.reblog_of_id.is_some() {
        Some("boosts cannot be pinned")
    } else if post.author_id != actor_id || post.deleted_at.is_some() {
        Some("only your own statuses can be pinned")
    } else if post.visibility == "direct" {
        Some("direct statuses cannot be pinned")
    } else {
        None
    }
}

/// Whether a pin of `post` is announced to followers (and listed in `featured`).
fn pin_is_public(post: &post::Model) -> bool {
    matches!(post.visibility.as_str(), "public" | "unlisted")
}

/// `actor` (local) pins its own status `post_id`; 422 when it cannot be pinned or
/// [`MAX_PINS`] are pinned already.
pub async fn pin(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<post::Model> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    if let Some(reason) = pin_refusal(actor.id, &post) {
        return Err(AppError::Invalid(reason.into()));
    }
    if db::posts::pins::is_pinned(&data.db.read, actor.id, post.id).await? {
        return Ok(post);
    }
    if db::posts::pins::count(&data.db.read, actor.id).await? >= MAX_PINS {
        return Err(AppError::Invalid(format!(
            "at most {MAX_PINS} statuses can be pinned"
        )));
    }
    let txn = data.db.write.begin().await?;
    db::posts::pins::insert(&txn, data.ids.next(), actor.id, post.id).await?;
    if pin_is_public(&post) {
        outbox::status_pinned(&txn, data, actor, &post).await?;
    }
    commit(data, txn).await?;
    Ok(post)
}

/// `actor` (local) unpins `post_id` (nothing happens if it was not pinned).
pub async fn unpin(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<post::Model> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    let txn = data.db.write.begin().await?;
    let was_pinned = db::posts::pins::delete(&txn, actor.id, post.id).await?;
    if was_pinned && pin_is_public(&post) && post.author_id == actor.id {
        outbox::status_unpinned(&txn, data, actor, &post).await?;
    }
    commit(data, txn).await?;
    Ok(post)
}

/// `actor` (local) mutes the conversation `post` belongs to: no more notifications from it.
pub async fn mute_conversation(
    data: &Data<AppState>,
    actor: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    let root = db::posts::threads::root_of(&data.db.read, post).await?;
    db::posts::threads::mute(&data.db.write, actor.id, root).await
}

/// `actor` (local) unmutes the conversation `post` belongs to.
pub async fn unmute_conversation(
    data: &Data<AppState>,
    actor: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    let root = db::posts::threads::root_of(&data.db.read, post).await?;
    db::posts::threads::unmute(&data.db.write, actor.id, root).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn post(author_id: i64, visibility: &str, boost: bool) -> post::Model {
        post::Model {
            id: 1,
            ap_id: "https://a.example/1".into(),
            local: true,
            author_id,
            url: None,
            content: String::new(),
            source: None,
            summary: None,
            sensitive: false,
            visibility: visibility.into(),
            language: None,
            in_reply_to_ap_id: None,
            in_reply_to_id: None,
            reblog_of_id: boost.then_some(2),
            published_at: Utc::now(),
            edited_at: None,
            created_at: Utc::now(),
            deleted_at: None,
            application_id: None,
        }
    }

    #[test]
    fn only_own_non_direct_statuses_can_be_pinned() {
        for visibility in ["public", "unlisted", "private"] {
            assert_eq!(pin_refusal(7, &post(7, visibility, false)), None);
        }
        assert!(pin_refusal(7, &post(7, "direct", false)).is_some());
        assert!(pin_refusal(8, &post(7, "public", false)).is_some());
        assert!(pin_refusal(7, &post(7, "public", true)).is_some());
        assert!(pin_is_public(&post(7, "unlisted", false)));
        assert!(!pin_is_public(&post(7, "private", false)));
    }
}
