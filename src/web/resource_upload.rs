//! Reading the resource form's multipart body: its text fields, and its files streamed into
//! the same services as the API's uploads (images, audio and video through `service::media`,
//! documents through `service::documents`, whose size limit is enforced while the file
//! arrives). Files are only stored once the form's CSRF token has been checked, so the token
//! field must come before them (it is the form's first field).
use super::page::Page;
use crate::{
    api::form::params_from_pairs,
    db::entity::media_attachment,
    error::{AppError, AppResult},
    service::{
        documents::{self, DocumentUpload},
        media::{self, Upload},
    },
};
use axum::{
    extract::{Multipart, multipart::Field},
    http::StatusCode,
    response::Response,
};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::Value;

/// Most text a form may send, in bytes, all fields together (a 50 000-character Arabic body is
/// about 100 KB).
const MAX_TEXT: usize = 512 * 1024;
/// Most parts a form may have.
const MAX_FIELDS: usize = 200;
/// Most files one form may upload.
const MAX_FILES: usize = 10;

/// What the form sent: its fields (as `ApiForm` decodes them) and the uploads stored from it,
/// or the refusal of one file (the text fields read so far are kept).
pub struct Sent {
    pub params: Value,
    pub uploaded: Vec<media_attachment::Model>,
    pub file_error: Option<AppError>,
}

fn multipart_error(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("cannot read the multipart body: {e}"))
}

/// A text field's value; `budget` is what the form may still send.
async fn text_field(mut field: Field<'_>, budget: &mut usize) -> AppResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if chunk.len() > *budget {
            return Err(AppError::PayloadTooLarge(format!(
                "a form sends at most {} KB of text",
                MAX_TEXT / 1024
            )));
        }
        *budget -= chunk.len();
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::Invalid("form fields must be UTF-8".into()))
}

/// Reads the form. `Err(Ok(response))` is the 403 page of a missing or wrong CSRF token.
pub async fn read(
    page: &Page,
    actor_id: i64,
    mut multipart: Multipart,
) -> Result<Sent, AppResult<Response>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut uploaded = Vec::new();
    let mut file_error = None;
    let mut csrf_ok = false;
    let mut fields = 0;
    let mut budget = MAX_TEXT;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(Err(multipart_error(e))),
        };
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(Err(AppError::Invalid(format!(
                "a form has at most {MAX_FIELDS} fields"
            ))));
        }
        let name = field.name().unwrap_or_default().to_string();
        let Some(file_name) = field.file_name().map(str::to_string) else {
            let text = text_field(field, &mut budget).await.map_err(Err)?;
            if name == "csrf" {
                if let Err(refused) = page.check_csrf(&text) {
                    return Err(Ok(refused));
                }
                csrf_ok = true;
            }
            pairs.push((name, text));
            continue;
        };
        if !csrf_ok {
            return Err(Ok(page.error(
                StatusCode::FORBIDDEN,
                &super::i18n::tr(page.lang, "error-csrf"),
            )));
        }
        if file_error.is_some() {
            // Drain what is left; nothing more is stored once a file was refused.
            let _ = text_field_skip(field).await;
            continue;
        }
        match store(page, actor_id, field, &file_name).await {
            Ok(None) => {}
            Ok(Some(_)) if uploaded.len() >= MAX_FILES => {
                file_error = Some(AppError::Invalid(format!(
                    "attachments: at most {MAX_FILES} files at once"
                )));
            }
            Ok(Some(row)) => uploaded.push(row),
            Err(e) => file_error = Some(e),
        }
    }
    if !csrf_ok {
        return Err(Ok(page.error(
            StatusCode::FORBIDDEN,
            &super::i18n::tr(page.lang, "error-csrf"),
        )));
    }
    Ok(Sent {
        params: params_from_pairs(pairs),
        uploaded,
        file_error,
    })
}

async fn text_field_skip(mut field: Field<'_>) -> AppResult<()> {
    while field.chunk().await.map_err(multipart_error)?.is_some() {}
    Ok(())
}

/// Stores one file part: `None` when no file was chosen (an empty part).
async fn store(
    page: &Page,
    actor_id: i64,
    mut field: Field<'_>,
    file_name: &str,
) -> AppResult<Option<media_attachment::Model>> {
    let data = &page.data;
    let Some(first) = field.chunk().await.map_err(multipart_error)? else {
        return Ok(None);
    };
    if first.is_empty() && file_name.is_empty() {
        return Ok(None);
    }
    let description = (!file_name.trim().is_empty()).then(|| file_name.trim().to_string());
    if media::sniff(&first).is_some() {
        // Images are resized and audio/video kept whole: read into memory up to the limit.
        let settings = crate::service::settings::current(&data.db.read, &data.config).await?;
        let limit = usize::try_from(settings.max_image_bytes)
            .unwrap_or(usize::MAX)
            .max(data.config.media.max_video_bytes);
        let mut bytes = first.to_vec();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::Invalid(format!(
                    "attachments: file size must be less than {} MB",
                    limit / (1024 * 1024)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let upload = Upload {
            bytes,
            description,
            focus: None,
        };
        return media::upload(data, actor_id, upload)
            .await
            .map(Some)
            .map_err(as_attachment_error);
    }
    let chunks =
        stream::once(async move { Ok::<_, axum::extract::multipart::MultipartError>(first) })
            .chain(field)
            .map_err(multipart_error);
    documents::upload_document(
        data,
        actor_id,
        DocumentUpload {
            chunks: Box::pin(chunks),
            file_name: file_name.to_string(),
            description,
        },
    )
    .await
    .map(Some)
    .map_err(as_attachment_error)
}

/// An upload's refusal, named as the form's `attachments` field.
fn as_attachment_error(e: AppError) -> AppError {
    match e {
        AppError::Invalid(m) => AppError::Invalid(format!("attachments: {m}")),
        AppError::PayloadTooLarge(m) => AppError::Invalid(format!("attachments: {m}")),
        other => other,
    }
}
