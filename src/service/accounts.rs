//! Accounts: creating local users (argon2id password, RSA-2048 key pair, PLN facets), the
//! first admin, deleting an account, and resolving `user@host` handles. Profile changes are in
//! `profile`, bearer tokens in `tokens`, the rows of local actors and the instance actor in
//! `local_actor`; their public items are re-exported here.
mod local_actor;
mod profile;
mod tokens;

pub use local_actor::ensure_instance_actor;
pub(crate) use local_actor::{local_actor_row, new_keypair};
pub use profile::{
    MAX_DISPLAY_NAME, MAX_FIELD_PART, MAX_FIELDS, MAX_NOTE, ProfileUpdate, update_profile,
};
pub use tokens::{mint_token, random_token, token_hash};

use crate::{
    AppState,
    db::{
        self, Db,
        entity::{actor, local_user, oauth_token},
    },
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, urls::Urls},
    ids::IdGenerator,
};
use activitypub_federation::{config::Data, fetch::webfinger::webfinger_resolve_actor};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// Roles of local users.
pub const ROLES: [&str; 3] = ["admin", "moderator", "user"];
/// Usernames that would clash with our routes or confuse people (`institution` is the node's
/// `Organization` actor).
const RESERVED: [&str; 13] = [
    "actor",
    "inbox",
    "users",
    "admin_",
    "api",
    "oauth",
    "static",
    "nodeinfo",
    "well-known",
    "instance",
    "root",
    "halqa",
    "institution",
];

/// What `create_user` needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub password: String,
    pub role: String,
}

/// PLN facets live in `service::profiles`; re-exported for the callers that knew them here.
pub use crate::service::profiles::{Facets, facets_of, set_facets};

pub(crate) fn validate_username(username: &str) -> AppResult<()> {
    let ok = !username.is_empty()
        && username.len() <= 30
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(AppError::Invalid(
            "username must be 1 to 30 characters: lowercase letters, digits and _".into(),
        ));
    }
    if RESERVED.contains(&username) {
        return Err(AppError::Invalid(format!(
            "username {username} is reserved"
        )));
    }
    Ok(())
}

fn validate_email(email: &str) -> AppResult<()> {
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    };
    if local.is_empty()
        || domain.is_empty()
        || email.len() > 254
        || email.contains(char::is_whitespace)
    {
        return Err(AppError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    }
    Ok(())
}

/// Hashes a password with argon2id (on a blocking thread: it is deliberately slow).
pub async fn hash_password(password: String) -> AppResult<String> {
    if password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "password must have at least 8 characters".into(),
        ));
    }
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
    })
    .await
    .map_err(|e| anyhow::anyhow!("hashing task: {e}"))?
}

/// Checks a password against a stored argon2 hash.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// How a new account came to be: its approval state (approved, pending), the applicant's reason
/// and locale, and the invite used (`service::registrations`).
#[derive(Debug, Clone)]
pub struct Registration {
    pub approval: &'static str,
    pub reason: Option<String>,
    pub invite_id: Option<i64>,
    pub locale: Option<String>,
}

impl Registration {
    /// An account made by the admin: approved.
    pub fn approved() -> Registration {
        Registration {
            approval: "approved",
            reason: None,
            invite_id: None,
            locale: None,
        }
    }
}

/// Checks what [`create_user`] would refuse before anything is written: username and email
/// form, role, and that neither is taken.
pub async fn check_new_user(db: &Db, new: &NewUser) -> AppResult<()> {
    let username = new.username.trim();
    validate_username(username)?;
    let email = new.email.trim().to_lowercase();
    validate_email(&email)?;
    if db::actors::find_local(&db.read, username).await?.is_some() {
        return Err(AppError::Conflict(format!("username {username} is taken")));
    }
    if db::users::find_by_email(&db.read, &email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "email {email} is already registered"
        )));
    }
    Ok(())
}

/// Creates a local user with its actor and key pair.
pub async fn create_user(
    db: &Db,
    ids: &IdGenerator,
    urls: &Urls,
    domain: &str,
    new: NewUser,
) -> AppResult<(local_user::Model, actor::Model)> {
    create_user_as(db, ids, urls, domain, new, Registration::approved()).await
}

