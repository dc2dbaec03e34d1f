//! Account migration (Move), as Mastodon 4 and FEP-7628 do it: a local account declares the
//! accounts it moves *from* (aliases, served as `alsoKnownAs`); the owner of an old local account
//! moves it to a new one that lists it (checked on a fresh fetch), which records `movedTo`,
//! tells every follower's server with a `Move` and hands this node's followers to the new
//! account; an inbound `Move` is believed only when both documents agree (`inbound`), then the
//! same hand-over runs (`transfer`). A moved account cannot post, and may move again only after
//! the cooldown.
pub mod inbound;
pub mod rules;
mod transfer;

use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, outbox},
    service::{commit, search},
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use url::Url;

pub use rules::{COOLDOWN_DAYS, MAX_ALIASES};

/// Why a local user's alias or move is refused; each has a message in the web page's languages
/// (`key`) and in English (`Display`, for the CLI and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The handle or URL names no account this node can find.
    NotFound,
    /// An account cannot be its own alias.
    AliasSelf,
    TooManyAliases,
    /// An account cannot move to itself.
    TargetSelf,
    /// The new account does not list the old one in its aliases.
    NotAnAlias,
    /// The new account has itself moved.
    TargetMoved,
    /// Moved less than the cooldown ago: may move again from this date.
    Cooldown(DateTime<Utc>),
    /// The password typed to confirm is wrong.
    WrongPassword,
    /// Not an account that can move (the instance actor, an institution, a remote account).
    NotAllowed,
}

impl Refusal {
    /// One of each kind (for the test that every key is translated).
    pub const ALL: [Refusal; 9] = [
        Refusal::NotFound,
        Refusal::AliasSelf,
        Refusal::TooManyAliases,
        Refusal::TargetSelf,
        Refusal::NotAnAlias,
        Refusal::TargetMoved,
        Refusal::Cooldown(DateTime::<Utc>::UNIX_EPOCH),
        Refusal::WrongPassword,
        Refusal::NotAllowed,
    ];

    /// The Fluent key of the message shown on the web page.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotFound => "move-error-not-found",
            Refusal::AliasSelf => "move-error-alias-self",
            Refusal::TooManyAliases => "move-error-too-many-aliases",
            Refusal::TargetSelf => "move-error-target-self",
            Refusal::NotAnAlias => "move-error-not-alias",
            Refusal::TargetMoved => "move-error-target-moved",
            Refusal::Cooldown(_) => "move-error-cooldown",
            Refusal::WrongPassword => "move-error-password",
            Refusal::NotAllowed => "move-error-not-allowed",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotFound => f.write_str("that account could not be found"),
            Refusal::AliasSelf => f.write_str("an account cannot be an alias of itself"),
            Refusal::TooManyAliases => write!(f, "an account has at most {MAX_ALIASES} aliases"),
            Refusal::TargetSelf => f.write_str("an account cannot move to itself"),
            Refusal::NotAnAlias => f.write_str(
                "the new account does not list this one in its aliases (alsoKnownAs): add the \
                 alias on the new account first",
            ),
            Refusal::TargetMoved => f.write_str("the new account has itself moved"),
            Refusal::Cooldown(until) => write!(
                f,
                "this account moved less than {COOLDOWN_DAYS} days ago; it can move again from {}",
                until.format("%Y-%m-%d")
            ),
            Refusal::WrongPassword => f.write_str("the password is not right"),
            Refusal::NotAllowed => f.write_str("this account cannot move"),
        }
    }
}

/// A refused alias or move, or another failure.
#[derive(Debug)]
pub enum MoveError {
    Refused(Refusal),
    Other(AppError),
}

impl From<AppError> for MoveError {
    fn from(e: AppError) -> Self {
        MoveError::Other(e)
    }
}

impl From<sea_orm::DbErr> for MoveError {
    fn from(e: sea_orm::DbErr) -> Self {
        MoveError::Other(e.into())
    }
}

impl From<Refusal> for MoveError {
    fn from(r: Refusal) -> Self {
        MoveError::Refused(r)
    }
}

impl From<MoveError> for AppError {
    fn from(e: MoveError) -> Self {
        match e {
            MoveError::Refused(Refusal::NotFound) => {
                AppError::not_found(Refusal::NotFound.to_string())
            }
            MoveError::Refused(r @ (Refusal::WrongPassword | Refusal::NotAllowed)) => {
                AppError::Forbidden(r.to_string())
            }
            MoveError::Refused(r) => AppError::Invalid(r.to_string()),
            MoveError::Other(e) => e,
        }
    }
}

impl std::fmt::Display for MoveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MoveError::Refused(r) => r.fmt(f),
            MoveError::Other(e) => e.fmt(f),
        }
    }
}

