//! What staff do to accounts: approve or reject a pending sign-up, disable and enable logins,
//! silence (limit) and unsilence, suspend, change roles (admins only), reset passwords (admins
//! only). Each action is written to the audit log in the same transaction.
//!
//! Suspending a local account is [`accounts::delete_account`] (Delete(actor) federated, posts
//! and follows removed, tokens revoked) plus the mark. Lifting it brings the account back: it
//! can log in and is served again (other servers fetch it again on its next contact), but what
//! was removed stays removed. A remote account's suspension forgets it here (its posts and
//! follows) and refuses its activities; once lifted it is fetched again on its next contact.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, local_user},
    },
    error::{AppError, AppResult},
    service::{
        accounts::{self, ROLES},
        commit,
        moderation::{Moderator, audit, warnings},
        password_resets,
    },
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::TransactionTrait;

/// An account action (Mastodon's `POST /api/v1/admin/accounts/:id/action` types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    None,
    Disable,
    Silence,
    Suspend,
}

impl AccountAction {
    /// Parses Mastodon's `type` (`sensitive` is not supported: media is not marked per account).
    pub fn parse(raw: &str) -> AppResult<AccountAction> {
        Ok(match raw {
            "none" => AccountAction::None,
            "disable" => AccountAction::Disable,
            "silence" => AccountAction::Silence,
            "suspend" => AccountAction::Suspend,
            other => {
                return Err(AppError::Invalid(format!(
                    "type {other:?} must be one of none, disable, silence, suspend"
                )));
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            AccountAction::None => "none",
            AccountAction::Disable => "disable",
            AccountAction::Silence => "silence",
            AccountAction::Suspend => "suspend",
        }
    }
}

/// The account (any actor but the instance's own) and its user row when local.
pub async fn target(
    data: &Data<AppState>,
    actor_id: i64,
) -> AppResult<(actor::Model, Option<local_user::Model>)> {
    let actor = db::actors::get_by_id(&data.db.read, actor_id)
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    if actor.kind == "Application" {
        return Err(AppError::not_found("Record not found"));
    }
    let user = if actor.local {
        db::users::find_by_actor(&data.db.read, actor.id).await?
    } else {
        None
    };
    Ok((actor, user))
}

fn local_user_of(user: Option<local_user::Model>) -> AppResult<local_user::Model> {
    user.ok_or_else(|| AppError::Invalid("this applies to local accounts only".into()))
}

/// Refuses acting on oneself and, for moderators, on staff (only admins moderate staff).
fn check_target(
    by: Moderator<'_>,
    target: &actor::Model,
    user: Option<&local_user::Model>,
) -> AppResult<()> {
    if by.actor_id() == Some(target.id) {
        return Err(AppError::Forbidden(
            "You cannot do this to your own account".into(),
        ));
    }
    if let Some(user) = user
        && matches!(user.role.as_str(), "admin" | "moderator")
    {
        by.require_admin()?;
    }
    Ok(())
}

/// Approves a pending sign-up: the account can log in from now on.
pub async fn approve(data: &Data<AppState>, by: Moderator<'_>, actor_id: i64) -> AppResult<()> {
    by.require_staff()?;
    let (actor, user) = target(data, actor_id).await?;
    let user = local_user_of(user)?;
    if user.approval != "pending" {
        return Err(AppError::Forbidden(
            "This account is not pending approval".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    db::admin_accounts::set_approval(&txn, user.id, "approved").await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "account.approve",
        "account",
        &actor.id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Rejects a pending sign-up: the account never becomes usable; logging in tells the applicant
/// it was not approved. Its name stays taken (the actor is marked deleted, like Mastodon's).
pub async fn reject(
    data: &Data<AppState>,
    by: Moderator<'_>,
    actor_id: i64,
    note: &str,
) -> AppResult<()> {
    by.require_staff()?;
    let (actor, user) = target(data, actor_id).await?;
    let user = local_user_of(user)?;
    if user.approval != "pending" {
        return Err(AppError::Forbidden(
            "This account is not pending approval".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    db::admin_accounts::set_approval(&txn, user.id, "rejected").await?;
    db::actors::mark_deleted(&txn, actor.id).await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "account.reject",
        "account",
        &actor.id.to_string(),
        note,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Applies an account action with a note for staff (`note`, in the audit log) and an optional
/// message to a local user (`message`, delivered as a `moderation_warning` notification);
/// `report_id` resolves that report too.
pub async fn act(
    data: &Data<AppState>,
    by: Moderator<'_>,
    actor_id: i64,
    action: AccountAction,
    note: &str,
    message: Option<&str>,
    report_id: Option<i64>,
) -> AppResult<()> {
    by.require_staff()?;
    let (actor, user) = target(data, actor_id).await?;
    check_target(by, &actor, user.as_ref())?;
    let message = warnings::checked_message(&actor, message)?;
    let mut status_ids = Vec::new();
    if let Some(report_id) = report_id {
        let report = db::reports::get(&data.db.read, report_id)
            .await?
            .ok_or_else(|| AppError::not_found("Record not found"))?;
        if report.target_id != actor.id {
            return Err(AppError::Invalid(
                "the report is about another account".into(),
            ));
        }
        status_ids = serde_json::from_str(&report.status_ids).unwrap_or_default();
    }
    match action {
        AccountAction::None => {}
        AccountAction::Disable => {
            let user = local_user_of(user)?;
            db::admin_accounts::set_disabled(&data.db.write, user.id, true).await?;
        }
        AccountAction::Silence => {
            db::admin_accounts::set_silenced(&data.db.write, actor.id, Some(Utc::now())).await?;
        }
        AccountAction::Suspend => suspend(data, &actor).await?,
    }
    let txn = data.db.write.begin().await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        &format!("account.{}", action.name()),
        "account",
        &actor.id.to_string(),
        note,
    )
    .await?;
    if let Some(text) = message {
        warnings::send(
            &txn,
            data,
            by,
            warnings::Warning {
                target: &actor,
                action: action.name(),
                text,
                report_id,
                status_ids: &status_ids,
            },
        )
        .await?;
    }
    if let Some(report_id) = report_id {
        db::reports::resolve(&txn, report_id, by.actor_id(), Utc::now()).await?;
        audit::record(
            &txn,
            data,
            by.actor_id(),
            "report.resolve",
            "report",
            &report_id.to_string(),
            note,
        )
        .await?;
    }
    commit(data, txn).await
}

/// Suspends an account: a local one is deleted for good (Delete(actor) to the servers that
/// know it, tokens revoked); a remote one is forgotten here.
async fn suspend(data: &Data<AppState>, actor: &actor::Model) -> AppResult<()> {
    if actor.suspended_at.is_some() {
        return Ok(());
    }
    if actor.local {
        accounts::delete_account(data, actor).await?;
    } else {
        crate::service::posts::receive_delete_actor(data, actor).await?;
    }
    db::admin_accounts::set_suspended(&data.db.write, actor.id, Some(Utc::now())).await
}

/// Lifts a disable, silence or (remote only) suspension.
pub async fn undo(
    data: &Data<AppState>,
    by: Moderator<'_>,
    actor_id: i64,
    action: AccountAction,
) -> AppResult<()> {
    by.require_staff()?;
    let (actor, user) = target(data, actor_id).await?;
    check_target(by, &actor, user.as_ref())?;
    let name = match action {
        AccountAction::Disable => {
            let user = local_user_of(user)?;
            db::admin_accounts::set_disabled(&data.db.write, user.id, false).await?;
            "account.enable"
        }
        AccountAction::Silence => {
            db::admin_accounts::set_silenced(&data.db.write, actor.id, None).await?;
            "account.unsilence"
        }
        AccountAction::Suspend => {
            if actor.suspended_at.is_none() {
                return Err(AppError::Forbidden("This account is not suspended".into()));
            }
            let txn = data.db.write.begin().await?;
            db::admin_accounts::set_suspended(&txn, actor.id, None).await?;
            // The suspension marked the account deleted: it comes back (a local one can log in
            // and is served again; a remote one is fetched again on its next contact).
            db::actors::clear_deleted(&txn, actor.id).await?;
            txn.commit().await?;
            "account.unsuspend"
        }
        AccountAction::None => return Ok(()),
    };
    let txn = data.db.write.begin().await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        name,
        "account",
        &actor.id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Changes a local user's role (admins only); the last admin cannot be demoted.
pub async fn set_role(
    data: &Data<AppState>,
    by: Moderator<'_>,
    actor_id: i64,
    role: &str,
) -> AppResult<local_user::Model> {
    by.require_admin()?;
    if !ROLES.contains(&role) {
        return Err(AppError::Invalid(format!(
            "role must be one of {}",
            ROLES.join(", ")
        )));
    }
    let (actor, user) = target(data, actor_id).await?;
    let user = local_user_of(user)?;
    if user.role == role {
        return Ok(user);
    }
    if user.role == "admin" && db::admin_accounts::admin_count(&data.db.read).await? <= 1 {
        return Err(AppError::Forbidden(
            "The last admin cannot lose the role".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    db::admin_accounts::set_role(&txn, user.id, role).await?;
    let note = format!("{} → {role}", user.role);
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "account.role",
        "account",
        &actor.id.to_string(),
        &note,
    )
    .await?;
    txn.commit().await?;
    Ok(local_user::Model {
        role: role.to_string(),
        ..user
    })
}

/// Gives a local user a new random password (admins only); their tokens are revoked. Returns
/// the password, shown once.
pub async fn reset_password(
    data: &Data<AppState>,
    by: Moderator<'_>,
    actor_id: i64,
) -> AppResult<String> {
    by.require_admin()?;
    let (actor, user) = target(data, actor_id).await?;
    let user = local_user_of(user)?;
    let password = accounts::random_token(12);
    let hash = accounts::hash_password(password.clone()).await?;
    let txn = data.db.write.begin().await?;
    db::admin_accounts::set_password(&txn, user.id, &hash).await?;
    db::admin_accounts::revoke_tokens(&txn, user.id).await?;
    db::web_sessions::delete_of_user(&txn, user.id).await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "account.reset_password",
        "account",
        &actor.id.to_string(),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(password)
}

/// Makes a one-time password reset link for a local user (admins only): the token's SHA-256 is
/// stored, it ends after [`password_resets::LINK_HOURS`], earlier unused links end now; the
/// password is unchanged until the user opens the link. Audited as `account.reset_password`.
/// Returns the link, shown once.
pub async fn reset_password_link(
    data: &Data<AppState>,
    by: Moderator<'_>,
    actor_id: i64,
) -> AppResult<String> {
    by.require_admin()?;
    let (actor, user) = target(data, actor_id).await?;
    let user = local_user_of(user)?;
    let txn = data.db.write.begin().await?;
    let token = password_resets::create(&txn, data, &user).await?;
    audit::record(
        &txn,
        data,
        by.actor_id(),
        "account.reset_password",
        "account",
        &actor.id.to_string(),
        "link",
    )
    .await?;
    txn.commit().await?;
    Ok(password_resets::link(data, &token))
}

/// Accounts for the admin list (staff only).
pub async fn list(
    data: &Data<AppState>,
    by: Moderator<'_>,
    filter: &db::admin_accounts::AccountFilter,
) -> AppResult<Vec<(actor::Model, Option<local_user::Model>)>> {
    by.require_staff()?;
    db::admin_accounts::list(&data.db.read, filter).await
}
