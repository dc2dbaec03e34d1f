//! OAuth 2 as Mastodon clients use it: app registration (`POST /api/v1/apps`), the browser
//! authorization page (`/oauth/authorize`, code grant with PKCE S256, `oob`, custom-scheme
//! redirects), the token endpoint (authorization_code, client_credentials, refresh_token, and
//! password behind `oauth.allow_password_grant`), revocation, RFC 8414 metadata and an OIDC-style
//! userinfo. Token-endpoint errors use RFC 6749 codes (`{"error":"invalid_grant",
//! "error_description":…}`); the authorization page answers HTML.
pub mod apps;
pub mod authorize;
pub mod pkce;
pub mod redirect;
pub mod token;

use crate::{
    AppState,
    api::{
        auth::{scope_allows, validate_scopes},
        rate_limit::{Rule, Throttled},
    },
    db::{
        self,
        entity::{actor, local_user, oauth_app, oauth_token},
    },
    error::{AppError, AppResult},
    service::accounts::{random_token, token_hash, verify_password},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Set};
use serde::Serialize;

/// The OAuth routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/apps", post(apps::create))
        .route(
            "/api/v1/apps/verify_credentials",
            get(apps::verify_credentials),
        )
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(token::revoke))
        .route(
            "/oauth/userinfo",
            get(token::userinfo).post(token::userinfo),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(token::metadata),
        )
}

/// An RFC 6749 error of the token and revocation endpoints.
#[derive(Debug)]
pub struct OAuthError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
    /// Set when a rate limit refused the request: answered as 429 with its headers.
    pub throttled: Option<Throttled>,
}

impl OAuthError {
    fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            code,
            description: description.into(),
            throttled: None,
        }
    }
    /// 429: too many wrong passwords for the account (see `rate_limits`).
    pub fn throttled(throttled: Throttled) -> Self {
        OAuthError {
            throttled: Some(throttled),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "Too many requests",
            )
        }
    }
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
    /// 401: unknown client or wrong secret. Elk re-registers its app when it sees this.
    pub fn invalid_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        )
    }
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }
    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }
}

impl From<AppError> for OAuthError {
    fn from(err: AppError) -> Self {
        let status = err.status();
        if status.is_server_error() {
            tracing::error!(error = ?err, "OAuth request failed");
            Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "internal server error",
            )
        } else {
            Self::invalid_request(err.to_string())
        }
    }
}

impl From<sea_orm::DbErr> for OAuthError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::from(err).into()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        if let Some(throttled) = self.throttled {
            let mut response = throttled.into_response();
            no_store(response.headers_mut());
            return response;
        }
        let mut response = (
            self.status,
            Json(serde_json::json!({
                "error": self.code,
                "error_description": self.description,
            })),
        )
            .into_response();
        let headers = response.headers_mut();
        no_store(headers);
        if self.code == "invalid_client" {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Bearer realm="Halqa", error="invalid_client""#),
            );
        }
        response
    }
}

