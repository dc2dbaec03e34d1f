//! Moderation: who may moderate (roles), what staff do to accounts (approve, reject, disable,
//! silence, suspend, change roles, reset passwords) and to reports (assign, resolve, reopen),
//! the audit log that records each of those, and the warnings (messages) sent to the user. Handlers and the CLI call these functions;
//! the CLI acts as the node's owner (`by = None`).
pub mod accounts;
pub mod audit;
pub mod reports;
pub mod warnings;

use crate::{
    db::entity::local_user,
    error::{AppError, AppResult},
};

/// Who is acting: a staff member (their user row) or the CLI (the server's owner).
#[derive(Debug, Clone, Copy)]
pub enum Moderator<'a> {
    Staff(&'a local_user::Model),
    Cli,
}

impl Moderator<'_> {
    /// The acting actor id for the audit log (None: the CLI).
    pub fn actor_id(&self) -> Option<i64> {
        match self {
            Moderator::Staff(user) => Some(user.actor_id),
            Moderator::Cli => None,
        }
    }

    fn role(&self) -> &str {
        match self {
            Moderator::Staff(user) => user.role.as_str(),
            Moderator::Cli => "admin",
        }
    }

    /// Admins and moderators may moderate.
    pub fn require_staff(&self) -> AppResult<()> {
        if matches!(self.role(), "admin" | "moderator") {
            Ok(())
        } else {
            Err(refused(self.actor_id(), "moderation"))
        }
    }

    /// Only admins change policy and roles.
    pub fn require_admin(&self) -> AppResult<()> {
        if self.role() == "admin" {
            Ok(())
        } else {
            Err(refused(self.actor_id(), "administration"))
        }
    }
}

/// 403 for a user who is not allowed, with the attempt logged.
pub fn refused(actor_id: Option<i64>, what: &str) -> AppError {
    tracing::warn!(?actor_id, what, "refused: not allowed to do this");
    AppError::Forbidden("This action is not allowed".into())
}
