//! The admin dashboard: `GET /api/v1/pln/admin/dashboard` (staff, JSON) and Prometheus
//! `GET /metrics` (bearer `metrics.token`; 404 when no token is configured).
use crate::{
    AppState,
    api::auth::Auth,
    error::{AppError, AppResult},
    service::{dashboard, federation_policy},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// The dashboard routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/pln/admin/dashboard", get(show))
        .route("/metrics", get(metrics))
}

async fn show(data: Data<AppState>, auth: Auth) -> AppResult<Json<dashboard::Dashboard>> {
    auth.require("admin:read")?;
    federation_policy::require_staff(&auth.user.role)?;
    Ok(Json(dashboard::figures(&data).await?))
}

async fn metrics(data: Data<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let token = &data.config.metrics.token;
    if token.is_empty() {
        return Err(AppError::not_found("Record not found"));
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let same =
        given.len() == token.len() && openssl::memcmp::eq(given.as_bytes(), token.as_bytes());
    if !same {
        tracing::warn!("refused /metrics: missing or wrong token");
        return Err(AppError::Unauthorized(
            "a valid metrics token is required".into(),
        ));
    }
    let figures = dashboard::figures(&data).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        dashboard::prometheus(&figures),
    )
        .into_response())
}
