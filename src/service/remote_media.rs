//! The remote-media cache: images attached to posts from other servers are downloaded once,
//! processed like uploads (upright, at most 1920 px, EXIF gone, a 400 px preview, a blurhash)
//! and served from this node — readers on slow phones then fetch small files from one server
//! instead of full-size originals from many. Until a copy exists, and after it is released
//! (`media.remote_cache_days` later, or when its post is deleted), the Mastodon API serves
//! the remote URL. A file that cannot be fetched or read is tried
//! [`db::remote_media::MAX_ATTEMPTS`] times.
use crate::{
    AppState,
    db::{self, entity::media_attachment, remote_media::LocalCopy},
    error::AppResult,
    federation::media_fetch,
    service::media::{self, Sniffed},
};
use chrono::{DateTime, Duration, Utc};
use std::path::Path;

/// Remote files downloaded per sweep (one at a time: the sweep runs every few seconds).
const BATCH: u64 = 8;
/// Copies released per round of the periodic job.
const RELEASE_BATCH: u64 = 200;

/// Caches the remote images waiting for a copy; returns how many were cached.
pub async fn cache_waiting(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    if !state.config.media.cache_remote {
        return Ok(0);
    }
    let since = now - Duration::days(i64::from(state.config.media.remote_cache_days));
    let waiting = db::remote_media::waiting(&state.db.read, since, BATCH).await?;
    let mut cached = 0;
    for media in waiting {
        if cache_one(state, &media, now).await? {
            cached += 1;
        }
    }
    Ok(cached)
}

/// Downloads, processes and records one remote image; false when it was not cached (another
/// process took it, or the file could not be fetched or read: logged, attempt counted).
async fn cache_one(
    state: &AppState,
    media: &media_attachment::Model,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let Some(url) = media.remote_url.as_deref() else {
        return Ok(false);
    };
    if !db::remote_media::claim_attempt(&state.db.write, media).await? {
        return Ok(false);
    }
    let config = &state.config;
    let policy = &state.domain_policy;
    let allow_http = config.federation.debug || !config.use_https();
    let limit = config.media.max_image_bytes;
    let bytes = match media_fetch::download(&state.http, policy, allow_http, url, limit).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::info!(media = media.id, url, error = %e, "remote media not cached");
            return Ok(false);
        }
    };
    let Some(Sniffed::Image(format)) = media::sniff(&bytes) else {
        tracing::info!(
            media = media.id,
            url,
            "remote media is not an image we read"
        );
        return Ok(false);
    };
    let processed = match tokio::task::spawn_blocking(move || media::process_image(&bytes, format))
        .await
        .map_err(|e| anyhow::anyhow!("image processing task failed: {e}"))?
    {
        Ok(processed) => processed,
        Err(e) => {
            tracing::info!(media = media.id, url, error = %e, "remote image unreadable");
            return Ok(false);
        }
    };
    let dir = Path::new(&config.media.dir);
    let base = media::random_name();
    let original = format!("{base}.{}", processed.original_ext);
    let preview = format!("{base}_small.{}", processed.preview_ext);
    media::write_file(dir, &original, &processed.original).await?;
    media::write_file(dir, &preview, &processed.preview).await?;
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let copy = LocalCopy {
        file_name: original.clone(),
        preview_file_name: preview.clone(),
        width: int(processed.width),
        height: int(processed.height),
        small_width: int(processed.small_width),
        small_height: int(processed.small_height),
        size_bytes: i64::try_from(processed.original.len()).unwrap_or(i64::MAX),
        // The sender's blurhash is kept: it is what other servers show too.
        blurhash: media.blurhash.clone().or(processed.blurhash),
    };
    let recorded = db::remote_media::record_copy(&state.db.write, media.id, copy, now).await;
    if !matches!(recorded, Ok(true)) {
        remove_files(dir, [Some(original), Some(preview)]).await;
    }
    recorded
}

/// Removes expired copies and the copies of deleted posts, and deletes remote rows no post uses
/// any more, with their files; returns how many rows were released or deleted.
pub async fn release_copies(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let dir = Path::new(&state.config.media.dir);
    let before = now - Duration::days(i64::from(state.config.media.remote_cache_days));
    let mut done = 0;
    for media in db::remote_media::to_release(&state.db.read, before, RELEASE_BATCH).await? {
        db::remote_media::release(&state.db.write, media.id).await?;
        remove_files(dir, [media.file_name, media.preview_file_name]).await;
        done += 1;
    }
    for media in db::remote_media::delete_detached(&state.db.write, RELEASE_BATCH).await? {
        remove_files(dir, [media.file_name, media.preview_file_name]).await;
        done += 1;
    }
    Ok(done)
}

async fn remove_files(dir: &Path, names: [Option<String>; 2]) {
    for name in names.into_iter().flatten() {
        if let Err(e) = tokio::fs::remove_file(dir.join(&name)).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(file = name, error = %e, "cannot remove a cached media file");
        }
    }
}
