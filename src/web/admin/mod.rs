//! The admin pages under `/admin` (issue 7): dashboard, registration queue, accounts, reports,
//! federation policy, node settings, invites and the audit log. Staff (admins and moderators)
//! only; the policy and settings pages change things for admins only. Everyone else gets the
//! translated 403 page and the attempt is logged (`service::moderation::refused`). Every form
//! carries the CSRF token. The handlers call the same service functions as the admin API and
//! the CLI, so the three behave alike.
mod accounts;
mod audit;
mod dashboard;
mod federation;
mod invites;
mod reports;
mod settings;

use super::{
    i18n,
    page::{Me, Page},
    timelines::see_other,
};
use crate::{error::AppResult, service::moderation::Moderator};
use axum::{
    Router,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use minijinja::Value;

/// The admin routes (merged into the web router by `web::routes`).
pub fn routes() -> Router {
    Router::new()
        .route("/admin", get(dashboard::dashboard))
        .route("/admin/registrations", get(accounts::registrations))
        .route("/admin/accounts", get(accounts::list))
        .route("/admin/accounts/{id}", get(accounts::show))
        .route("/admin/accounts/{id}/approve", post(accounts::approve))
        .route("/admin/accounts/{id}/reject", post(accounts::reject))
        .route("/admin/accounts/{id}/action", post(accounts::action))
        .route("/admin/accounts/{id}/undo", post(accounts::undo))
        .route("/admin/accounts/{id}/role", post(accounts::role))
        .route("/admin/reports", get(reports::list))
        .route("/admin/reports/{id}", get(reports::show))
        .route("/admin/reports/{id}/resolve", post(reports::resolve))
        .route("/admin/reports/{id}/reopen", post(reports::reopen))
        .route("/admin/reports/{id}/assign", post(reports::assign))
        .route("/admin/reports/{id}/forward", post(reports::forward))
        .route("/admin/federation", get(federation::page))
        .route("/admin/federation/mode", post(federation::set_mode))
        .route("/admin/federation/blocks", post(federation::add_block))
        .route("/admin/federation/allows", post(federation::add_allow))
        .route(
            "/admin/federation/entries/{kind}/{id}/delete",
            post(federation::delete_entry),
        )
        .route(
            "/admin/federation/subscriptions",
            post(federation::subscribe),
        )
        .route(
            "/admin/federation/subscriptions/{id}/delete",
            post(federation::unsubscribe),
        )
        .route(
            "/admin/federation/subscriptions/{id}/refresh",
            post(federation::refresh),
        )
        .route("/admin/settings", get(settings::page).post(settings::save))
        .route("/admin/institution", post(settings::save_institution))
        .route("/admin/invites", get(invites::list).post(invites::create))
        .route("/admin/invites/{id}/revoke", post(invites::revoke))
        .route("/admin/audit", get(audit::log))
}

/// Who may use a page or form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Admins and moderators.
    Staff,
    /// Admins only (federation policy, settings, roles).
    Admin,
}

/// The signed-in user when allowed at `level`; otherwise the answer to send: the login page for
/// visitors, the translated 403 page (the attempt logged) for the others.
// The error is the answer to send as it is: boxing it would only add noise.
#[allow(clippy::result_large_err)]
pub(crate) fn allowed(page: &Page, level: Level) -> Result<Me, Response> {
    let me = page.me()?.clone();
    let by = Moderator::Staff(&me.user);
    let check = match level {
        Level::Staff => by.require_staff(),
        Level::Admin => by.require_admin(),
    };
    match check {
        Ok(()) => Ok(me),
        Err(_) => Err(page.error(
            StatusCode::FORBIDDEN,
            &i18n::tr(page.lang, "admin-forbidden"),
        )),
    }
}

/// [`allowed`], then the form's CSRF token.
#[allow(clippy::result_large_err)]
pub(crate) fn allowed_form(page: &Page, level: Level, csrf: Option<&str>) -> Result<Me, Response> {
    let me = allowed(page, level)?;
    page.check_csrf(csrf.unwrap_or(""))?;
    Ok(me)
}

/// After a form: back to `back` with a "done" notice, or the error page with the service's
/// words for a refused change (nothing was changed then).
pub(crate) fn finish<T>(page: &Page, result: AppResult<T>, back: &str) -> AppResult<Response> {
    match result {
        Ok(_) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Ok(see_other(&format!("{back}{sep}done=1")))
        }
        Err(e) if e.status().is_client_error() => Ok(page.error(e.status(), &e.to_string())),
        Err(e) => Err(e),
    }
}

/// Renders an admin page: `section` marks the current entry of the admin menu.
pub(crate) fn render(
    page: &Page,
    me: &Me,
    template: &str,
    section: &str,
    extra: Value,
) -> AppResult<Response> {
    page.render(
        template,
        minijinja::context! {
            ..extra,
            ..minijinja::context! {
                section,
                is_admin => me.user.role == "admin",
            }
        },
    )
}

/// `?done=1` after a successful form (the page shows a "done" notice).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Flash {
    #[serde(default)]
    pub done: Option<String>,
}

/// The web frontend's admin sources, for the test that every translation key they use exists.
#[cfg(test)]
pub(crate) const SOURCES: &[&str] = &[
    include_str!("mod.rs"),
    include_str!("accounts.rs"),
    include_str!("audit.rs"),
    include_str!("dashboard.rs"),
    include_str!("federation.rs"),
    include_str!("invites.rs"),
    include_str!("reports.rs"),
    include_str!("settings.rs"),
];
