//! `/admin/invites`: invite links (staff) — create with an expiry and a number of uses, list
//! with their uses and state, revoke. The link opens the sign-up form with the code filled in.
use super::{Flash, Level, allowed, allowed_form, finish, render};
use crate::{
    api::form::{ApiForm, de},
    error::{AppError, AppResult},
    service::{moderation::Moderator, registrations},
    web::{i18n, page::Page},
};
use axum::{
    extract::{Path, Query},
    response::Response,
};
use chrono::Utc;
use minijinja::{Value, context};
use serde::Deserialize;

const BACK: &str = "/admin/invites";

/// The expiries offered, in seconds (0: never).
const EXPIRIES: [i64; 6] = [0, 1800, 3600 * 6, 86_400, 7 * 86_400, 30 * 86_400];

/// `GET /admin/invites`.
pub async fn list(page: Page, Query(flash): Query<Flash>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let now = Utc::now();
    let invites: Vec<Value> = registrations::list_invites(&page.data, Moderator::Staff(&me.user))
        .await?
        .iter()
        .map(|i| {
            let state = if i.revoked_at.is_some() {
                "revoked"
            } else if i.expires_at.is_some_and(|at| at <= now) {
                "expired"
            } else if i.max_uses.is_some_and(|max| i.uses >= max) {
                "used-up"
            } else {
                "live"
            };
            context! {
                id => i.id.to_string(),
                code => i.code.clone(),
                link => format!("{}/signup?invite={}", page.data.urls.base(), i.code),
                uses => i.uses,
                max_uses => i.max_uses,
                expires_at => i.expires_at.map(|t| i18n::format_datetime(page.lang, &t)),
                state,
            }
        })
        .collect();
    render(
        &page,
        &me,
        "pages/admin/invites.html",
        "invites",
        context! { invites, expiries => EXPIRIES, done => flash.done.is_some() },
    )
}

/// The invite forms.
#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    /// Empty: unlimited.
    #[serde(default, deserialize_with = "de::opt_string")]
    max_uses: Option<String>,
    /// Seconds; 0 or empty: never expires.
    #[serde(default, deserialize_with = "de::opt_string")]
    expires_in: Option<String>,
}

fn optional_number<T: std::str::FromStr>(raw: Option<&str>, field: &str) -> AppResult<Option<T>> {
    match raw.map(str::trim).filter(|r| !r.is_empty() && *r != "0") {
        None => Ok(None),
        Some(r) => r
            .parse()
            .map(Some)
            .map_err(|_| AppError::Invalid(format!("{field} must be a whole number"))),
    }
}

/// `POST /admin/invites` (`max_uses`, `expires_in`).
pub async fn create(page: Page, form: ApiForm<InviteForm>) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = match (
        optional_number::<i32>(f.max_uses.as_deref(), "max_uses"),
        optional_number::<i64>(f.expires_in.as_deref(), "expires_in"),
    ) {
        (Ok(max_uses), Ok(expires_in)) => {
            registrations::create_invite(
                &page.data,
                Moderator::Staff(&me.user),
                max_uses,
                expires_in,
            )
            .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    finish(&page, result, BACK)
}

/// `POST /admin/invites/{id}/revoke`.
pub async fn revoke(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<InviteForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = registrations::revoke_invite(&page.data, Moderator::Staff(&me.user), id).await;
    finish(&page, result, BACK)
}
