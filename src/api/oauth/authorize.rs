//! `GET /oauth/authorize` (the login + consent page) and `POST /oauth/authorize` (check the
//! password, issue a ten-minute single-use code, send the browser back to the app, or show the
//! code for `oob`). There is no session cookie: the password in the same form is the proof that
//! the account holder approved, so the POST also works on its own, which scripts and tests use.
//! Problems with the client or redirect URI get an HTML page (never a redirect to an unchecked
//! URI); other problems go back to the app as `?error=…` (RFC 6749 §4.1.2.1).
use super::{
    LoginRefused, check_login, granted_scopes, no_store, pkce,
    redirect::{OOB, with_params},
    scope_param,
};
use crate::{
    AppState,
    api::{
        form::{ApiForm, ApiQuery, de},
        rate_limit::Throttled,
    },
    db::{
        self,
        entity::{oauth_app, oauth_code},
    },
    error::{AppError, AppResult},
    service::accounts::{random_token, token_hash},
    web::{i18n, page::Page as WebPage},
};
use activitypub_federation::config::Data;
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use minijinja::context;
use sea_orm::Set;
use serde::Deserialize;
use serde_json::Value;

/// The Fluent key describing a scope: `read:statuses` is described as `read` is.
fn scope_key(scope: &str) -> &'static str {
    match scope {
        "profile" => "oauth-scope-profile",
        "follow" => "oauth-scope-follow",
        "push" => "oauth-scope-push",
        s if s.starts_with("admin:read") => "oauth-scope-admin-read",
        s if s.starts_with("admin:write") => "oauth-scope-admin-write",
        s if s.starts_with("write") => "oauth-scope-write",
        _ => "oauth-scope-read",
    }
}

/// How long a code can be redeemed.
const CODE_LIFETIME_MINUTES: i64 = 10;

/// The authorization request, from the query (GET) or the form (POST).
#[derive(Debug, Default, Deserialize)]
pub struct AuthorizeParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    response_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    redirect_uri: Option<String>,
    #[serde(default)]
    scope: Value,
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_challenge: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_challenge_method: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    lang: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    approve: Option<bool>,
    /// The web session's CSRF token, when approving as the signed-in user (no password).
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
}

/// A checked request: the app, where to send the answer, and what to grant.
struct Request {
    app: oauth_app::Model,
    redirect_uri: String,
    state: Option<String>,
}

