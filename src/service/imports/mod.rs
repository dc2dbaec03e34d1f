//! Imports into a local account, run as background jobs: an account archive of Halqa
//! (`service::archive::restore`) or one of Mastodon's CSV files ([`csv`]). The upload is
//! checked before anything is stored — a refused file leaves nothing behind — then kept under
//! the media folder's `imports/` with an `account_import` row that a worker claims
//! (`jobs::imports`). Every step is idempotent (what an earlier run stored is recognised), so
//! an import whose worker died is simply run again by the next worker. Progress and the
//! report ([`report`]) are saved as it goes.
pub mod csv;
pub mod report;

use crate::{
    AppState,
    db::{
        self,
        entity::{account_import, actor},
    },
    error::{AppError, AppResult},
    service::archive::{reader, restore},
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use futures_util::{Stream, StreamExt};
use report::Report;
use sea_orm::Set;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// What may be imported: an archive, or one Mastodon CSV kind.
pub const KINDS: [&str; 6] = [
    "archive",
    "following",
    "lists",
    "blocks",
    "mutes",
    "bookmarks",
];
/// Largest archive upload.
pub const MAX_ARCHIVE_BYTES: usize = 512 * 1024 * 1024;
/// A running import whose worker sent no heartbeat for this long is taken over.
pub const STALE_AFTER_SECS: i64 = 300;

/// Whether an error stops the whole import (the database failing) rather than one item.
pub fn is_fatal(e: &AppError) -> bool {
    matches!(e, AppError::Db(err) if !matches!(err, sea_orm::DbErr::RecordNotFound(_)))
}

/// The folder uploads wait in (under the media folder, never served: media names have no
/// folders).
pub fn uploads_dir(data: &Data<AppState>) -> PathBuf {
    Path::new(&data.config.media.dir).join("imports")
}

/// The most bytes an upload of `kind` may have.
pub fn limit_for(kind: &str) -> usize {
    if kind == "archive" {
        MAX_ARCHIVE_BYTES
    } else {
        csv::MAX_BYTES
    }
}

/// Writes an upload's chunks to a fresh file of the uploads folder, refusing more than `limit`
/// bytes as soon as they arrive (nothing is left behind on error).
pub async fn store_upload<S, B>(
    data: &Data<AppState>,
    chunks: S,
    limit: usize,
) -> AppResult<PathBuf>
where
    S: Stream<Item = AppResult<B>> + Unpin,
    B: AsRef<[u8]>,
{
    let dir = uploads_dir(data);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("{}.upload", data.ids.next()));
    let result: AppResult<()> = async {
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| anyhow::anyhow!("cannot store the upload: {e}"))?;
        let mut size = 0usize;
        let mut chunks = chunks;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk?;
            size = size.saturating_add(chunk.as_ref().len());
            if size > limit {
                return Err(AppError::PayloadTooLarge(format!(
                    "the file must be at most {} MB",
                    limit / (1024 * 1024)
                )));
            }
            file.write_all(chunk.as_ref())
                .await
                .map_err(|e| anyhow::anyhow!("cannot store the upload: {e}"))?;
        }
        file.flush()
            .await
            .map_err(|e| anyhow::anyhow!("cannot store the upload: {e}"))?;
        if size == 0 {
            return Err(AppError::Invalid("the file is empty".into()));
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(path),
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(e)
        }
    }
}

/// Opens and checks the archive at `path` (on a blocking thread).
pub async fn open_archive(path: &Path) -> AppResult<reader::Contents> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path)
            .map_err(|e| anyhow::anyhow!("cannot reopen the upload: {e}"))?;
        reader::open(std::io::BufReader::new(file))
    })
    .await
    .map_err(|e| anyhow::anyhow!("archive task failed: {e}"))?
}

/// Refuses an archive that is not of another account than `me`: its account must be on
/// another server (an archive of an account of this node, `me`'s own included, is not for
/// moving here).
pub fn check_importer(
    data: &Data<AppState>,
    me: &actor::Model,
    contents: &reader::Contents,
) -> AppResult<()> {
    let from = &contents.manifest.actor;
    if *from == me.ap_id {
        return Err(AppError::Invalid(
            "the archive was refused: it is of this very account".into(),
        ));
    }
    let local = url::Url::parse(from).is_ok_and(|u| data.urls.is_local(&u));
    if local {
        return Err(AppError::Forbidden(
            "the archive was refused: it is of another account of this server".into(),
        ));
    }
    Ok(())
}

/// Reads and checks a CSV upload of `kind`.
async fn csv_rows(path: &Path, kind: csv::Kind) -> AppResult<Vec<csv::Row>> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the upload: {e}"))?;
    if bytes.len() > csv::MAX_BYTES {
        return Err(AppError::PayloadTooLarge(format!(
            "a CSV file must be at most {} MB",
            csv::MAX_BYTES / (1024 * 1024)
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::Invalid("the file is not UTF-8 text (is it a CSV file?)".into()))?;
    if text.starts_with("PK") {
        return Err(AppError::Invalid(
            "this is a ZIP file; choose “Halqa archive” to import an archive".into(),
        ));
    }
    let rows = csv::rows(kind, &text)?;
    if rows.is_empty() {
        return Err(AppError::Invalid("the file lists nothing to import".into()));
    }
    Ok(rows)
}

/// An upload to import, already stored by [`store_upload`].
#[derive(Debug, Clone)]
pub struct NewImport {
    /// One of [`KINDS`].
    pub kind: String,
    /// `merge` or `overwrite`.
    pub mode: String,
    /// The file name the user chose.
    pub original_name: String,
    pub path: PathBuf,
}

/// Checks the upload and queues its import for local account `me`. Whatever is refused — a
/// bad kind or mode, an import already running, an archive or CSV file that does not read —
/// removes the upload and stores nothing.
pub async fn enqueue(
    data: &Data<AppState>,
    me: &actor::Model,
    new: NewImport,
) -> AppResult<account_import::Model> {
    let result = check_and_queue(data, me, &new).await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&new.path).await;
    }
    result
}

