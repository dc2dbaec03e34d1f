//! The password reset page `/reset/{token}` (a link from `halqa admin users reset-password
//! --link`): a new password typed twice, set through `service::password_resets::use_link`, then
//! the user is logged in. An unknown, expired or used link gets a translated error page.
use super::{auth::set_session, i18n::tr, page::Page, timelines::see_other};
use crate::{
    api::form::{ApiForm, de},
    error::AppResult,
    service::{
        password_resets::{self, Unusable},
        web_sessions,
    },
};
use axum::{extract::Path, http::StatusCode, response::Response};
use minijinja::context;
use serde::Deserialize;

/// The reset form.
#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password_again: Option<String>,
}

/// The page for a link that cannot be used: 410 when it ended or was used, 404 when unknown.
fn unusable(page: &Page, why: Unusable) -> AppResult<Response> {
    let (status, key) = match why {
        Unusable::Unknown => (StatusCode::NOT_FOUND, "account-reset-unknown"),
        Unusable::Expired => (StatusCode::GONE, "account-reset-expired"),
        Unusable::Used => (StatusCode::GONE, "account-reset-used"),
    };
    page.render_status(
        status,
        "pages/password_reset.html",
        context! { unusable => tr(page.lang, key) },
    )
}

fn form(
    page: &Page,
    token: &str,
    status: StatusCode,
    error: Option<String>,
) -> AppResult<Response> {
    page.render_status(
        status,
        "pages/password_reset.html",
        context! { token, error, min => 8 },
    )
}

/// `GET /reset/{token}`.
pub async fn reset_page(page: Page, Path(token): Path<String>) -> AppResult<Response> {
    match password_resets::check(&page.data, &token).await? {
        Ok(_) => form(&page, &token, StatusCode::OK, None),
        Err(why) => unusable(&page, why),
    }
}

/// `POST /reset/{token}`: sets the password, ends the user's other sessions and tokens, and
/// logs this browser in.
pub async fn reset(
    page: Page,
    Path(token): Path<String>,
    form_data: ApiForm<ResetForm>,
) -> AppResult<Response> {
    let sent = form_data.params;
    if let Err(refused) = page.check_csrf(sent.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let password = sent.password.unwrap_or_default();
    if password != sent.password_again.unwrap_or_default() {
        let error = tr(page.lang, "account-reset-mismatch");
        return form(&page, &token, StatusCode::UNPROCESSABLE_ENTITY, Some(error));
    }
    match password_resets::use_link(&page.data, &token, password).await {
        Ok(Ok(user)) => {
            let session = web_sessions::open(&page.data, &user).await?;
            let mut response = see_other("/");
            set_session(&page, &mut response, &session);
            Ok(response)
        }
        Ok(Err(why)) => unusable(&page, why),
        Err(e) if e.status().is_client_error() => {
            let error = tr(page.lang, "account-reset-too-short");
            form(&page, &token, StatusCode::UNPROCESSABLE_ENTITY, Some(error))
        }
        Err(e) => Err(e),
    }
}
