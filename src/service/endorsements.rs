//! A local account's private notes on other accounts and the accounts it endorses (features
//! on its profile). Both stay on this node: notes are private, endorsements are only shown
//! through the client API (`/api/v1/endorsements`).
use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;

/// Longest note, in characters (Mastodon's limit).
pub const MAX_NOTE_CHARS: usize = 2_000;

/// `actor` (local) sets its private note on `target`; an empty comment removes it.
pub async fn set_note(
    data: &Data<AppState>,
    actor: &actor::Model,
    target: &actor::Model,
    comment: &str,
) -> AppResult<()> {
    if comment.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::Invalid(format!(
            "a note is at most {MAX_NOTE_CHARS} characters"
        )));
    }
    db::relationships::set_note(&data.db.write, actor.id, target.id, comment.trim()).await
}

/// `actor` (local) endorses `target`, which it must follow (as on Mastodon).
pub async fn endorse(
    data: &Data<AppState>,
    actor: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    if actor.id == target.id {
        return Err(AppError::Invalid("you cannot endorse yourself".into()));
    }
    let follows = db::follows::find(&data.db.read, actor.id, target.id)
        .await?
        .is_some_and(|f| f.accepted);
    if !follows {
        return Err(AppError::Invalid(
            "you must be following an account to endorse it".into(),
        ));
    }
    db::relationships::insert_endorsement(&data.db.write, data.ids.next(), actor.id, target.id)
        .await
}

/// `actor` (local) stops endorsing `target`.
pub async fn unendorse(
    data: &Data<AppState>,
    actor: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    db::relationships::delete_endorsement(&data.db.write, actor.id, target.id).await
}
