//! `POST /api/v1/apps` (register a client, answer a CredentialApplication as Mastodon 4.3) and
//! `GET /api/v1/apps/verify_credentials` (the Application a token belongs to).
use super::redirect::parse_redirect_uris;
use crate::{
    AppState,
    api::{
        auth::{AppAuth, validate_scopes},
        form::{ApiForm, de},
    },
    db::{self, entity::oauth_app},
    error::{AppError, AppResult},
    service::accounts::{random_token, token_hash},
};
use activitypub_federation::config::Data;
use axum::Json;
use chrono::Utc;
use sea_orm::Set;
use serde::{Deserialize, Serialize};

/// Mastodon's limit on an app's name.
const MAX_NAME_CHARS: usize = 60;
/// Mastodon's limit on an app's website.
const MAX_WEBSITE_LEN: usize = 2000;

/// `POST /api/v1/apps` parameters.
#[derive(Debug, Deserialize)]
pub struct CreateApp {
    #[serde(default, deserialize_with = "de::opt_string")]
    client_name: Option<String>,
    /// One string, a newline-separated list, or an array.
    #[serde(default, alias = "redirect_uri", deserialize_with = "de::vec_string")]
    redirect_uris: Vec<String>,
    /// Space-separated (or `+`/`,`), or an array.
    #[serde(default, deserialize_with = "de::vec_string")]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    website: Option<String>,
}

/// The Application entity.
#[derive(Debug, Serialize)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_uris: Vec<String>,
    /// Deprecated in Mastodon 4.3: the URIs newline-joined.
    pub redirect_uri: String,
    /// Deprecated in Mastodon 4.3: the server's Web Push key. Halqa has no Web Push yet.
    pub vapid_key: String,
}

/// The CredentialApplication entity: an Application plus its credentials (shown once).
#[derive(Debug, Serialize)]
pub struct CredentialApplication {
    #[serde(flatten)]
    pub app: Application,
    pub client_id: String,
    pub client_secret: String,
    pub client_secret_expires_at: i64,
}

impl From<&oauth_app::Model> for Application {
    fn from(app: &oauth_app::Model) -> Self {
        let redirect_uris: Vec<String> = app.redirect_uris.lines().map(str::to_string).collect();
        Application {
            id: app.id.to_string(),
            name: app.name.clone(),
            website: app.website.clone(),
            scopes: app.scopes.split_whitespace().map(str::to_string).collect(),
            redirect_uri: redirect_uris.join("\n"),
            redirect_uris,
            vapid_key: String::new(),
        }
    }
}

fn check_website(website: Option<String>) -> AppResult<Option<String>> {
    let Some(website) = website
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
    else {
        return Ok(None);
    };
    let valid = website.len() <= MAX_WEBSITE_LEN
        && url::Url::parse(&website).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if !valid {
        return Err(AppError::Invalid(
            "Validation failed: Website is not a valid http(s) URL".into(),
        ));
    }
    Ok(Some(website))
}

/// `POST /api/v1/apps`.
pub async fn create(
    data: Data<AppState>,
    form: ApiForm<CreateApp>,
) -> AppResult<Json<CredentialApplication>> {
    let params = form.params;
    let name = params
        .client_name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| AppError::Invalid("Validation failed: Name can't be blank".into()))?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::Invalid(format!(
            "Validation failed: Name is too long (maximum is {MAX_NAME_CHARS} characters)"
        )));
    }
    let redirect_uris = parse_redirect_uris(&params.redirect_uris)
        .map_err(|e| AppError::Invalid(format!("Validation failed: Redirect URI {e}")))?;
    let scopes = validate_scopes(&params.scopes.join(" "))
        .map_err(|e| AppError::Invalid(format!("Validation failed: Scopes: {e}")))?;
    let website = check_website(params.website)?;
    let client_id = random_token(32);
    let client_secret = random_token(32);
    let app = db::oauth::insert_app(
        &data.db.write,
        oauth_app::ActiveModel {
            id: Set(data.ids.next()),
            client_id: Set(client_id.clone()),
            client_secret_hash: Set(token_hash(&client_secret)),
            name: Set(name),
            website: Set(website),
            redirect_uris: Set(redirect_uris.join("\n")),
            scopes: Set(scopes),
            created_at: Set(Utc::now()),
        },
    )
    .await?;
    Ok(Json(CredentialApplication {
        app: Application::from(&app),
        client_id,
        client_secret,
        client_secret_expires_at: 0,
    }))
}

/// `GET /api/v1/apps/verify_credentials`: any live token, user or app-only.
pub async fn verify_credentials(
    data: Data<AppState>,
    auth: AppAuth,
) -> AppResult<Json<Application>> {
    let app_id = auth.token.app_id.ok_or_else(|| {
        AppError::not_found(
            "This token was minted by an administrator, not issued to an application",
        )
    })?;
    let app = db::oauth::get_app(&data.db.read, app_id)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    Ok(Json(Application::from(&app)))
}
