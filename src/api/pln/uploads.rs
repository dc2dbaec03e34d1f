//! PLN API: document uploads for teaching resources, `POST /api/v1/pln/uploads` (multipart:
//! `file`, optional `description`). The file streams to disk under the configured size limit; the
//! answer's `id` goes into a resource's `media_ids`. Images, audio and video keep going through
//! `POST /api/v2/media`.
use crate::{
    AppState,
    api::auth::Auth,
    db::entity::media_attachment,
    error::{AppError, AppResult},
    service::{
        documents::{self, DocumentUpload},
        media as media_service,
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, multipart::Field},
    routing::post,
};
use futures_util::TryStreamExt;
use serde::Serialize;

/// Longest text field of the upload form, in bytes.
const MAX_TEXT_FIELD: usize = 8 * 1024;
/// Most parts an upload form may have (the body has no overall limit, so neither may this).
const MAX_FIELDS: usize = 16;

/// The upload routes. The body limit is off here: `media.max_document_bytes` is enforced on the
/// file while it streams, and text fields are read up to [`MAX_TEXT_FIELD`].
pub fn routes() -> Router {
    Router::new().route(
        "/api/v1/pln/uploads",
        post(create_upload).layer(DefaultBodyLimit::disable()),
    )
}

/// A stored document.
#[derive(Debug, Clone, Serialize)]
pub struct UploadedDocument {
    pub id: String,
    /// The file name the client gave, or the description.
    pub name: String,
    pub media_type: String,
    pub size: Option<i64>,
    pub url: Option<String>,
}

impl UploadedDocument {
    fn of(data: &Data<AppState>, row: &media_attachment::Model) -> Self {
        UploadedDocument {
            id: row.id.to_string(),
            name: row.description.clone().unwrap_or_default(),
            media_type: row.content_type.clone().unwrap_or_default(),
            size: row.size_bytes,
            url: row.file_name.as_deref().map(|f| data.urls.media(f)),
        }
    }
}

fn multipart_error(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("cannot read the multipart body: {e}"))
}

async fn text_field(mut field: Field<'_>) -> AppResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(AppError::Invalid(format!(
                "form fields are at most {MAX_TEXT_FIELD} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::Invalid("form fields must be UTF-8".into()))
}

async fn create_upload(
    data: Data<AppState>,
    auth: Auth,
    mut multipart: Multipart,
) -> AppResult<Json<UploadedDocument>> {
    auth.require("write:media")?;
    let mut description: Option<String> = None;
    let mut stored: Option<media_attachment::Model> = None;
    let mut fields = 0;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(AppError::Invalid(format!(
                "an upload form has at most {MAX_FIELDS} fields"
            )));
        }
        match field.name().unwrap_or_default() {
            "file" if stored.is_none() => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let chunks = field.map_err(multipart_error);
                let row = documents::upload_document(
                    &data,
                    auth.actor.id,
                    DocumentUpload {
                        chunks,
                        file_name,
                        description: description.clone(),
                    },
                )
                .await?;
                stored = Some(row);
            }
            "file" => return Err(AppError::Invalid("send one file per upload".into())),
            "description" => {
                let text = text_field(field).await?;
                description = Some(text);
            }
            _ => {
                text_field(field).await?;
            }
        }
    }
    let row = stored.ok_or_else(|| AppError::Invalid("file is missing".into()))?;
    // A description sent after the file still applies.
    let row = match description {
        Some(d) if row.description.as_deref() != Some(d.as_str()) && !d.trim().is_empty() => {
            media_service::update(&data, auth.actor.id, row.id, Some(d), None).await?
        }
        _ => row,
    };
    Ok(Json(UploadedDocument::of(&data, &row)))
}
