//! The client APIs: OAuth 2 (`oauth`), the Mastodon client API (`mastodon`), and the shared
//! pieces every handler uses — authentication and scopes (`auth`), lenient parameter parsing
//! (`form`) and Link-header paging (`pagination`). Handlers stay thin: extract, authorise, call
//! one service function, convert to an entity, respond.
pub mod auth;
pub mod form;
pub mod mastodon;
pub mod oauth;
pub mod pagination;
pub mod pln;
pub mod rate_limit;

use crate::error::{AppError, AppResult};
use axum::{
    Router,
    http::{HeaderName, Method, StatusCode},
    response::{IntoResponse, Response},
};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

/// Every client-API route.
pub fn routes() -> Router {
    Router::new()
        .merge(mastodon::routes())
        .merge(oauth::routes())
        .merge(pln::routes())
}

/// CORS as Mastodon: any origin, the API's methods and headers, and `Link` and the rate-limit
/// headers exposed so browser clients can page.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            HeaderName::from_static("link"),
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            HeaderName::from_static("x-ratelimit-reset"),
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(std::time::Duration::from_secs(86400))
}

/// A path id: snowflakes are numeric strings; anything else is a record we don't have.
pub fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse()
        .map_err(|_| AppError::not_found("Record not found"))
}

/// The JSON 404 for unknown routes (axum's default is an empty text body).
pub async fn not_found() -> Response {
    AppError::not_found("Record not found").into_response()
}

/// The JSON 405 for known routes with the wrong method.
pub async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        axum::Json(serde_json::json!({"error": "Method not allowed"})),
    )
        .into_response()
}
