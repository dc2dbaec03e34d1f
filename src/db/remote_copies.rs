//! The one rule every stored copy of another server's object (resource, collection, mentorship
//! offer) obeys before an upsert overwrites it: a local object is never overwritten from
//! outside, its author or owner cannot change, and a deleted one stays deleted.
use crate::error::{AppError, AppResult};

/// What decides whether a stored copy may be overwritten.
#[derive(Debug, Clone, Copy)]
pub struct StoredCopy {
    pub local: bool,
    /// The author's or owner's actor id.
    pub owner_id: i64,
    pub deleted: bool,
}

/// Whether `incoming_owner` may overwrite `existing` (none stored yet: yes). `what` names the
/// object ("resource") and `role` its owner ("author", "owner") in the errors: 403 for a local
/// object or another owner, 410 for a deleted one.
pub fn check_overwrite(
    existing: Option<StoredCopy>,
    incoming_owner: i64,
    what: &str,
    role: &str,
) -> AppResult<()> {
    let Some(e) = existing else {
        return Ok(());
    };
    if e.local || e.owner_id != incoming_owner {
        return Err(AppError::Forbidden(format!(
            "only its {role} can change a {what}"
        )));
    }
    if e.deleted {
        return Err(AppError::Gone(format!("this {what} was deleted")));
    }
    Ok(())
}

/// The error when a copy just stored cannot be read back.
pub fn vanished(what: &str, ap_id: &str) -> AppError {
    AppError::from(anyhow::anyhow!("{what} {ap_id} vanished while stored"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(local: bool, owner_id: i64, deleted: bool) -> Option<StoredCopy> {
        Some(StoredCopy {
            local,
            owner_id,
            deleted,
        })
    }

    #[test]
    fn only_the_same_remote_owner_overwrites_a_live_copy() {
        assert!(check_overwrite(None, 1, "resource", "author").is_ok());
        assert!(check_overwrite(copy(false, 1, false), 1, "resource", "author").is_ok());
        let other = check_overwrite(copy(false, 2, false), 1, "resource", "author").unwrap_err();
        assert!(
            matches!(other, AppError::Forbidden(m) if m == "only its author can change a resource")
        );
        assert!(matches!(
            check_overwrite(copy(true, 1, false), 1, "collection", "owner"),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            check_overwrite(copy(false, 1, true), 1, "collection", "owner"),
            Err(AppError::Gone(_))
        ));
    }
}
