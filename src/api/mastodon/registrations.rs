//! `POST /api/v1/accounts`: sign-up through an app (Mastodon's registration method), under the
//! node's registration rules (`service::registrations`). Answers a Token entity; when the node
//! requires approval the token exists but every call with it answers 403 "pending approval"
//! until staff approve the account.
use crate::{
    AppState,
    api::{
        auth::{AppAuth, scope_allows},
        form::{ApiForm, de},
        oauth::{TokenResponse, issue_token},
    },
    error::{AppError, AppResult},
    service::{registrations, settings},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::post};
use serde::Deserialize;

/// The registration route.
pub fn routes() -> Router {
    Router::new().route("/api/v1/accounts", post(register))
}

#[derive(Debug, Deserialize)]
struct RegisterParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    email: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    agreement: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    locale: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    reason: Option<String>,
    /// Halqa's addition: the code of an invite (invite-only nodes).
    #[serde(default, deserialize_with = "de::opt_string")]
    invite_code: Option<String>,
}

/// `POST /api/v1/accounts`. Closed nodes answer 403 before anything else; then an app token
/// with `write:accounts` is needed (Mastodon's rule), then the rules of the mode.
async fn register(
    data: Data<AppState>,
    auth: Result<AppAuth, AppError>,
    form: ApiForm<RegisterParams>,
) -> AppResult<Json<TokenResponse>> {
    let rules = settings::current(&data.db.read, &data.config).await?;
    if !rules.registrations_enabled() {
        return Err(AppError::Forbidden(
            "Registrations are closed on this node; ask its admin for an account".into(),
        ));
    }
    let auth = auth?;
    if !scope_allows(&auth.token.scopes, "write:accounts") {
        return Err(AppError::Forbidden(
            "This action is outside the authorized scopes".into(),
        ));
    }
    let app_id = auth
        .token
        .app_id
        .ok_or_else(|| AppError::Forbidden("This method requires an app token".into()))?;
    let p = form.params;
    let required = |value: Option<String>, name: &str| {
        value
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| AppError::Invalid(format!("Validation failed: {name} can't be blank")))
    };
    let application = registrations::Application {
        username: required(p.username, "Username")?,
        email: required(p.email, "Email")?,
        password: required(p.password, "Password")?,
        agreement: p.agreement,
        locale: p.locale,
        reason: p.reason,
        invite_code: p.invite_code,
    };
    let (user, _) = registrations::sign_up(&data, application).await?;
    let token = issue_token(
        &data.db.write,
        &data,
        app_id,
        Some(user.id),
        auth.token.scopes.clone(),
        None,
    )
    .await?;
    Ok(Json(token))
}
