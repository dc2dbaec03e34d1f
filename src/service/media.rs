//! Media uploads: the type is sniffed from the bytes (never trusted from the client), images are
//! decoded, turned upright, downscaled to at most 1920 px and re-encoded (which drops EXIF), with
//! a 400 px preview and a blurhash; video and audio are stored as uploaded. Files live under
//! `media.dir` with random names and are served at `/media/{file}`.
use crate::{
    AppState,
    db::{self, entity::media_attachment},
    error::{AppError, AppResult},
    service::accounts::random_token,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sea_orm::Set;
use std::{
    io::Cursor,
    path::{Path, PathBuf},
};

/// Longest side of a stored original.
pub const MAX_SIDE: u32 = 1920;
/// Longest side of a preview.
pub const PREVIEW_SIDE: u32 = 400;
/// Longest alt text, in characters (Mastodon's `description_limit`).
pub const MAX_DESCRIPTION: usize = 1500;
/// Image types accepted.
pub const IMAGE_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/// Video and audio types accepted (stored as uploaded).
pub const AV_TYPES: [&str; 5] = [
    "video/mp4",
    "video/webm",
    "audio/mpeg",
    "audio/ogg",
    "audio/wave",
];

/// An upload as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub description: Option<String>,
    pub focus: Option<String>,
}

/// What an uploaded file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Image(ImageFormat),
    /// Video or audio: (kind, content type, extension).
    Av(&'static str, &'static str, &'static str),
}

/// Recognises the accepted formats from magic numbers.
pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    if let Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)) =
        image::guess_format(bytes)
    {
        return Some(Sniffed::Image(f));
    }
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(4, b"ftyp") {
        let brand = bytes.get(8..12).unwrap_or_default();
        if brand.starts_with(b"M4A") {
            return Some(Sniffed::Av("audio", "audio/mp4", "m4a"));
        }
        return Some(Sniffed::Av("video", "video/mp4", "mp4"));
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some(Sniffed::Av("video", "video/webm", "webm"));
    }
    if at(0, b"OggS") {
        return Some(Sniffed::Av("audio", "audio/ogg", "ogg"));
    }
    if at(0, b"ID3") || (bytes.len() > 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) {
        return Some(Sniffed::Av("audio", "audio/mpeg", "mp3"));
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Some(Sniffed::Av("audio", "audio/wave", "wav"));
    }
    None
}

/// Parses a focus point `"x,y"`, each in -1..1.
pub fn parse_focus(raw: &str) -> AppResult<Option<(f64, f64)>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad =
        || AppError::Invalid("focus must be \"x,y\" with x and y between -1.0 and 1.0".into());
    let (x, y) = raw.split_once(',').ok_or_else(bad)?;
    let x: f64 = x.trim().parse().map_err(|_| bad())?;
    let y: f64 = y.trim().parse().map_err(|_| bad())?;
    if !(-1.0..=1.0).contains(&x) || !(-1.0..=1.0).contains(&y) {
        return Err(bad());
    }
    Ok(Some((x, y)))
}

fn check_description(description: &Option<String>) -> AppResult<()> {
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        return Err(AppError::Invalid(format!(
            "description is longer than {MAX_DESCRIPTION} characters"
        )));
    }
    Ok(())
}

/// A processed image: the stored original and preview, with their sizes and blurhash.
#[derive(Debug, Clone)]
pub struct Processed {
    pub original: Vec<u8>,
    pub original_ext: &'static str,
    pub original_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub preview: Vec<u8>,
    pub preview_ext: &'static str,
    pub small_width: u32,
    pub small_height: u32,
    pub blurhash: Option<String>,
}

fn encode(img: &DynamicImage, format: ImageFormat) -> AppResult<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            rgb.write_with_encoder(encoder)
        }
        _ => img.write_to(&mut out, format),
    }
    .map_err(|e| anyhow::anyhow!("cannot encode the image: {e}"))?;
    Ok(out.into_inner())
}

fn fit(img: DynamicImage, side: u32) -> DynamicImage {
    if img.width() <= side && img.height() <= side {
        img
    } else {
        img.resize(side, side, image::imageops::FilterType::Triangle)
    }
}