/// Token responses and the authorization page must not be cached (RFC 6749 §5.1).
pub fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The client's credentials, from HTTP Basic or the body (RFC 6749 §2.3.1). Basic wins; a
/// different `client_id` in the body is refused.
pub fn client_credentials(
    headers: &HeaderMap,
    body_id: Option<String>,
    body_secret: Option<String>,
) -> Result<(Option<String>, Option<String>), OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then(|| rest.trim())
        });
    let Some(encoded) = basic else {
        return Ok((non_empty(body_id), non_empty(body_secret)));
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(OAuthError::invalid_client)?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(OAuthError::invalid_client)?;
    let (id, secret) = (form_decode(id), form_decode(secret));
    if non_empty(body_id).is_some_and(|body| body != id) {
        return Err(OAuthError::invalid_client());
    }
    Ok((non_empty(Some(id)), non_empty(Some(secret))))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Undoes the form-urlencoding RFC 6749 applies to Basic credentials (`%XX`, `+`).
fn form_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Finds the app and checks its secret. Without a secret the client is public, which only
/// `allow_public` callers accept (a PKCE-protected code exchange).
pub async fn authenticate_client(
    data: &Data<AppState>,
    client_id: Option<&str>,
    client_secret: Option<&str>,
    allow_public: bool,
) -> Result<oauth_app::Model, OAuthError> {
    let client_id = client_id.ok_or_else(OAuthError::invalid_client)?;
    let app = db::oauth::find_app_by_client_id(&data.db.read, client_id)
        .await?
        .ok_or_else(OAuthError::invalid_client)?;
    match client_secret {
        Some(secret) if secret_matches(secret, &app.client_secret_hash) => Ok(app),
        Some(_) => Err(OAuthError::invalid_client()),
        None if allow_public => Ok(app),
        None => Err(OAuthError::invalid_client()),
    }
}

/// Constant-time comparison of a secret with its stored hash.
pub fn secret_matches(secret: &str, stored_hash: &str) -> bool {
    let hash = token_hash(secret);
    hash.len() == stored_hash.len() && openssl::memcmp::eq(hash.as_bytes(), stored_hash.as_bytes())
}

/// The scopes a request may have: what it asks for (checked, normalised, and each covered by
/// what the app registered), or all the app's scopes when it asks for none.
pub fn granted_scopes(requested: Option<&str>, allowed: &str) -> Result<String, String> {
    let Some(requested) = requested.filter(|r| !r.trim().is_empty()) else {
        return Ok(allowed.split_whitespace().collect::<Vec<_>>().join(" "));
    };
    let scopes = validate_scopes(requested).map_err(|e| e.to_string())?;
    if let Some(outside) = scopes
        .split_whitespace()
        .find(|s| !scope_allows(allowed, s))
    {
        return Err(format!(
            "The requested scope {outside:?} is not one the application registered ({allowed})"
        ));
    }
    Ok(scopes)
}

/// A scope parameter given as a string or (from JSON bodies) a list.
pub fn scope_param(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// A hash to check passwords against when the login names nobody, so both cases take as long.
static DUMMY_HASH: tokio::sync::OnceCell<Option<String>> = tokio::sync::OnceCell::const_new();

/// Why [`check_login`] refused a login.
#[derive(Debug)]
pub enum LoginRefused {
    /// Unknown login, wrong password or a deleted account (indistinguishable on purpose).
    Wrong,
    /// Too many wrong passwords for this account lately: refused without checking
    /// (`rate_limits.failed_logins_per_username`).
    Throttled(Throttled),
    /// The password is right but the account may not log in (pending approval, rejected,
    /// disabled): the message says which.
    NotAllowed(&'static str),
}

/// The local user a login (username, `@username`, `username@our.domain` or email) and password
/// name, if both are right, the account is live and it has not had too many wrong passwords
/// lately. Wrong passwords are counted per account (per login string when it names nobody), so
/// every spelling of a login shares one limit.
pub async fn check_login(
    data: &Data<AppState>,
    login: &str,
    password: &str,
) -> AppResult<Result<(local_user::Model, actor::Model), LoginRefused>> {
    let login = login.trim().trim_start_matches('@');
    let found = find_login(data, login).await?;
    let key = match &found {
        Some((user, _)) => format!("user:{}", user.id),
        None => format!("login:{}", login.to_lowercase()),
    };
    let limiter = &data.rate_limits;
    if let Err(throttled) = limiter.peek(Rule::FailedLoginsPerUsername, &key) {
        return Ok(Err(LoginRefused::Throttled(throttled)));
    }
    let accepted = match found {
        Some((user, actor)) => {
            let ok = verify_password(password.to_string(), user.password_hash.clone()).await;
            ok.then_some((user, actor))
        }
        None => {
            let dummy = DUMMY_HASH
                .get_or_init(|| async {
                    crate::service::accounts::hash_password(random_token(16))
                        .await
                        .ok()
                })
                .await;
            if let Some(hash) = dummy {
                verify_password(password.to_string(), hash.clone()).await;
            }
            None
        }
    };
    match accepted {
        Some((user, _)) if let Some(why) = crate::service::registrations::login_refusal(&user) => {
            Ok(Err(LoginRefused::NotAllowed(why)))
        }
        Some(found) => Ok(Ok(found)),
        None => {
            limiter.hit(Rule::FailedLoginsPerUsername, &key);
            Ok(Err(LoginRefused::Wrong))
        }
    }
}

async fn find_login(
    data: &Data<AppState>,
    login: &str,
) -> AppResult<Option<(local_user::Model, actor::Model)>> {
    if login.is_empty() {
        return Ok(None);
    }
    let db = &data.db.read;
    let user = if let Some(user) = db::users::find_by_email(db, login).await? {
        Some(user)
    } else {
        let username = match login.rsplit_once('@') {
            Some((name, host)) if host.eq_ignore_ascii_case(&data.config.instance.domain) => name,
            Some(_) => return Ok(None),
            None => login,
        };
        match db::actors::find_local(db, &username.to_lowercase()).await? {
            Some(actor) => db::users::find_by_actor(db, actor.id).await?,
            None => None,
        }
    };
    let Some(user) = user else {
        return Ok(None);
    };
    let actor = db::actors::get_by_id(db, user.actor_id).await?;
    if actor.deleted_at.is_some() {
        return Ok(None);
    }
    Ok(Some((user, actor)))
}

/// The JSON of a token grant.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub scope: String,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// Creates a token (and a refresh token unless it is an app-only token) on `db`, remembering
/// the authorization code it comes from (for a refresh: the code of the token refreshed).
pub async fn issue_token(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    app_id: i64,
    user_id: Option<i64>,
    scopes: String,
    code_id: Option<i64>,
) -> AppResult<TokenResponse> {
    let access = random_token(32);
    let refresh = user_id.map(|_| random_token(32));
    let now: DateTime<Utc> = Utc::now();
    let row = db::oauth::insert_token(
        db,
        oauth_token::ActiveModel {
            id: Set(data.ids.next()),
            token_hash: Set(token_hash(&access)),
            refresh_token_hash: Set(refresh.as_deref().map(token_hash)),
            app_id: Set(Some(app_id)),
            user_id: Set(user_id),
            scopes: Set(scopes),
            created_at: Set(now),
            last_used_at: Set(None),
            revoked_at: Set(None),
            code_id: Set(code_id),
        },
    )
    .await?;
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer",
        scope: row.scopes,
        created_at: row.created_at.timestamp(),
        refresh_token: refresh,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn requested_scopes_must_be_covered_by_the_app() {
        let app = "read write follow push";
        assert_eq!(granted_scopes(None, app).unwrap(), app);
        assert_eq!(granted_scopes(Some(" "), app).unwrap(), app);
        assert_eq!(
            granted_scopes(Some("read+write"), app).unwrap(),
            "read write"
        );
        assert_eq!(
            granted_scopes(Some("read:statuses write:media"), app).unwrap(),
            "read:statuses write:media"
        );
        assert!(granted_scopes(Some("read admin:read"), app).is_err());
        assert!(granted_scopes(Some("read destroy"), app).is_err());
        assert!(granted_scopes(Some("write"), "read").is_err());
    }

    #[test]
    fn basic_credentials_win_and_are_decoded() {
        let mut headers = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode("my%20id:s%2Bcret+x");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        let (id, secret) = client_credentials(&headers, None, Some("body".into())).unwrap();
        assert_eq!(id.as_deref(), Some("my id"));
        assert_eq!(secret.as_deref(), Some("s+cret x"));
        assert!(client_credentials(&headers, Some("other".into()), None).is_err());
        let (id, secret) =
            client_credentials(&HeaderMap::new(), Some("a".into()), Some("".into())).unwrap();
        assert_eq!((id.as_deref(), secret), (Some("a"), None));
    }

    #[test]
    fn form_decoding_tolerates_stray_percent_signs() {
        assert_eq!(form_decode("a%2"), "a%2");
        assert_eq!(form_decode("%zz"), "%zz");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%41b"), "Ab");
    }
}