/// Creates a local user as [`create_user`] does, in the given registration state.
pub async fn create_user_as(
    db: &Db,
    ids: &IdGenerator,
    urls: &Urls,
    domain: &str,
    new: NewUser,
    registration: Registration,
) -> AppResult<(local_user::Model, actor::Model)> {
    let username = new.username.trim().to_string();
    validate_username(&username)?;
    let email = new.email.trim().to_lowercase();
    validate_email(&email)?;
    if !ROLES.contains(&new.role.as_str()) {
        return Err(AppError::Invalid(format!(
            "role must be one of {}",
            ROLES.join(", ")
        )));
    }
    if db::actors::find_local(&db.read, &username).await?.is_some() {
        return Err(AppError::Conflict(format!("username {username} is taken")));
    }
    if db::users::find_by_email(&db.read, &email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "email {email} is already registered"
        )));
    }
    let password_hash = hash_password(new.password).await?;
    let keys = new_keypair().await?;
    let txn = db.write.begin().await?;
    let actor = db::actors::insert(
        &txn,
        local_actor_row(ids.next(), urls, &username, domain, "Person", keys),
    )
    .await?;
    let user = db::users::insert(
        &txn,
        local_user::ActiveModel {
            id: Set(ids.next()),
            actor_id: Set(actor.id),
            email: Set(email),
            password_hash: Set(password_hash),
            role: Set(new.role),
            locale: Set(registration.locale),
            must_change_password: Set(false),
            created_at: Set(Utc::now()),
            note_source: Set(None),
            default_visibility: Set("public".into()),
            default_sensitive: Set(false),
            default_language: Set(None),
            default_license: Set(None),
            approval: Set(registration.approval.to_string()),
            registration_reason: Set(registration.reason),
            invite_id: Set(registration.invite_id),
            disabled: Set(false),
            hide_counts: Set(false),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((user, actor))
}

/// Signs up a new local account (the registration path, after `service::registrations` checked
/// the node's rules): creates it as [`create_user_as`] does, then tells the node's admins and
/// moderators (`admin.sign_up`, streamed to them too).
pub async fn sign_up(
    data: &Data<AppState>,
    new: NewUser,
    registration: Registration,
) -> AppResult<(local_user::Model, actor::Model)> {
    let domain = &data.config.instance.domain;
    let (user, actor) =
        create_user_as(&data.db, &data.ids, &data.urls, domain, new, registration).await?;
    let txn = data.db.write.begin().await?;
    crate::service::notifications::admin_sign_up(&txn, data, actor.id).await?;
    crate::service::commit(data, txn).await?;
    Ok((user, actor))
}

/// Creates the first admin when none exists; returns the generated one-time password.
pub async fn ensure_first_admin(state: &AppState) -> anyhow::Result<Option<String>> {
    let err = |e: AppError| anyhow::anyhow!("{e}");
    if db::users::admin_exists(&state.db.read).await.map_err(err)? {
        return Ok(None);
    }
    let configured = state.config.admin.password.clone();
    let password = if configured.is_empty() {
        random_token(18)
    } else {
        configured.clone()
    };
    create_user(
        &state.db,
        &state.ids,
        &state.urls,
        &state.config.instance.domain,
        NewUser {
            username: state.config.admin.username.clone(),
            email: state.config.admin.email.clone(),
            password: password.clone(),
            role: "admin".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the first admin (admin.username/admin.email): {e}"))?;
    Ok(configured.is_empty().then_some(password))
}

/// A local user and actor by username, or 404.
pub async fn local_user_by_username(
    db: &Db,
    username: &str,
) -> AppResult<(local_user::Model, actor::Model)> {
    let actor = db::actors::find_local(&db.read, username)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no local user {username}")))?;
    let user = db::users::find_by_actor(&db.read, actor.id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("{username} is not a user account")))?;
    Ok((user, actor))
}

/// Deletes a local account: its posts and follows go, other servers get Delete(actor), its
/// logins stop working. The actor row stays (deleted) so its id answers 410 and can't be reused.
pub async fn delete_account(data: &Data<AppState>, actor: &actor::Model) -> AppResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if !actor.local || actor.kind == "Application" {
        return Err(AppError::Forbidden(
            "only local accounts can be deleted here".into(),
        ));
    }
    if actor.deleted_at.is_some() {
        return Ok(());
    }
    let txn = data.db.write.begin().await?;
    // Recipients are read before the follows are removed.
    crate::federation::outbox::actor_deleted(&txn, data, actor).await?;
    db::follows::delete_all_of(&txn, actor.id).await?;
    db::posts::mark_all_deleted_by(&txn, actor.id).await?;
    // Its offers close here; other nodes close their copies on the Delete of the actor.
    db::mentorship::close_offers_of(&txn, actor.id).await?;
    // Its collections go too; other nodes drop their copies on the Delete of the actor.
    db::collections::mark_all_deleted_of(&txn, actor.id).await?;
    db::actors::mark_deleted(&txn, actor.id).await?;
    if let Some(user) = db::users::find_by_actor(&txn, actor.id).await? {
        oauth_token::Entity::update_many()
            .col_expr(
                oauth_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .filter(oauth_token::Column::UserId.eq(user.id))
            .exec(&txn)
            .await?;
    }
    crate::service::commit(data, txn).await
}

/// Resolves `user@host` (with or without a leading `@`) to an actor: local lookup, known remote
/// actor, or WebFinger plus a fetch.
pub async fn resolve_handle(data: &Data<AppState>, handle: &str) -> AppResult<actor::Model> {
    let handle = handle.trim().trim_start_matches('@');
    let (username, host) = handle
        .split_once('@')
        .ok_or_else(|| AppError::Invalid(format!("{handle:?} is not a handle like user@host")))?;
    if host.eq_ignore_ascii_case(&data.config.instance.domain) {
        return db::actors::find_local(&data.db.read, username)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no local user {username}")));
    }
    if let Some(known) = db::actors::find_by_handle(&data.db.read, username, host).await?
        && known.deleted_at.is_none()
    {
        return Ok(known);
    }
    let actor: DbActor = webfinger_resolve_actor(&format!("{username}@{host}"), data).await?;
    Ok(actor.model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_emails_are_checked() {
        assert!(validate_username("amina_2").is_ok());
        assert!(validate_username("Amina").is_err());
        assert!(validate_username("").is_err());
        assert!(validate_username("actor").is_err());
        assert!(validate_username(&"a".repeat(31)).is_err());
        assert!(validate_email("a@b.ma").is_ok());
        assert!(validate_email("a@@b").is_err());
        assert!(validate_email("nope").is_err());
    }
}
