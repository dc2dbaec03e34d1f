//! Logging in and out (a session cookie: HttpOnly, SameSite=Lax, Secure on https), signing up
//! through `service::registrations::sign_up` (the form comes back with what was typed and a
//! translated reason when it is refused), and the language picker of the page footer.
use super::{
    i18n::{self, tr},
    page::{Page, SESSION_COOKIE, cookie, safe_return_to},
    timelines::see_other,
};
use crate::{
    api::{
        form::{ApiForm, de},
        oauth::{LoginRefused, check_login},
    },
    error::{AppError, AppResult},
    service::{registrations, web_sessions},
};
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use minijinja::context;
use serde::Deserialize;

/// The login form.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    /// Where to go once logged in (a path of this node; anything else is ignored).
    #[serde(default, deserialize_with = "de::opt_string")]
    return_to: Option<String>,
}

/// `?return_to=` of the login page.
#[derive(Debug, Default, Deserialize)]
pub struct ReturnTo {
    #[serde(default)]
    return_to: Option<String>,
}

/// The page to go to after logging in: `return_to` when it is safe, else home.
fn after_login(return_to: Option<&str>) -> &str {
    return_to.and_then(safe_return_to).unwrap_or("/")
}

/// `GET /login[?return_to=/path]`.
pub async fn login_page(
    page: Page,
    axum::extract::Query(q): axum::extract::Query<ReturnTo>,
) -> AppResult<Response> {
    let return_to = q.return_to.as_deref().and_then(safe_return_to);
    if page.me.is_some() {
        return Ok(see_other(after_login(return_to)));
    }
    page.render("pages/login.html", context! { username => "", return_to })
}