struct Grant {
    scopes: String,
    challenge: Option<(String, &'static str)>,
}

/// `GET /oauth/authorize`.
pub async fn show(
    data: Data<AppState>,
    headers: HeaderMap,
    query: Result<ApiQuery<AuthorizeParams>, AppError>,
) -> AppResult<Response> {
    let params = match query {
        Ok(ApiQuery(params)) => params,
        Err(e) => {
            let page = Page::new(&data, &headers, None).await?;
            return page.fatal(&e.to_string());
        }
    };
    let page = Page::new(&data, &headers, params.lang.as_deref()).await?;
    let request = match check_client(&data, &params).await? {
        Ok(request) => request,
        Err(key) => return page.fatal(&page.t(key)),
    };
    if params.response_type.as_deref() != Some("code") {
        return page.send_back(
            &request,
            "unsupported_response_type",
            "response_type must be \"code\"",
        );
    }
    let grant = match check_grant(&params, &request.app) {
        Ok(grant) => grant,
        Err((code, message)) => return page.send_back(&request, code, &message),
    };
    page.consent(&request, &grant, &params, None, StatusCode::OK)
}

/// `POST /oauth/authorize`.
pub async fn submit(
    data: Data<AppState>,
    headers: HeaderMap,
    form: Result<ApiForm<AuthorizeParams>, AppError>,
) -> AppResult<Response> {
    let params = match form {
        Ok(form) => form.params,
        Err(e) => {
            let page = Page::new(&data, &headers, None).await?;
            return page.fatal(&e.to_string());
        }
    };
    let page = Page::new(&data, &headers, params.lang.as_deref()).await?;
    let request = match check_client(&data, &params).await? {
        Ok(request) => request,
        Err(key) => return page.fatal(&page.t(key)),
    };
    if params.approve != Some(true) {
        return page.send_back(
            &request,
            "access_denied",
            "The resource owner denied the request",
        );
    }
    if params.response_type.as_deref().is_some_and(|r| r != "code") {
        return page.send_back(
            &request,
            "unsupported_response_type",
            "response_type must be \"code\"",
        );
    }
    let grant = match check_grant(&params, &request.app) {
        Ok(grant) => grant,
        Err((code, message)) => return page.send_back(&request, code, &message),
    };
    let login = params.username.clone().unwrap_or_default();
    let password = params.password.clone().unwrap_or_default();
    // Signed in on the web: the session and its CSRF token stand for the password.
    let session_user = page.web.me.as_ref().and_then(|me| {
        let sent = params.csrf.as_deref()?;
        (password.is_empty() && page.web.check_csrf(sent).is_ok()).then(|| me.user.clone())
    });
    let login_result = match session_user {
        Some(user) => Ok((user, ())),
        None => check_login(&data, &login, &password)
            .await?
            .map(|(user, _)| (user, ())),
    };
    let user = match login_result {
        Ok((user, _)) => user,
        Err(LoginRefused::Wrong) => {
            let message = page.t("oauth-wrong-login");
            return page.consent(
                &request,
                &grant,
                &params,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        // A person at a browser: the form again, saying why, with the 429 and its headers.
        Err(LoginRefused::Throttled(Throttled(verdict))) => {
            let message = page.t("oauth-too-many-attempts");
            let mut response = page.consent(
                &request,
                &grant,
                &params,
                Some(message),
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            let headers = response.headers_mut();
            verdict.set_headers(headers);
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(verdict.retry_after_secs(Utc::now())),
            );
            return Ok(response);
        }
        // Pending approval, rejected or disabled: the form again with the reason, as the
        // login page says it.
        Err(LoginRefused::NotAllowed(_)) => {
            let message = page.t("login-not-allowed");
            return page.consent(
                &request,
                &grant,
                &params,
                Some(message),
                StatusCode::FORBIDDEN,
            );
        }
    };
    let code = random_token(32);
    let now = Utc::now();
    let (challenge, method) = match grant.challenge {
        Some((challenge, method)) => (Some(challenge), Some(method.to_string())),
        None => (None, None),
    };
    db::oauth::insert_code(
        &data.db.write,
        oauth_code::ActiveModel {
            id: Set(data.ids.next()),
            code_hash: Set(token_hash(&code)),
            app_id: Set(request.app.id),
            user_id: Set(user.id),
            redirect_uri: Set(request.redirect_uri.clone()),
            scopes: Set(grant.scopes),
            code_challenge: Set(challenge),
            code_challenge_method: Set(method),
            expires_at: Set(now + Duration::minutes(CODE_LIFETIME_MINUTES)),
            created_at: Set(now),
            used_at: Set(None),
        },
    )
    .await?;
    if request.redirect_uri == OOB {
        return page.code(&request.app.name, &code);
    }
    let mut query = vec![("code", code.as_str())];
    if let Some(state) = request.state.as_deref() {
        query.push(("state", state));
    }
    redirect(&with_params(&request.redirect_uri, &query))
}

/// The app and redirect URI, or the Fluent key of the message of a page that must not
/// redirect anywhere.
async fn check_client(
    data: &Data<AppState>,
    params: &AuthorizeParams,
) -> AppResult<Result<Request, &'static str>> {
    let Some(client_id) = params.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(Err("oauth-no-client-id"));
    };
    let Some(app) = db::oauth::find_app_by_client_id(&data.db.read, client_id).await? else {
        return Ok(Err("oauth-unknown-client"));
    };
    let registered: Vec<&str> = app.redirect_uris.lines().collect();
    let redirect_uri = match params.redirect_uri.as_deref().map(str::trim) {
        Some(uri) if !uri.is_empty() => {
            if !registered.contains(&uri) {
                return Ok(Err("oauth-unregistered-redirect"));
            }
            uri.to_string()
        }
        _ => match registered.as_slice() {
            [only] => (*only).to_string(),
            _ => return Ok(Err("oauth-no-redirect")),
        },
    };
    Ok(Ok(Request {
        app,
        redirect_uri,
        state: params.state.clone().filter(|s| !s.is_empty()),
    }))
}

/// The scopes and PKCE challenge of a request, or an RFC 6749 error code and description.
fn check_grant(
    params: &AuthorizeParams,
    app: &oauth_app::Model,
) -> Result<Grant, (&'static str, String)> {
    let scopes = granted_scopes(scope_param(&params.scope).as_deref(), &app.scopes)
        .map_err(|e| ("invalid_scope", e))?;
    let method = params
        .code_challenge_method
        .as_deref()
        .filter(|m| !m.is_empty());
    let challenge = match params.code_challenge.as_deref().filter(|c| !c.is_empty()) {
        Some(challenge) => {
            let method = pkce::check_challenge(challenge, method)
                .map_err(|e| ("invalid_request", e.to_string()))?;
            Some((challenge.to_string(), method))
        }
        None if method.is_some() => {
            return Err((
                "invalid_request",
                "code_challenge_method was given without a code_challenge".into(),
            ));
        }
        None => None,
    };
    Ok(Grant { scopes, challenge })
}

/// A 302 to `location` (custom schemes included).
fn redirect(location: &str) -> AppResult<Response> {
    let value = HeaderValue::from_str(location)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("redirect URI is not a header value")))?;
    let mut response = (StatusCode::FOUND, [(header::LOCATION, value)]).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

/// The web page context (language, session, CSRF token) of the authorization pages.
struct Page {
    web: WebPage,
}

