//! Registration rules: who may sign up (`POST /api/v1/accounts`, the web sign-up) under the
//! node's mode — open, approval (the account waits for staff), invite (a live invite code is
//! needed) or closed — and its allowed email domains; invite codes (expiry, number of uses);
//! and what a pending, rejected or disabled account sees when it tries to log in.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, invite, local_user},
    },
    error::{AppError, AppResult},
    service::{
        accounts::{self, NewUser, Registration},
        moderation::{Moderator, audit},
        settings,
    },
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use sea_orm::{Set, TransactionTrait};

/// Longest reason an applicant may give.
pub const MAX_REASON: usize = 1000;

/// A sign-up as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct Application {
    pub username: String,
    pub email: String,
    pub password: String,
    pub agreement: bool,
    pub locale: Option<String>,
    pub reason: Option<String>,
    pub invite_code: Option<String>,
}

/// Why a local user may not use the node now (the message Mastodon answers with), if so.
pub fn login_refusal(user: &local_user::Model) -> Option<&'static str> {
    match user.approval.as_str() {
        "pending" => Some("Your login is currently pending approval"),
        "rejected" => Some("Your registration was not approved by the moderators of this node"),
        _ if user.disabled => Some("Your login is currently disabled"),
        _ => None,
    }
}

/// Signs up under the node's rules. Closed → 403; agreement missing, email domain not
/// allowed, invite missing, unknown, expired, revoked or used up → 422; nothing is created
/// then. Approval mode (without an invite) creates the account `pending`.
pub async fn sign_up(
    data: &Data<AppState>,
    application: Application,
) -> AppResult<(local_user::Model, actor::Model)> {
    let rules = settings::current(&data.db.read, &data.config).await?;
    if !rules.registrations_enabled() {
        return Err(AppError::Forbidden(
            "Registrations are closed on this node; ask its admin for an account".into(),
        ));
    }
    if !application.agreement {
        return Err(AppError::Invalid(
            "Validation failed: Agreement must be accepted".into(),
        ));
    }
    if !rules.email_allowed(&application.email) {
        return Err(AppError::Invalid(format!(
            "Validation failed: Email must be an address at {}",
            rules.registrations_allowed_email_domains.join(", ")
        )));
    }
    let reason = application
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON)
    {
        return Err(AppError::Invalid(format!(
            "Validation failed: Reason is too long (maximum is {MAX_REASON} characters)"
        )));
    }
    let code = application
        .invite_code
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let invite = match &code {
        Some(code) => Some(live_invite(data, code).await?),
        None if rules.registrations_mode == "invite" => {
            return Err(AppError::Invalid(
                "Validation failed: an invite code is needed to sign up on this node".into(),
            ));
        }
        None => None,
    };
    let new = NewUser {
        username: application.username,
        email: application.email,
        password: application.password,
        role: "user".into(),
    };
    accounts::check_new_user(&data.db, &new).await?;
    if new.password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "password must have at least 8 characters".into(),
        ));
    }
    // An invite lets its holder in without waiting, as on Mastodon.
    let approval = if rules.approval_required() && invite.is_none() {
        "pending"
    } else {
        "approved"
    };
    if let Some(invite) = &invite
        && !db::invites::take_use(&data.db.write, invite.id, Utc::now()).await?
    {
        return Err(AppError::Invalid(
            "Validation failed: this invite has expired or been used up".into(),
        ));
    }
    let registration = Registration {
        approval,
        reason,
        invite_id: invite.as_ref().map(|i| i.id),
        locale: application
            .locale
            .map(|l| l.trim().to_lowercase())
            .filter(|l| matches!(l.as_str(), "ar" | "fr" | "en")),
    };
    let created = accounts::sign_up(data, new, registration).await;
    if created.is_err()
        && let Some(invite) = &invite
    {
        // Nothing was created (e.g. a concurrent sign-up took the name): give the use back.
        db::invites::give_back_use(&data.db.write, invite.id).await?;
    }
    created
}