async fn check_and_queue(
    data: &Data<AppState>,
    me: &actor::Model,
    new: &NewImport,
) -> AppResult<account_import::Model> {
    if !me.local {
        return Err(AppError::Forbidden(
            "only local accounts import here".into(),
        ));
    }
    if !KINDS.contains(&new.kind.as_str()) {
        return Err(AppError::Invalid(format!(
            "type: {:?} is not one of {}",
            new.kind,
            KINDS.join(", ")
        )));
    }
    if !matches!(new.mode.as_str(), "merge" | "overwrite") {
        return Err(AppError::Invalid("mode: choose merge or overwrite".into()));
    }
    if let Some(running) = db::archives::unfinished_import(&data.db.read, me.id).await? {
        return Err(AppError::Conflict(format!(
            "an import ({}) is already waiting or running; try again when it has finished",
            running.original_name
        )));
    }
    let mode = match new.kind.as_str() {
        "archive" => {
            let contents = open_archive(&new.path).await?;
            check_importer(data, me, &contents)?;
            // An archive adds to the account; it never removes anything.
            "merge"
        }
        kind => {
            let kind = csv::Kind::parse(kind)
                .ok_or_else(|| AppError::Invalid(format!("type: {kind:?} is unknown")))?;
            csv_rows(&new.path, kind).await?;
            new.mode.as_str()
        }
    };
    let id = data.ids.next();
    let dir = uploads_dir(data);
    let kept = dir.join(format!(
        "{id}.{}",
        if new.kind == "archive" { "zip" } else { "csv" }
    ));
    tokio::fs::rename(&new.path, &kept)
        .await
        .map_err(|e| anyhow::anyhow!("cannot keep the upload: {e}"))?;
    let original_name: String = new
        .original_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let row = account_import::ActiveModel {
        id: Set(id),
        actor_id: Set(me.id),
        kind: Set(new.kind.clone()),
        mode: Set(mode.to_string()),
        file_name: Set(kept
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()),
        original_name: Set(original_name),
        state: Set("queued".into()),
        error: Set(None),
        total: Set(0),
        processed: Set(0),
        imported: Set(0),
        skipped: Set(0),
        report: Set("{}".into()),
        created_at: Set(Utc::now()),
        started_at: Set(None),
        heartbeat_at: Set(None),
        finished_at: Set(None),
    };
    match db::archives::insert_import(&data.db.write, row).await {
        Ok(row) => Ok(row),
        Err(e) => {
            let _ = tokio::fs::remove_file(&kept).await;
            Err(e)
        }
    }
}

/// Runs a claimed import to its end and removes its upload: `done` with its report, or
/// `failed` with the reason (a refused archive, the database failing).
pub async fn run(
    data: &Data<AppState>,
    row: account_import::Model,
) -> AppResult<account_import::Model> {
    let path = uploads_dir(data).join(&row.file_name);
    let mut report = Report::new(row.clone());
    let result: AppResult<()> = async {
        let me = db::actors::get_by_id(&data.db.read, row.actor_id).await?;
        if me.deleted_at.is_some() || me.suspended_at.is_some() {
            return Err(AppError::Forbidden(
                "the account is no longer active".into(),
            ));
        }
        match csv::Kind::parse(&row.kind) {
            None => {
                let contents = open_archive(&path).await?;
                check_importer(data, &me, &contents)?;
                restore::restore(data, &me, &path, &contents, &mut report).await
            }
            Some(kind) => {
                let rows = csv_rows(&path, kind).await?;
                report.set_total(data, rows.len()).await?;
                csv::apply(data, &me, kind, &rows, row.mode == "overwrite", &mut report).await
            }
        }
    }
    .await;
    let finished = report
        .finish(data, result.err().map(|e| e.to_string()))
        .await?;
    let _ = tokio::fs::remove_file(&path).await;
    Ok(finished)
}

/// Claims the next import waiting (or abandoned by a dead worker) and runs it; `None` when
/// there is none.
pub async fn run_next(data: &Data<AppState>) -> AppResult<Option<account_import::Model>> {
    let now = Utc::now();
    let stale = now - Duration::seconds(STALE_AFTER_SECS);
    match db::archives::claim_import(&data.db.write, now, stale).await? {
        Some(row) => Ok(Some(run(data, row).await?)),
        None => Ok(None),
    }
}

/// The latest imports of `me`, newest first, for the import page.
pub async fn recent(
    data: &Data<AppState>,
    me: &actor::Model,
) -> AppResult<Vec<account_import::Model>> {
    db::archives::imports_of(&data.db.read, me.id, 10).await
}