/// Decodes, turns upright, downscales and re-encodes an image; blocking (CPU-bound).
pub fn process_image(bytes: &[u8], format: ImageFormat) -> AppResult<Processed> {
    let invalid = |e: image::ImageError| AppError::Invalid(format!("cannot read the image: {e}"));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(invalid)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(invalid)?;
    if let Some(orientation) = orientation {
        img.apply_orientation(orientation);
    }
    let alpha = img.color().has_alpha();
    // GIFs that need no resizing are kept byte for byte (animation included; GIF has no EXIF).
    let keep_gif =
        format == ImageFormat::Gif && img.width() <= MAX_SIDE && img.height() <= MAX_SIDE;
    let img = fit(img, MAX_SIDE);
    let (original, original_ext, original_type) = if keep_gif {
        (bytes.to_vec(), "gif", "image/gif")
    } else if format == ImageFormat::Jpeg || !alpha {
        (encode(&img, ImageFormat::Jpeg)?, "jpg", "image/jpeg")
    } else {
        (encode(&img, ImageFormat::Png)?, "png", "image/png")
    };
    let small = fit(img.clone(), PREVIEW_SIDE);
    let (preview, preview_ext) = if alpha {
        (encode(&small, ImageFormat::Png)?, "png")
    } else {
        (encode(&small, ImageFormat::Jpeg)?, "jpg")
    };
    let tiny = fit(small.clone(), 64).to_rgba8();
    let blurhash = blurhash::encode(4, 3, tiny.width(), tiny.height(), tiny.as_raw()).ok();
    Ok(Processed {
        width: img.width(),
        height: img.height(),
        small_width: small.width(),
        small_height: small.height(),
        original,
        original_ext,
        original_type,
        preview,
        preview_ext,
        blurhash,
    })
}

/// Where media files are stored.
pub(crate) fn media_dir(data: &Data<AppState>) -> PathBuf {
    PathBuf::from(&data.config.media.dir)
}

/// Writes one media file (creating the directory).
pub(crate) async fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> AppResult<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    tokio::fs::write(dir.join(name), bytes)
        .await
        .map_err(|e| anyhow::anyhow!("cannot write media file {name}: {e}"))?;
    Ok(())
}

/// A fresh, unguessable file name stem.
pub(crate) fn random_name() -> String {
    // URL-safe base64 ([A-Za-z0-9_-]): safe in paths and URLs.
    random_token(18)
}

/// Stores an upload of `actor_id` and returns its row (processed: images are done synchronously).
pub async fn upload(
    data: &Data<AppState>,
    actor_id: i64,
    upload: Upload,
) -> AppResult<media_attachment::Model> {
    check_description(&upload.description)?;
    let focus = match &upload.focus {
        Some(f) => parse_focus(f)?,
        None => None,
    };
    if upload.bytes.is_empty() {
        return Err(AppError::Invalid("file is empty".into()));
    }
    let sniffed = sniff(&upload.bytes).ok_or_else(|| {
        AppError::Invalid(format!(
            "file type not supported; accepted: {}, {}",
            IMAGE_TYPES.join(", "),
            AV_TYPES.join(", ")
        ))
    })?;
    let dir = media_dir(data);
    let base = random_name();
    let size = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
    let mut row = media_attachment::ActiveModel {
        id: Set(data.ids.next()),
        actor_id: Set(actor_id),
        post_id: Set(None),
        position: Set(0),
        remote_url: Set(None),
        description: Set(upload.description.filter(|d| !d.trim().is_empty())),
        focus_x: Set(focus.map(|f| f.0)),
        focus_y: Set(focus.map(|f| f.1)),
        processed: Set(true),
        created_at: Set(Utc::now()),
        size_bytes: Set(Some(size)),
        ..Default::default()
    };
    match sniffed {
        Sniffed::Image(format) => {
            // The node's setting (`service::settings`, first from `media.max_image_bytes`).
            let settings = crate::service::settings::current(&data.db.read, &data.config).await?;
            let limit = usize::try_from(settings.max_image_bytes).unwrap_or(usize::MAX);
            if upload.bytes.len() > limit {
                return Err(AppError::Invalid(format!(
                    "file size must be less than {} MB",
                    limit / (1024 * 1024)
                )));
            }
            let bytes = upload.bytes;
            let processed = tokio::task::spawn_blocking(move || process_image(&bytes, format))
                .await
                .map_err(|e| anyhow::anyhow!("image processing task failed: {e}"))??;
            let original_name = format!("{base}.{}", processed.original_ext);
            let preview_name = format!("{base}_small.{}", processed.preview_ext);
            write_file(&dir, &original_name, &processed.original).await?;
            write_file(&dir, &preview_name, &processed.preview).await?;
            let int = |n: u32| Set(Some(i32::try_from(n).unwrap_or(i32::MAX)));
            row.kind = Set(if processed.original_ext == "gif" {
                "gifv".into()
            } else {
                "image".into()
            });
            row.content_type = Set(Some(processed.original_type.into()));
            row.file_name = Set(Some(original_name));
            row.preview_file_name = Set(Some(preview_name));
            row.blurhash = Set(processed.blurhash);
            row.width = int(processed.width);
            row.height = int(processed.height);
            row.small_width = int(processed.small_width);
            row.small_height = int(processed.small_height);
            row.size_bytes = Set(Some(
                i64::try_from(processed.original.len()).unwrap_or(i64::MAX),
            ));
        }
        Sniffed::Av(kind, content_type, ext) => {
            let limit = data.config.media.max_video_bytes;
            if upload.bytes.len() > limit {
                return Err(AppError::Invalid(format!(
                    "file size must be less than {} MB",
                    limit / (1024 * 1024)
                )));
            }
            let name = format!("{base}.{ext}");
            write_file(&dir, &name, &upload.bytes).await?;
            row.kind = Set(kind.into());
            row.content_type = Set(Some(content_type.into()));
            row.file_name = Set(Some(name));
            row.preview_file_name = Set(None);
            row.blurhash = Set(None);
            row.width = Set(None);
            row.height = Set(None);
            row.small_width = Set(None);
            row.small_height = Set(None);
        }
    }
    db::media::insert(&data.db.write, row).await
}

