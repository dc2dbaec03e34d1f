//! The Mastodon admin API (`/api/v1/admin/…`, `/api/v2/admin/accounts`) for accounts and
//! reports, so existing admin tools work: the Admin::Account and Admin::Report entities in
//! `entities`, the handlers in `accounts` and `reports`; domain blocks and allows in `domains`. Every call needs an `admin:*` scope and
//! a staff role; anyone else gets 403 `{"error"}` and the attempt is logged.
pub mod accounts;
pub mod domains;
pub mod entities;
pub mod reports;

use crate::{api::auth::Auth, error::AppResult, service::moderation::Moderator};
use axum::Router;

/// Every admin route.
pub fn routes() -> Router {
    Router::new()
        .merge(accounts::routes())
        .merge(domains::routes())
        .merge(reports::routes())
}

/// The acting staff member, once the token's scope and the user's role allow `scope`.
pub fn staff<'a>(auth: &'a Auth, scope: &str) -> AppResult<Moderator<'a>> {
    if let Err(e) = auth.require(scope) {
        tracing::warn!(
            actor = auth.actor.id,
            scope,
            "admin API call without the scope"
        );
        return Err(e);
    }
    let by = Moderator::Staff(&auth.user);
    by.require_staff()?;
    Ok(by)
}
