//! `MediaAttachment`: local uploads (served from `/media/…`) and remote media (their original
//! URL), with sizes, focus and blurhash.
use crate::{AppState, db::entity::media_attachment};
use activitypub_federation::config::Data;
use serde::Serialize;
use serde_json::{Value, json};

/// Mastodon's MediaAttachment entity.
#[derive(Debug, Clone, Serialize)]
pub struct MediaAttachment {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Null only while an upload is being processed.
    pub url: Option<String>,
    pub preview_url: Option<String>,
    pub remote_url: Option<String>,
    pub preview_remote_url: Option<String>,
    pub text_url: Option<String>,
    pub meta: Option<Value>,
    pub description: Option<String>,
    pub blurhash: Option<String>,
}

fn size_meta(w: Option<i32>, h: Option<i32>) -> Option<Value> {
    let (w, h) = (w?, h?);
    if w <= 0 || h <= 0 {
        return None;
    }
    Some(json!({
        "width": w,
        "height": h,
        "size": format!("{w}x{h}"),
        "aspect": f64::from(w) / f64::from(h),
    }))
}

/// Builds the entity from a row.
pub fn build(data: &Data<AppState>, m: &media_attachment::Model) -> MediaAttachment {
    let local_url = m.file_name.as_deref().map(|f| data.urls.media(f));
    let url = if m.processed || m.remote_url.is_some() {
        local_url.clone().or_else(|| m.remote_url.clone())
    } else {
        None
    };
    // Documents (`unknown`) have no preview: a client must not load a PDF into an <img>.
    let preview_url = m
        .preview_file_name
        .as_deref()
        .map(|f| data.urls.media(f))
        .or_else(|| url.clone().filter(|_| m.kind != "unknown"));
    let mut meta = serde_json::Map::new();
    if let Some(original) = size_meta(m.width, m.height) {
        meta.insert("original".into(), original);
    }
    if let Some(small) = size_meta(m.small_width, m.small_height) {
        meta.insert("small".into(), small);
    }
    if let (Some(x), Some(y)) = (m.focus_x, m.focus_y) {
        meta.insert("focus".into(), json!({"x": x, "y": y}));
    }
    MediaAttachment {
        id: m.id.to_string(),
        kind: m.kind.clone(),
        url,
        preview_url,
        remote_url: m.remote_url.clone(),
        preview_remote_url: None,
        text_url: None,
        meta: (!meta.is_empty()).then_some(Value::Object(meta)),
        description: m.description.clone(),
        blurhash: m.blurhash.clone(),
    }
}