/// One of `actor_id`'s own uploads (404 for anyone else's).
pub async fn get_own(
    data: &Data<AppState>,
    actor_id: i64,
    id: i64,
) -> AppResult<media_attachment::Model> {
    let media = db::media::get(&data.db.read, id).await?;
    if media.actor_id != actor_id || media.remote_url.is_some() {
        return Err(AppError::not_found("Record not found"));
    }
    Ok(media)
}

/// Changes the alt text and focus of an own upload.
pub async fn update(
    data: &Data<AppState>,
    actor_id: i64,
    id: i64,
    description: Option<String>,
    focus: Option<String>,
) -> AppResult<media_attachment::Model> {
    let media = get_own(data, actor_id, id).await?;
    check_description(&description)?;
    let mut row: media_attachment::ActiveModel = media.into();
    if let Some(description) = description {
        row.description = Set(Some(description).filter(|d| !d.trim().is_empty()));
    }
    if let Some(focus) = focus {
        let focus = parse_focus(&focus)?;
        row.focus_x = Set(focus.map(|f| f.0));
        row.focus_y = Set(focus.map(|f| f.1));
    }
    db::media::update(&data.db.write, row).await
}

/// Deletes an own upload that is not attached to a post, with its files.
pub async fn delete(data: &Data<AppState>, actor_id: i64, id: i64) -> AppResult<()> {
    let media = get_own(data, actor_id, id).await?;
    if media.post_id.is_some() {
        return Err(AppError::Invalid(
            "media attached to a status cannot be deleted".into(),
        ));
    }
    db::media::delete(&data.db.write, media.id).await?;
    let dir = media_dir(data);
    for name in [media.file_name, media.preview_file_name]
        .into_iter()
        .flatten()
    {
        if let Err(e) = tokio::fs::remove_file(dir.join(&name)).await {
            tracing::warn!(file = %name, error = %e, "cannot remove media file");
        }
    }
    Ok(())
}

/// The content type of a stored file, from the extension we gave it.
pub fn content_type_of(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1;
    Some(match ext {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "m4a" => "audio/mp4",
        "webm" => "video/webm",
        "ogg" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wave",
        other => return crate::service::documents::content_type_of_extension(other),
    })
}

/// A stored file's bytes and content type; names we could not have given are 404 (no paths).
pub async fn read_file(data: &Data<AppState>, name: &str) -> AppResult<(Vec<u8>, &'static str)> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.contains("..");
    let content_type = content_type_of(name)
        .filter(|_| valid)
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    let bytes = tokio::fs::read(media_dir(data).join(name))
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    Ok((bytes, content_type))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn sniffing_ignores_names_and_finds_formats() {
        assert_eq!(sniff(&png(2, 2)), Some(Sniffed::Image(ImageFormat::Png)));
        assert_eq!(sniff(b"<html>hello</html>"), None);
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmp42\0\0\0\0"),
            Some(Sniffed::Av("video", "video/mp4", "mp4"))
        );
    }

    #[test]
    fn images_are_downscaled_with_a_preview_and_blurhash() {
        let p = process_image(&png(2400, 1200), ImageFormat::Png).unwrap();
        assert_eq!((p.width, p.height), (1920, 960));
        assert_eq!((p.small_width, p.small_height), (400, 200));
        assert_eq!(p.original_ext, "jpg");
        assert!(p.blurhash.is_some());
        let small = process_image(&png(300, 200), ImageFormat::Png).unwrap();
        assert_eq!((small.width, small.height), (300, 200));
    }

    #[test]
    fn focus_is_checked() {
        assert_eq!(parse_focus("0.5,-0.25").unwrap(), Some((0.5, -0.25)));
        assert_eq!(parse_focus("").unwrap(), None);
        assert!(parse_focus("2,0").is_err());
        assert!(parse_focus("x").is_err());
    }

    #[test]
    fn only_our_file_names_are_served() {
        assert_eq!(content_type_of("abc.jpg"), Some("image/jpeg"));
        assert_eq!(content_type_of("abc.exe"), None);
        assert_eq!(content_type_of("abc.html"), None);
        assert_eq!(content_type_of("abc.svg"), None);
        assert_eq!(content_type_of("abc.Fiche.pdf"), Some("application/pdf"));
        assert_eq!(content_type_of("abc.part"), None);
    }
}
