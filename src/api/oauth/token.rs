//! `POST /oauth/token` (the four grants), `POST /oauth/revoke` (RFC 7009), `GET
//! /.well-known/oauth-authorization-server` (RFC 8414, as Mastodon 4.3) and `GET /oauth/userinfo`.
use super::{
    LoginRefused, OAuthError, TokenResponse, authenticate_client, check_login, client_credentials,
    granted_scopes, issue_token, no_store, pkce, scope_param,
};
use crate::{
    AppState,
    api::{
        auth::{Auth, KNOWN_SCOPES},
        form::{ApiForm, de},
    },
    db,
    error::{AppError, AppResult},
    service::accounts::token_hash,
};
use activitypub_federation::config::Data;
use axum::{
    Json,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::{Value, json};

/// What Doorkeeper says for any unusable grant; details go to the log, not to the client.
const BAD_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";

/// `POST /oauth/token` parameters (JSON, form or multipart; client credentials may instead
/// come as HTTP Basic).
#[derive(Debug, Default, Deserialize)]
pub struct TokenParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    grant_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    redirect_uri: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_verifier: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default)]
    scope: Value,
}

fn granted(response: TokenResponse) -> Response {
    let mut response = Json(response).into_response();
    no_store(response.headers_mut());
    response
}

fn read_body<T>(form: Result<ApiForm<T>, AppError>) -> Result<T, OAuthError> {
    form.map(|f| f.params)
        .map_err(|e| OAuthError::invalid_request(e.to_string()))
}

/// `POST /oauth/token`.
pub async fn token(
    data: Data<AppState>,
    headers: HeaderMap,
    form: Result<ApiForm<TokenParams>, AppError>,
) -> Result<Response, OAuthError> {
    let params = read_body(form)?;
    let grant_type = params
        .grant_type
        .clone()
        .ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?;
    match grant_type.as_str() {
        "authorization_code" => authorization_code(&data, &headers, params).await,
        "password" => password(&data, &headers, params).await,
        "client_credentials" => client_credentials_grant(&data, &headers, params).await,
        "refresh_token" => refresh(&data, &headers, params).await,
        other => Err(OAuthError::unsupported_grant_type(format!(
            "The authorization grant type {other:?} is not supported by this server"
        ))),
    }
    .map(granted)
}

async fn authorization_code(
    data: &Data<AppState>,
    headers: &HeaderMap,
    params: TokenParams,
) -> Result<TokenResponse, OAuthError> {
    let (client_id, client_secret) =
        client_credentials(headers, params.client_id, params.client_secret)?;
    let app =
        authenticate_client(data, client_id.as_deref(), client_secret.as_deref(), true).await?;
    let raw_code = params
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let redirect_uri = params
        .redirect_uri
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("redirect_uri is required"))?;
    let code = db::oauth::find_code(&data.db.read, &token_hash(&raw_code))
        .await?
        .filter(|c| c.app_id == app.id)
        .ok_or_else(|| OAuthError::invalid_grant(BAD_GRANT))?;
    if code.used_at.is_some() {
        return Err(replayed(data, code.id).await);
    }
    if code.expires_at < Utc::now() {
        return Err(OAuthError::invalid_grant(
            "The authorization code has expired",
        ));
    }
    if code.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the one of the authorization request",
        ));
    }
    match (&code.code_challenge, params.code_verifier) {
        (Some(challenge), Some(verifier)) => pkce::verify(&verifier, challenge)
            .map_err(|e| OAuthError::invalid_grant(e.to_string()))?,
        (Some(_), None) => {
            return Err(OAuthError::invalid_request(
                "code_verifier is required: the authorization request had a code_challenge",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier was sent but the authorization request had no code_challenge",
            ));
        }
        // Without PKCE the client must prove itself with its secret.
        (None, None) if client_secret.is_none() => return Err(OAuthError::invalid_client()),
        (None, None) => {}
    }
    let user = db::users::get(&data.db.read, code.user_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant(BAD_GRANT))?;
    let actor = db::actors::get_by_id(&data.db.read, user.actor_id).await?;
    if actor.deleted_at.is_some() {
        return Err(OAuthError::invalid_grant(BAD_GRANT));
    }
    let txn = data.db.write.begin().await?;
    if !db::oauth::consume_code(&txn, code.id).await? {
        // A concurrent exchange of the same code won: this one is a replay too. The
        // transaction ends first (SQLite has one writer connection).
        drop(txn);
        return Err(replayed(data, code.id).await);
    }
    let response = issue_token(
        &txn,
        data,
        app.id,
        Some(user.id),
        code.scopes,
        Some(code.id),
    )
    .await?;
    txn.commit().await?;
    Ok(response)
}

/// A redeemed code came again: whoever holds it is not necessarily the client, so every token
/// it issued is revoked (RFC 6749 §4.1.2) and the exchange refused.
async fn replayed(data: &Data<AppState>, code_id: i64) -> OAuthError {
    match db::oauth::revoke_tokens_of_code(&data.db.write, code_id).await {
        Ok(revoked) => {
            tracing::warn!(
                code_id,
                revoked,
                "authorization code replayed: its tokens are revoked"
            );
            OAuthError::invalid_grant(BAD_GRANT)
        }
        Err(e) => e.into(),
    }
}

