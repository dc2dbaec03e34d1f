//! One-time password reset links (`halqa admin users reset-password <user> --link`): making a
//! link (only its SHA-256 is stored; 24 hours; one use), checking one, and using it to set a new
//! password, which revokes the user's API tokens and ends their browser sessions.
use crate::{
    AppState,
    db::{
        self,
        entity::{local_user, password_reset},
    },
    error::AppResult,
    service::{
        accounts::{hash_password, random_token, token_hash},
        moderation::audit,
    },
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, Set, TransactionTrait};

/// How long a link works.
pub const LINK_HOURS: i64 = 24;

/// Stores a new link for `user` (ending their earlier unused ones); returns the token.
pub async fn create(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    user: &local_user::Model,
) -> AppResult<String> {
    let token = random_token(32);
    let now = Utc::now();
    db::password_resets::expire_of_user(db, user.id, now).await?;
    db::password_resets::insert(
        db,
        password_reset::ActiveModel {
            id: Set(data.ids.next()),
            token_hash: Set(token_hash(&token)),
            user_id: Set(user.id),
            created_at: Set(now),
            expires_at: Set(now + Duration::hours(LINK_HOURS)),
            used_at: Set(None),
        },
    )
    .await?;
    Ok(token)
}

/// The web address of a link.
pub fn link(data: &Data<AppState>, token: &str) -> String {
    format!("{}/reset/{token}", data.urls.base())
}

/// Why a link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// No such link (or its account is gone).
    Unknown,
    Expired,
    Used,
}

/// The user a link resets, if it can still be used.
pub async fn check(
    data: &Data<AppState>,
    token: &str,
) -> AppResult<Result<local_user::Model, Unusable>> {
    let Some((link, user)) =
        db::password_resets::find_by_hash(&data.db.read, &token_hash(token)).await?
    else {
        return Ok(Err(Unusable::Unknown));
    };
    Ok(if link.used_at.is_some() {
        Err(Unusable::Used)
    } else if link.expires_at <= Utc::now() {
        Err(Unusable::Expired)
    } else if user.disabled {
        Err(Unusable::Unknown)
    } else {
        Ok(user)
    })
}

/// Sets `password` (the sign-up rule: at least 8 characters) for the user of a usable link and
/// uses the link up; their API tokens are revoked and browser sessions ended, all in one
/// transaction. Audited as `account.password_reset_used` by the user. An unusable link (also one
/// used by a concurrent request) changes nothing.
pub async fn use_link(
    data: &Data<AppState>,
    token: &str,
    password: String,
) -> AppResult<Result<local_user::Model, Unusable>> {
    let user = match check(data, token).await? {
        Ok(user) => user,
        Err(why) => return Ok(Err(why)),
    };
    let hash = hash_password(password).await?;
    let Some((link, _)) =
        db::password_resets::find_by_hash(&data.db.read, &token_hash(token)).await?
    else {
        return Ok(Err(Unusable::Unknown));
    };
    let txn = data.db.write.begin().await?;
    if !db::password_resets::mark_used(&txn, link.id, Utc::now()).await? {
        return Ok(Err(Unusable::Used));
    }
    db::admin_accounts::set_password(&txn, user.id, &hash).await?;
    db::admin_accounts::revoke_tokens(&txn, user.id).await?;
    db::web_sessions::delete_of_user(&txn, user.id).await?;
    audit::record(
        &txn,
        data,
        Some(user.actor_id),
        "account.password_reset_used",
        "account",
        &user.actor_id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(local_user::Model {
        password_hash: hash,
        ..user
    }))
}
