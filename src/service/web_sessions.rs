//! Browser logins: opening a session for a checked login (the cookie value is returned once,
//! only its SHA-256 is stored), finding the user of a cookie (sliding 30-day expiry), logging
//! out, and the interface language a user chose.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, local_user, web_session},
    },
    error::{AppError, AppResult},
    service::accounts::{random_token, token_hash},
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use sea_orm::Set;

/// How long an unused session lives.
pub const SESSION_DAYS: i64 = 30;
/// A session's end moves at most this often (one write per hour of use, not per page).
const TOUCH_EVERY_MINUTES: i64 = 60;
/// The interface languages (Fluent files under `frontend/locales`).
pub const LOCALES: [&str; 3] = ["ar", "fr", "en"];

/// Opens a session for `user` (whose password was checked); returns the cookie value.
pub async fn open(data: &Data<AppState>, user: &local_user::Model) -> AppResult<String> {
    let token = random_token(32);
    let now = Utc::now();
    db::web_sessions::insert(
        &data.db.write,
        web_session::ActiveModel {
            id: Set(data.ids.next()),
            token_hash: Set(token_hash(&token)),
            user_id: Set(user.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + Duration::days(SESSION_DAYS)),
        },
    )
    .await?;
    Ok(token)
}

/// The live user and actor of a session cookie, if any (deleted accounts have none).
pub async fn user_of(
    data: &Data<AppState>,
    token: &str,
) -> AppResult<Option<(local_user::Model, actor::Model)>> {
    let now = Utc::now();
    let Some((session, user)) =
        db::web_sessions::find_live(&data.db.read, &token_hash(token), now).await?
    else {
        return Ok(None);
    };
    let actor = db::actors::get_by_id(&data.db.read, user.actor_id).await?;
    if actor.deleted_at.is_some() {
        return Ok(None);
    }
    if now - session.last_seen_at > Duration::minutes(TOUCH_EVERY_MINUTES) {
        db::web_sessions::touch(
            &data.db.write,
            session.id,
            now,
            now + Duration::days(SESSION_DAYS),
        )
        .await?;
    }
    Ok(Some((user, actor)))
}

/// Ends the session of this cookie (nothing happens for an unknown one).
pub async fn close(data: &Data<AppState>, token: &str) -> AppResult<()> {
    db::web_sessions::delete_by_hash(&data.db.write, &token_hash(token)).await
}

/// Removes ended sessions (scheduled job); returns how many went.
pub async fn prune(db: &crate::db::Db) -> AppResult<u64> {
    db::web_sessions::delete_expired(&db.write, Utc::now()).await
}

/// Sets the interface language of `user`: one of [`LOCALES`], or empty to follow the browser.
pub async fn set_locale(
    data: &Data<AppState>,
    user: &local_user::Model,
    locale: &str,
) -> AppResult<()> {
    let locale = locale.trim();
    if !locale.is_empty() && !LOCALES.contains(&locale) {
        return Err(AppError::Invalid(format!(
            "language must be one of {}",
            LOCALES.join(", ")
        )));
    }
    db::web_sessions::set_locale(
        &data.db.write,
        user.id,
        (!locale.is_empty()).then(|| locale.to_string()),
    )
    .await
}