/// The account `input` names (`@user@host`, `user@host`, or an actor or profile URL), local or
/// remote; a remote one is fetched from its server when `fresh` (or when not known yet).
pub async fn resolve_account(
    data: &Data<AppState>,
    input: &str,
    fresh: bool,
) -> Result<actor::Model, MoveError> {
    let input = input.trim();
    let found = if let Some(url) = search::as_url(input) {
        match search::resolve_url(data, &url, true).await? {
            Some(search::Resolved::Account(actor)) => Some(*actor),
            _ => None,
        }
    } else if search::as_handle(input).is_some() {
        match crate::service::accounts::resolve_handle(data, input).await {
            Ok(actor) => Some(actor),
            Err(e) if e.status().is_client_error() => None,
            Err(AppError::Federation(e)) => {
                tracing::debug!(%input, error = %e, "could not resolve an account to move");
                None
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let actor = found
        .filter(|a| a.deleted_at.is_none() && a.kind != "Application")
        .ok_or(Refusal::NotFound)?;
    if fresh && !actor.local {
        return Ok(refetch(data, &actor.ap_id).await.map_err(|e| {
            tracing::debug!(ap_id = %actor.ap_id, error = %e, "could not refetch an account");
            Refusal::NotFound
        })?);
    }
    Ok(actor)
}

/// A remote actor fetched from its server now (not from the cache).
pub(crate) async fn refetch(data: &Data<AppState>, ap_id: &str) -> AppResult<actor::Model> {
    let url = Url::parse(ap_id).map_err(|e| AppError::BadRequest(format!("bad actor id: {e}")))?;
    Ok(ObjectId::<DbActor>::from(url)
        .dereference_forced(data)
        .await?
        .model)
}

/// The aliases of `me`, as the accounts this node knows (unknown ids as `None`), in order.
pub async fn aliases(
    data: &Data<AppState>,
    me: &actor::Model,
) -> AppResult<Vec<(String, Option<actor::Model>)>> {
    let ids = me.aliases();
    let known = db::moves::actors_by_ap_ids(&data.db.read, &ids).await?;
    Ok(ids
        .into_iter()
        .map(|id| {
            let actor = known.get(&id).cloned();
            (id, actor)
        })
        .collect())
}

/// Local `me` declares the account `input` names as an alias (an account it moves from);
/// followers get Update(Person) with the new `alsoKnownAs`.
pub async fn add_alias(
    data: &Data<AppState>,
    me: &actor::Model,
    input: &str,
) -> Result<actor::Model, MoveError> {
    if !me.local || me.kind != "Person" {
        return Err(Refusal::NotAllowed.into());
    }
    let me = &db::actors::get_by_id(&data.db.read, me.id).await?;
    let alias = resolve_account(data, input, false).await?;
    let list = rules::with_alias(me, &alias)?;
    save_aliases(data, me, &list).await?;
    Ok(alias)
}

/// Local `me` drops the alias `ap_id` (an actor id from its list).
pub async fn remove_alias(
    data: &Data<AppState>,
    me: &actor::Model,
    ap_id: &str,
) -> Result<(), MoveError> {
    let mut list = db::actors::get_by_id(&data.db.read, me.id).await?.aliases();
    let before = list.len();
    list.retain(|a| a != ap_id);
    if list.len() == before {
        return Err(Refusal::NotFound.into());
    }
    save_aliases(data, me, &list).await?;
    Ok(())
}

async fn save_aliases(data: &Data<AppState>, me: &actor::Model, list: &[String]) -> AppResult<()> {
    let txn = data.db.write.begin().await?;
    db::moves::set_aliases(&txn, me.id, list).await?;
    let updated = db::actors::get_by_id(&txn, me.id).await?;
    outbox::actor_updated(&txn, data, &updated).await?;
    commit(data, txn).await
}

/// The owner of local `origin` moves it to the account `input` names: that account is fetched
/// fresh and must list `origin` in its aliases; then `origin` records `movedTo`, its followers'
/// servers get Update(Person) and `Move`, and this node's followers follow the new account.
/// Returns the new account.
pub async fn move_out(
    data: &Data<AppState>,
    origin: &actor::Model,
    input: &str,
) -> Result<actor::Model, MoveError> {
    if !origin.local || origin.kind != "Person" {
        return Err(Refusal::NotAllowed.into());
    }
    // The caller's copy may predate an earlier move: the cooldown is judged on the stored row.
    let origin = &db::actors::get_by_id(&data.db.read, origin.id).await?;
    let target = resolve_account(data, input, true).await?;
    let now = Utc::now();
    rules::check_move_out(origin, &target, now)?;
    let txn = data.db.write.begin().await?;
    db::moves::set_moved(&txn, origin.id, &target.ap_id, now).await?;
    let moved = db::actors::get_by_id(&txn, origin.id).await?;
    outbox::actor_updated(&txn, data, &moved).await?;
    outbox::account_moved(&txn, data, &moved, &target).await?;
    commit(data, txn).await?;
    transfer::hand_over(data, &moved, &target).await?;
    Ok(target)
}

/// Refuses a new post (or other public action) by an account that moved.
pub async fn ensure_not_moved(data: &Data<AppState>, actor: &actor::Model) -> AppResult<()> {
    let Some(target) = &actor.moved_to_ap_id else {
        return Ok(());
    };
    let name = match db::actors::find_by_ap_id(&data.db.read, target).await? {
        Some(t) => format!("@{}", t.handle()),
        None => target.clone(),
    };
    Err(AppError::Forbidden(format!(
        "this account has moved to {name} and can no longer post"
    )))
}