async fn password(
    data: &Data<AppState>,
    headers: &HeaderMap,
    params: TokenParams,
) -> Result<TokenResponse, OAuthError> {
    if !data.config.oauth.allow_password_grant {
        return Err(OAuthError::unsupported_grant_type(
            "The password grant is disabled on this server (oauth.allow_password_grant)",
        ));
    }
    let (client_id, client_secret) =
        client_credentials(headers, params.client_id, params.client_secret)?;
    let app =
        authenticate_client(data, client_id.as_deref(), client_secret.as_deref(), false).await?;
    let (Some(username), Some(password)) = (params.username, params.password) else {
        return Err(OAuthError::invalid_request(
            "username and password are required",
        ));
    };
    let scopes = granted_scopes(scope_param(&params.scope).as_deref(), &app.scopes)
        .map_err(OAuthError::invalid_scope)?;
    let (user, _) = match check_login(data, &username, &password).await? {
        Ok(found) => found,
        Err(LoginRefused::Wrong) => {
            return Err(OAuthError::invalid_grant(
                "The username or password is wrong",
            ));
        }
        Err(LoginRefused::Throttled(throttled)) => return Err(OAuthError::throttled(throttled)),
        Err(LoginRefused::NotAllowed(why)) => return Err(OAuthError::invalid_grant(why)),
    };
    Ok(issue_token(&data.db.write, data, app.id, Some(user.id), scopes, None).await?)
}

async fn client_credentials_grant(
    data: &Data<AppState>,
    headers: &HeaderMap,
    params: TokenParams,
) -> Result<TokenResponse, OAuthError> {
    let (client_id, client_secret) =
        client_credentials(headers, params.client_id, params.client_secret)?;
    let app =
        authenticate_client(data, client_id.as_deref(), client_secret.as_deref(), false).await?;
    let scopes = granted_scopes(scope_param(&params.scope).as_deref(), &app.scopes)
        .map_err(OAuthError::invalid_scope)?;
    Ok(issue_token(&data.db.write, data, app.id, None, scopes, None).await?)
}

/// Rotation: the old access and refresh tokens are revoked and a new pair issued, with the
/// same or narrower scopes.
async fn refresh(
    data: &Data<AppState>,
    headers: &HeaderMap,
    params: TokenParams,
) -> Result<TokenResponse, OAuthError> {
    let (client_id, client_secret) =
        client_credentials(headers, params.client_id, params.client_secret)?;
    let app =
        authenticate_client(data, client_id.as_deref(), client_secret.as_deref(), false).await?;
    let raw = params
        .refresh_token
        .filter(|r| !r.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let old = db::oauth::find_by_refresh(&data.db.read, &token_hash(&raw))
        .await?
        .filter(|t| t.app_id == Some(app.id))
        .ok_or_else(|| OAuthError::invalid_grant(BAD_GRANT))?;
    let user_id = old
        .user_id
        .ok_or_else(|| OAuthError::invalid_grant(BAD_GRANT))?;
    let scopes = granted_scopes(scope_param(&params.scope).as_deref(), &old.scopes)
        .map_err(OAuthError::invalid_scope)?;
    let txn = data.db.write.begin().await?;
    if !db::oauth::revoke_token(&txn, old.id).await? {
        return Err(OAuthError::invalid_grant(BAD_GRANT));
    }
    let response = issue_token(&txn, data, app.id, Some(user_id), scopes, old.code_id).await?;
    txn.commit().await?;
    Ok(response)
}

/// `POST /oauth/revoke` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct RevokeParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_secret: Option<String>,
}

/// `POST /oauth/revoke`: revokes an access or refresh token of the calling app. Unknown tokens
/// and other apps' tokens answer `{}` too (RFC 7009 §2.2), so nothing can be probed.
pub async fn revoke(
    data: Data<AppState>,
    headers: HeaderMap,
    form: Result<ApiForm<RevokeParams>, AppError>,
) -> Result<Response, OAuthError> {
    let params = read_body(form)?;
    let (client_id, client_secret) =
        client_credentials(&headers, params.client_id, params.client_secret)?;
    // A public client may revoke with its client_id alone: holding the token is the proof.
    let app =
        authenticate_client(&data, client_id.as_deref(), client_secret.as_deref(), true).await?;
    let raw = params
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    if let Some(row) = db::oauth::find_by_either_hash(&data.db.read, &token_hash(&raw)).await?
        && row.app_id == Some(app.id)
    {
        db::oauth::revoke_token(&data.db.write, row.id).await?;
    }
    let mut response = Json(json!({})).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414), as Mastodon 4.3 publishes it.
/// `password` is listed only when the grant is on: Mastodon.py refuses it otherwise.
pub async fn metadata(data: Data<AppState>) -> Json<Value> {
    let base = data.urls.base();
    let mut grants = vec!["authorization_code", "client_credentials", "refresh_token"];
    if data.config.oauth.allow_password_grant {
        grants.push("password");
    }
    Json(json!({
        "issuer": format!("{base}/"),
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "userinfo_endpoint": format!("{base}/oauth/userinfo"),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": KNOWN_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": grants,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }))
}

/// `GET|POST /oauth/userinfo`: who the token acts for, OpenID Connect style (`profile` scope).
pub async fn userinfo(data: Data<AppState>, auth: Auth) -> AppResult<Json<Value>> {
    auth.require("profile")?;
    let actor = &auth.actor;
    let name = if actor.display_name.is_empty() {
        actor.username.clone()
    } else {
        actor.display_name.clone()
    };
    Ok(Json(json!({
        "iss": format!("{}/", data.urls.base()),
        "sub": actor.ap_id,
        "name": name,
        "preferred_username": actor.username,
        "profile": actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
        "picture": actor.avatar_url,
    })))
}
