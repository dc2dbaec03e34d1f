//! The crate's one error type, [`AppError`], and how it answers HTTP clients: a status code and
//! Mastodon's `{"error": "…"}` body. Internal details are logged, never sent.
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

/// Every error a request, a service call or a federation step can end in.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 401: missing or bad credentials or HTTP signature.
    #[error("{0}")]
    Unauthorized(String),
    /// 403.
    #[error("{0}")]
    Forbidden(String),
    /// 400: a request we cannot read.
    #[error("{0}")]
    BadRequest(String),
    /// 422: a well-formed request with invalid values.
    #[error("{0}")]
    Invalid(String),
    /// 409.
    #[error("{0}")]
    Conflict(String),
    /// 410: the object existed and was deleted.
    #[error("{0}")]
    Gone(String),
    /// 413.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// From activitypub_federation: fetches, URL checks, parsing.
    #[error(transparent)]
    Federation(#[from] activitypub_federation::error::Error),
    /// From the database; `RecordNotFound` answers 404.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// Anything else: 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Result with [`AppError`].
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// 404 with a message naming what was missing.
    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound(what.into())
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        use activitypub_federation::error::Error as Fed;
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Db(sea_orm::DbErr::RecordNotFound(_)) => StatusCode::NOT_FOUND,
            AppError::Federation(e) => match e {
                Fed::NotFound => StatusCode::NOT_FOUND,
                Fed::ObjectDeleted(_) => StatusCode::GONE,
                Fed::UrlVerificationError(_)
                | Fed::ParseReceivedActivity { .. }
                | Fed::UrlParse(_)
                | Fed::WebfingerResolveFailed(_)
                | Fed::RequestLimit => StatusCode::BAD_REQUEST,
                Fed::ActivityBodyDigestInvalid | Fed::ActivitySignatureInvalid => {
                    StatusCode::UNAUTHORIZED
                }
                Fed::DomainResolveError(_) => StatusCode::FORBIDDEN,
                Fed::FetchInvalidContentType(_)
                | Fed::FetchWrongId(_)
                | Fed::ParseFetchedObject(..) => StatusCode::BAD_GATEWAY,
                _ => StatusCode::BAD_GATEWAY,
            },
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() && status != StatusCode::BAD_GATEWAY {
            tracing::error!(error = ?self, "request failed");
            "internal server error".to_string()
        } else {
            tracing::debug!(error = %self, %status, "request refused");
            self.to_string()
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_meaning() {
        assert_eq!(AppError::not_found("x").status(), StatusCode::NOT_FOUND);
        assert_eq!(
            AppError::Db(sea_orm::DbErr::RecordNotFound("post".into())).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::Internal(anyhow::anyhow!("secret detail")).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