/// Sets the session cookie of `token` on `response`.
pub(super) fn set_session(page: &Page, response: &mut Response, token: &str) {
    let max_age = web_sessions::SESSION_DAYS * 86_400;
    if let Ok(v) = HeaderValue::from_str(&page.cookie_header(SESSION_COOKIE, token, max_age)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// `POST /login`: checks the password (with the OAuth login's per-account throttle), opens a
/// session and goes back to `return_to` (a path of this node) or home; the form again with a
/// translated reason otherwise.
pub async fn login(page: Page, form: ApiForm<LoginForm>) -> AppResult<Response> {
    let form = form.params;
    if let Err(refused) = page.check_csrf(form.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let username = form.username.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    let return_to = form.return_to.as_deref().and_then(safe_return_to);
    let (status, error) = match check_login(&page.data, &username, &password).await? {
        Ok((user, _)) => {
            let token = web_sessions::open(&page.data, &user).await?;
            let mut response = see_other(after_login(return_to));
            set_session(&page, &mut response, &token);
            return Ok(response);
        }
        Err(LoginRefused::Wrong) => (StatusCode::UNPROCESSABLE_ENTITY, "login-wrong"),
        Err(LoginRefused::Throttled(_)) => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
        // Pending approval, rejected or disabled (`service::registrations::login_refusal`).
        Err(LoginRefused::NotAllowed(_)) => (StatusCode::FORBIDDEN, "login-not-allowed"),
    };
    page.render_status(
        status,
        "pages/login.html",
        context! { username, return_to, error => tr(page.lang, error) },
    )
}

/// The CSRF field of a form.
#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
}

/// `POST /logout`: ends the session (in the database too) and clears the cookie.
pub async fn logout(
    page: Page,
    headers: HeaderMap,
    form: ApiForm<CsrfForm>,
) -> AppResult<Response> {
    if let Err(refused) = page.check_csrf(form.params.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        web_sessions::close(&page.data, token).await?;
    }
    let mut response = see_other("/");
    if let Ok(v) = HeaderValue::from_str(&page.cookie_header(SESSION_COOKIE, "", 0)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// The sign-up form.
#[derive(Debug, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    email: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    /// Why the applicant wants to join (nodes that approve accounts).
    #[serde(default, deserialize_with = "de::opt_string")]
    reason: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    invite_code: Option<String>,
}

/// `GET /signup`.
pub async fn signup_page(
    page: Page,
    axum::extract::Query(link): axum::extract::Query<InviteLink>,
) -> AppResult<Response> {
    if page.me.is_some() {
        return Ok(see_other("/"));
    }
    // An invite link (`/signup?invite=CODE`, from the admin's invites page) fills in the code.
    let invite_code = link.invite.unwrap_or_default();
    page.render(
        "pages/signup.html",
        context! { username => "", email => "", invite_code },
    )
}

/// `?invite=CODE` on the sign-up page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct InviteLink {
    #[serde(default)]
    invite: Option<String>,
}

/// The translated message and the field at fault for a refused sign-up.
fn signup_refusal(e: &AppError) -> (&'static str, &'static str) {
    let text = e.to_string().to_lowercase();
    match e {
        AppError::Conflict(_) if text.contains("email") => ("signup-email-taken", "email"),
        AppError::Conflict(_) => ("signup-username-taken", "username"),
        AppError::Invalid(_) if text.contains("password") => ("signup-password-short", "password"),
        AppError::Invalid(_) if text.contains("email") => ("signup-email-invalid", "email"),
        AppError::Invalid(_) if text.contains("invite") => ("signup-failed", "invite_code"),
        AppError::Invalid(_) if text.contains("username") => {
            ("signup-username-invalid", "username")
        }
        AppError::Forbidden(_) => ("signup-closed", ""),
        _ => ("signup-failed", ""),
    }
}

/// `POST /signup`: creates the account through `service::registrations::sign_up` (the node's
/// registration rules, as `POST /api/v1/accounts`) and logs it in — or, when the node approves
/// accounts first, says so.
pub async fn signup(page: Page, form: ApiForm<SignUpForm>) -> AppResult<Response> {
    let form = form.params;
    if let Err(refused) = page.check_csrf(form.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let username = form.username.unwrap_or_default().trim().to_string();
    let email = form.email.unwrap_or_default().trim().to_string();
    let (reason, invite_code) = (
        form.reason.clone().unwrap_or_default(),
        form.invite_code.clone().unwrap_or_default(),
    );
    let application = registrations::Application {
        username: username.clone(),
        email: email.clone(),
        password: form.password.unwrap_or_default(),
        // Submitting the form is the agreement to the node's rules, linked on the page.
        agreement: true,
        locale: Some(page.lang.to_string()),
        reason: form.reason.filter(|r| !r.trim().is_empty()),
        invite_code: form.invite_code.filter(|c| !c.trim().is_empty()),
    };
    match registrations::sign_up(&page.data, application).await {
        Ok((user, _)) if registrations::login_refusal(&user).is_some() => page.render_status(
            StatusCode::ACCEPTED,
            "pages/signup.html",
            context! { notice => tr(page.lang, "signup-pending") },
        ),
        Ok((user, _)) => {
            let token = web_sessions::open(&page.data, &user).await?;
            let mut response = see_other("/");
            set_session(&page, &mut response, &token);
            Ok(response)
        }
        Err(e) if e.status().is_client_error() => {
            let (key, field) = signup_refusal(&e);
            page.render_status(
                e.status(),
                "pages/signup.html",
                context! {
                    username, email, field, reason, invite_code,
                    error => tr(page.lang, key),
                    detail => if key == "signup-failed" || key == "signup-closed" { e.to_string() } else { String::new() },
                },
            )
        }
        Err(e) => Err(e),
    }
}

/// The footer's language form.
#[derive(Debug, Default, Deserialize)]
pub struct LangForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    lang: Option<String>,
}

/// `POST /lang`: remembers the language in a cookie, and in the account when signed in; goes
/// back to the page it came from (same site only).
pub async fn set_language(
    page: Page,
    headers: HeaderMap,
    form: ApiForm<LangForm>,
) -> AppResult<Response> {
    let form = form.params;
    if let Err(refused) = page.check_csrf(form.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let Some(lang) = form.lang.as_deref().and_then(i18n::supported) else {
        return Err(AppError::Invalid(format!(
            "lang must be one of {}",
            web_sessions::LOCALES.join(", ")
        )));
    };
    if let Some(me) = &page.me {
        web_sessions::set_locale(&page.data, &me.user, lang).await?;
    }
    let back = same_site_path(&headers, &page.data.config.base_url()).unwrap_or_else(|| "/".into());
    let mut response = see_other(&back);
    if let Ok(v) = HeaderValue::from_str(&page.cookie_header(i18n::LANG_COOKIE, lang, 31_536_000)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// The path of the `Referer` when it is a page of this node.
fn same_site_path(headers: &HeaderMap, base: &str) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let path = referer.strip_prefix(base)?;
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_string())
}