/// An invite that can still be used, or a 422 saying why not.
async fn live_invite(data: &Data<AppState>, code: &str) -> AppResult<invite::Model> {
    let invite = db::invites::by_code(&data.db.read, code)
        .await?
        .ok_or_else(|| {
            AppError::Invalid("Validation failed: this invite code is not valid".into())
        })?;
    let now = Utc::now();
    if invite.revoked_at.is_some() {
        return Err(AppError::Invalid(
            "Validation failed: this invite has been revoked".into(),
        ));
    }
    if invite.expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::Invalid(
            "Validation failed: this invite has expired".into(),
        ));
    }
    if invite.max_uses.is_some_and(|max| invite.uses >= max) {
        return Err(AppError::Invalid(
            "Validation failed: this invite has been used up".into(),
        ));
    }
    Ok(invite)
}

/// Longest an invite may live (a year), and most uses (Mastodon offers up to 100).
pub const MAX_INVITE_SECS: i64 = 365 * 24 * 3600;
pub const MAX_INVITE_USES: i32 = 1000;

/// Makes an invite (staff only); `expires_in` seconds and `max_uses` optional.
pub async fn create_invite(
    data: &Data<AppState>,
    by: Moderator<'_>,
    max_uses: Option<i32>,
    expires_in: Option<i64>,
) -> AppResult<invite::Model> {
    by.require_staff()?;
    if max_uses.is_some_and(|n| !(1..=MAX_INVITE_USES).contains(&n)) {
        return Err(AppError::Invalid(format!(
            "max_uses must be from 1 to {MAX_INVITE_USES}"
        )));
    }
    if expires_in.is_some_and(|s| !(60..=MAX_INVITE_SECS).contains(&s)) {
        return Err(AppError::Invalid(format!(
            "expires_in must be from 60 to {MAX_INVITE_SECS} seconds"
        )));
    }
    let now = Utc::now();
    let txn = data.db.write.begin().await?;
    let row = db::invites::insert(
        &txn,
        invite::ActiveModel {
            id: Set(data.ids.next()),
            code: Set(accounts::random_token(9)),
            created_by_id: Set(by.actor_id()),
            max_uses: Set(max_uses),
            uses: Set(0),
            expires_at: Set(expires_in.map(|s| now + Duration::seconds(s))),
            revoked_at: Set(None),
            created_at: Set(now),
        },
    )
    .await?;
    let note = format!(
        "max_uses={} expires_at={}",
        max_uses.map_or("unlimited".into(), |n| n.to_string()),
        row.expires_at.map_or("never".into(), |t| t.to_rfc3339())
    );
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "invite.create",
        "invite",
        &row.id.to_string(),
        &note,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Every invite (staff only), newest first.
pub async fn list_invites(
    data: &Data<AppState>,
    by: Moderator<'_>,
) -> AppResult<Vec<invite::Model>> {
    by.require_staff()?;
    db::invites::all(&data.db.read).await
}

/// Revokes an invite (staff only); 404 for an unknown one.
pub async fn revoke_invite(
    data: &Data<AppState>,
    by: Moderator<'_>,
    id: i64,
) -> AppResult<invite::Model> {
    by.require_staff()?;
    let found = db::invites::get(&data.db.read, id)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    let txn = data.db.write.begin().await?;
    db::invites::revoke(&txn, id, Utc::now()).await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "invite.revoke",
        "invite",
        &id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(db::invites::get(&data.db.read, id).await?.unwrap_or(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(approval: &str, disabled: bool) -> local_user::Model {
        local_user::Model {
            id: 1,
            email: "a@b.ma".into(),
            approval: approval.into(),
            disabled,
            ..local_user::Model::sample(2)
        }
    }

    #[test]
    fn pending_rejected_and_disabled_accounts_cannot_log_in() {
        assert_eq!(login_refusal(&user("approved", false)), None);
        assert!(login_refusal(&user("pending", false)).is_some_and(|m| m.contains("pending")));
        assert!(
            login_refusal(&user("rejected", false)).is_some_and(|m| m.contains("not approved"))
        );
        assert!(login_refusal(&user("approved", true)).is_some_and(|m| m.contains("disabled")));
    }
}
