//! Media: `POST /api/v1/media` and `/api/v2/media` (multipart uploads, processed synchronously),
//! `GET/PUT/DELETE /api/v1/media/:id` (own uploads: alt text and focus), and the stored files
//! themselves at `GET /media/{file}` (documents from `POST /api/v1/pln/uploads` as downloads).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::media::{self, MediaAttachment},
        parse_id,
    },
    error::{AppError, AppResult},
    service::{
        documents,
        media::{self as media_service, Upload},
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Path},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;

/// Request bodies on the upload routes may be this large; the configured per-type limits
/// (`media.max_image_bytes`, `media.max_video_bytes`) are checked on the file itself.
pub const UPLOAD_BODY_LIMIT: usize = 128 * 1024 * 1024;

/// The media routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/media",
            post(create).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v2/media",
            post(create).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/media/{id}",
            get(show)
                .put(update)
                .delete(destroy)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/media/{file}", get(serve_file))
}

#[derive(Debug, Deserialize)]
struct MediaParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    focus: Option<String>,
}

async fn create(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<MediaParams>,
) -> AppResult<Json<MediaAttachment>> {
    auth.require("write:media")?;
    let file = form
        .file("file")
        .or_else(|| form.files.first())
        .ok_or_else(|| AppError::Invalid("file is missing".into()))?;
    let row = media_service::upload(
        &data,
        auth.actor.id,
        Upload {
            bytes: file.bytes.to_vec(),
            description: form.params.description.clone(),
            focus: form.params.focus.clone(),
        },
    )
    .await?;
    Ok(Json(media::build(&data, &row)))
}

async fn show(data: Data<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    auth.require("write:media")?;
    let row = media_service::get_own(&data, auth.actor.id, parse_id(&id)?).await?;
    let status = if row.processed {
        http::StatusCode::OK
    } else {
        http::StatusCode::PARTIAL_CONTENT
    };
    Ok((status, Json(media::build(&data, &row))).into_response())
}

async fn update(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<MediaParams>,
) -> AppResult<Json<MediaAttachment>> {
    auth.require("write:media")?;
    let row = media_service::update(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        form.params.description,
        form.params.focus,
    )
    .await?;
    Ok(Json(media::build(&data, &row)))
}

async fn destroy(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    auth.require("write:media")?;
    media_service::delete(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(serde_json::json!({})))
}

/// Serves a stored file. Documents are downloads (`Content-Disposition: attachment` with a
/// sanitised name, text with its charset); nothing from here may run in a browser: no type is
/// sniffed and the sandbox policy forbids scripts even if a file were opened directly.
async fn serve_file(data: Data<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let (bytes, content_type) = media_service::read_file(&data, &file).await?;
    let mut response = (
        [
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
        ],
        bytes,
    )
        .into_response();
    let headers = response.headers_mut();
    let content_type = if content_type.starts_with("text/") {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_string()
    };
    let is_document =
        documents::is_document_type(content_type.split(';').next().unwrap_or_default());
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    if is_document {
        // `download_name` keeps only [A-Za-z0-9_.-], so the quoted value needs no escaping.
        let disposition = format!(
            "attachment; filename=\"{}\"",
            documents::download_name(&file)
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).map_err(|e| anyhow::anyhow!("{e}"))?,
        );
    }
    Ok(response)
}