impl Page {
    /// The web frontend's context, in the language the app asked for (`lang`) when it is one
    /// of ours, else the one the web frontend chooses (the user's setting, the language
    /// cookie, the browser's languages, the node's default).
    async fn new(
        data: &Data<AppState>,
        headers: &HeaderMap,
        lang: Option<&str>,
    ) -> AppResult<Page> {
        let mut web = WebPage::from_headers(data, headers).await?;
        if let Some(lang) = lang.and_then(i18n::supported) {
            web.lang = lang;
            web.dir = i18n::direction(lang);
        }
        Ok(Page { web })
    }

    fn t(&self, key: &str) -> String {
        i18n::tr(self.web.lang, key)
    }

    fn html(
        &self,
        template: &str,
        status: StatusCode,
        ctx: minijinja::Value,
    ) -> AppResult<Response> {
        let mut response = self.web.render_status(status, template, ctx)?;
        let headers = response.headers_mut();
        no_store(headers);
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        Ok(response)
    }

    /// A page explaining a request that cannot go back to the app.
    fn fatal(&self, message: &str) -> AppResult<Response> {
        self.html(
            "pages/oauth_authorize.html",
            StatusCode::BAD_REQUEST,
            context! { fatal => true, error => message },
        )
    }

    /// An error sent back to the app (or shown, for `oob`).
    fn send_back(&self, request: &Request, code: &str, description: &str) -> AppResult<Response> {
        if request.redirect_uri == OOB {
            let message = if code == "access_denied" {
                self.t("oauth-denied")
            } else {
                format!("{code}: {description}")
            };
            return self.html(
                "pages/oauth_code.html",
                if code == "access_denied" {
                    StatusCode::OK
                } else {
                    StatusCode::BAD_REQUEST
                },
                context! { heading => self.t("oauth-title"), message, app_name => request.app.name.clone() },
            );
        }
        let mut query = vec![("error", code), ("error_description", description)];
        if let Some(state) = request.state.as_deref() {
            query.push(("state", state));
        }
        redirect(&with_params(&request.redirect_uri, &query))
    }

    /// The `oob` page with the code in `<code id="oauth-code">`.
    fn code(&self, app_name: &str, code: &str) -> AppResult<Response> {
        self.html(
            "pages/oauth_code.html",
            StatusCode::OK,
            context! { heading => self.t("oauth-code-title"), code, app_name },
        )
    }

    /// The login + consent form.
    fn consent(
        &self,
        request: &Request,
        grant: &Grant,
        params: &AuthorizeParams,
        error: Option<String>,
        status: StatusCode,
    ) -> AppResult<Response> {
        let (challenge, method) = match &grant.challenge {
            Some((challenge, method)) => (challenge.as_str(), *method),
            None => ("", ""),
        };
        let hidden: Vec<minijinja::Value> = [
            ("response_type", "code"),
            ("client_id", request.app.client_id.as_str()),
            ("redirect_uri", request.redirect_uri.as_str()),
            ("scope", grant.scopes.as_str()),
            ("state", request.state.as_deref().unwrap_or("")),
            ("code_challenge", challenge),
            ("code_challenge_method", method),
            ("lang", self.web.lang),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| context! { name, value })
        .collect();
        let scopes: Vec<minijinja::Value> = grant
            .scopes
            .split_whitespace()
            .map(|name| context! { name, description => self.t(scope_key(name)) })
            .collect();
        let redirect_display = if request.redirect_uri == OOB {
            self.t("oauth-oob-note")
        } else {
            request.redirect_uri.clone()
        };
        self.html(
            "pages/oauth_authorize.html",
            status,
            context! {
                fatal => false,
                error,
                app_name => request.app.name.clone(),
                app_website => request.app.website.clone(),
                scopes,
                hidden,
                redirect_display,
                login => params.username.clone().unwrap_or_default(),
                signed_in => self.web.me.as_ref().map(|m| m.actor.handle()),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granular_scopes_are_described_by_their_family() {
        assert_eq!(scope_key("read:statuses"), "oauth-scope-read");
        assert_eq!(scope_key("write:media"), "oauth-scope-write");
        assert_eq!(scope_key("admin:write:accounts"), "oauth-scope-admin-write");
        assert_eq!(scope_key("admin:read"), "oauth-scope-admin-read");
        assert_eq!(scope_key("follow"), "oauth-scope-follow");
    }

    #[test]
    fn every_page_string_is_in_the_three_languages() {
        let keys = [
            "oauth-title",
            "oauth-denied",
            "oauth-code-title",
            "oauth-oob-note",
            "oauth-wrong-login",
            "oauth-too-many-attempts",
            "oauth-no-client-id",
            "oauth-unknown-client",
            "oauth-unregistered-redirect",
            "oauth-no-redirect",
        ];
        let scopes = [
            "read",
            "write",
            "follow",
            "push",
            "profile",
            "admin:read",
            "admin:write",
        ];
        for lang in ["ar", "fr", "en"] {
            for key in keys
                .iter()
                .copied()
                .chain(scopes.iter().map(|s| scope_key(s)))
            {
                assert_ne!(i18n::tr(lang, key), key, "{lang}: {key}");
            }
        }
    }
}
