//! Document uploads for teaching resources (PDF, ODF, OOXML, EPUB, ZIP, plain text and
//! markdown): the type is found from the bytes (magic numbers, then a ZIP's `mimetype` member or
//! entries), the size limit `media.max_document_bytes` is enforced while the upload streams to a
//! temporary file, and the document is stored like other media (same directory and table, kind
//! `unknown`), served as a download (see `api::mastodon::media`).
use crate::{
    AppState,
    db::{self, entity::media_attachment},
    error::{AppError, AppResult},
    service::{accounts::random_token, media::MAX_DESCRIPTION},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use futures_util::{Stream, StreamExt};
use sea_orm::Set;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Document types accepted: (content type, extension of the stored file).
pub const DOCUMENT_TYPES: [(&str, &str); 11] = [
    ("application/pdf", "pdf"),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.presentation", "odp"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("application/epub+zip", "epub"),
    ("application/zip", "zip"),
    ("text/plain", "txt"),
    ("text/markdown", "md"),
];

/// Whether `media_type` is one of the accepted document types.
pub fn is_document_type(media_type: &str) -> bool {
    DOCUMENT_TYPES.iter().any(|(t, _)| *t == media_type)
}

/// The content type of a stored document, from the extension we gave it.
pub fn content_type_of_extension(ext: &str) -> Option<&'static str> {
    DOCUMENT_TYPES
        .iter()
        .find(|(_, e)| *e == ext)
        .map(|(t, _)| *t)
}

fn extension_of(media_type: &str) -> &'static str {
    DOCUMENT_TYPES
        .iter()
        .find(|(t, _)| *t == media_type)
        .map_or("bin", |(_, e)| *e)
}

/// What the first bytes of an upload say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    Pdf,
    /// A ZIP archive: what it holds decides the type ([`classify_zip`]).
    Zip,
    /// Candidate text: accepted only if the whole file is UTF-8 without NUL bytes.
    Text,
}

/// Bytes sniffed before deciding; a shorter file is sniffed whole.
pub const HEAD_LEN: usize = 512;

fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    [
        "<!doctype",
        "<html",
        "<head",
        "<body",
        "<script",
        "<svg",
        "<?xml",
        "<iframe",
        "<!--",
    ]
    .iter()
    .any(|tag| start.starts_with(tag))
}

/// Recognises a document from its first bytes (never from its name or the client's type).
/// HTML, SVG and XML are refused even though they are text: they are active content in a browser.
pub fn sniff_head(head: &[u8]) -> Option<Head> {
    if head.starts_with(b"%PDF-") {
        return Some(Head::Pdf);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(Head::Zip);
    }
    if head.is_empty() || head.contains(&0) || looks_like_markup(head) {
        return None;
    }
    Some(Head::Text)
}

/// The type of a ZIP-based document from its members: the `mimetype` member of ODF and EPUB
/// files (stored uncompressed first, as both standards require), the part names of OOXML
/// files, otherwise a plain ZIP archive. Unreadable archives are refused. Blocking.
pub fn classify_zip<R: std::io::Read + std::io::Seek>(reader: R) -> AppResult<&'static str> {
    use std::io::Read;
    let not_zip = |e: zip::result::ZipError| {
        AppError::Invalid(format!("file is not a readable ZIP-based document: {e}"))
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(not_zip)?;
    if archive.index_for_name("mimetype").is_some() {
        let mut declared = String::new();
        archive
            .by_name("mimetype")
            .map_err(not_zip)?
            .take(128)
            .read_to_string(&mut declared)
            .map_err(|e| AppError::Invalid(format!("cannot read the mimetype member: {e}")))?;
        let declared = declared.trim();
        return DOCUMENT_TYPES
            .iter()
            .map(|(t, _)| *t)
            .find(|t| {
                *t == declared
                    && (t.starts_with("application/vnd.oasis") || *t == "application/epub+zip")
            })
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "file declares the type {declared:?}, which is not an accepted document"
                ))
            });
    }
    if archive.index_for_name("[Content_Types].xml").is_some() {
        let ooxml = [
            ("word/document.xml", DOCUMENT_TYPES[4].0),
            ("xl/workbook.xml", DOCUMENT_TYPES[5].0),
            ("ppt/presentation.xml", DOCUMENT_TYPES[6].0),
        ];
        return ooxml
            .iter()
            .find(|(part, _)| archive.index_for_name(part).is_some())
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                AppError::Invalid(
                    "file is an Office Open XML package but not a document, spreadsheet or presentation".into(),
                )
            });
    }
    Ok("application/zip")
}

/// Checks that a stream of chunks is UTF-8 without NUL bytes (a character may span chunks).
#[derive(Debug, Default)]
pub struct TextCheck {
    carry: Vec<u8>,
    failed: bool,
}

impl TextCheck {
    /// Takes the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.failed {
            return;
        }
        if chunk.contains(&0) {
            self.failed = true;
            return;
        }
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(chunk);
        match std::str::from_utf8(&joined) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => self.carry = joined[e.valid_up_to()..].to_vec(),
            Err(_) => self.failed = true,
        }
    }

    /// Whether everything fed was text.
    pub fn is_text(&self) -> bool {
        !self.failed && self.carry.is_empty()
    }
}

/// A file name made safe for a stored name and a `Content-Disposition` header: ASCII letters,
/// digits, `-` and `_`, at most 32 characters; `document` when nothing is left.
pub fn file_slug(client_name: &str) -> String {
    let base = client_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let mut slug = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(32).collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "document".into()
    } else {
        slug.into()
    }
}

/// The name a stored document downloads as: `{random}.{slug}.{ext}` gives `{slug}.{ext}`.
pub fn download_name(stored: &str) -> String {
    match stored.split_once('.') {
        Some((_, rest)) if rest.contains('.') => rest.to_string(),
        Some((_, ext)) => format!("document.{ext}"),
        None => "document".into(),
    }
}

/// The name shown for a document: the client's file name without its folders and control
/// characters, at most 200 characters.
fn display_name(client_name: &str) -> Option<String> {
    let base = client_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// A document upload as a client sends it: its chunks, file name and optional description.
pub struct DocumentUpload<S> {
    pub chunks: S,
    /// The client's file name: shown as the document's name and kept (sanitised) for downloads;
    /// it also tells markdown from plain text. It never decides a binary type.
    pub file_name: String,
    pub description: Option<String>,
}

/// Removes a temporary file when dropped unless it was kept.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn too_large(limit: usize) -> AppError {
    AppError::PayloadTooLarge(format!(
        "documents must be at most {} MB",
        limit / (1024 * 1024)
    ))
}

/// Streams a document upload of `actor_id` to the media directory, checking its size while it
/// arrives and its type once it is complete, and stores its row. Nothing is kept on error.
pub async fn upload_document<S, B>(
    data: &Data<AppState>,
    actor_id: i64,
    upload: DocumentUpload<S>,
) -> AppResult<media_attachment::Model>
where
    S: Stream<Item = AppResult<B>> + Unpin,
    B: AsRef<[u8]>,
{
    let description = upload
        .description
        .filter(|d| !d.trim().is_empty())
        .or_else(|| display_name(&upload.file_name));
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        return Err(AppError::Invalid(format!(
            "description is longer than {MAX_DESCRIPTION} characters"
        )));
    }
    let dir = PathBuf::from(&data.config.media.dir);
    let stored = store_file(
        &dir,
        data.config.media.max_document_bytes,
        &upload.file_name,
        upload.chunks,
    )
    .await?;
    let name = stored.name;
    let row = media_attachment::ActiveModel {
        id: Set(data.ids.next()),
        actor_id: Set(actor_id),
        post_id: Set(None),
        position: Set(0),
        kind: Set("unknown".into()),
        content_type: Set(Some(stored.media_type.into())),
        file_name: Set(Some(name.clone())),
        preview_file_name: Set(None),
        remote_url: Set(None),
        description: Set(description),
        blurhash: Set(None),
        width: Set(None),
        height: Set(None),
        small_width: Set(None),
        small_height: Set(None),
        size_bytes: Set(Some(i64::try_from(stored.size).unwrap_or(i64::MAX))),
        focus_x: Set(None),
        focus_y: Set(None),
        processed: Set(true),
        created_at: Set(Utc::now()),
        cache_attempts: Set(0),
        cached_at: Set(None),
    };
    match db::media::insert(&data.db.write, row).await {
        Ok(row) => Ok(row),
        Err(e) => {
            let _ = tokio::fs::remove_file(dir.join(&name)).await;
            Err(e)
        }
    }
}

/// A document written to the media directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// `{random}.{slug}.{ext}` under the media directory.
    pub name: String,
    pub media_type: &'static str,
    pub size: usize,
}

/// Streams `chunks` into `dir`, refusing more than `limit` bytes as soon as they arrive and
/// anything that is not an accepted document once complete; nothing is left behind on error.
pub async fn store_file<S, B>(
    dir: &Path,
    limit: usize,
    file_name: &str,
    chunks: S,
) -> AppResult<StoredFile>
where
    S: Stream<Item = AppResult<B>> + Unpin,
    B: AsRef<[u8]>,
{
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let base = random_token(18);
    let mut temp = TempFile {
        path: dir.join(format!("{base}.part")),
        keep: false,
    };
    let mut file = tokio::fs::File::create(&temp.path)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", temp.path.display()))?;
    let write_error = |e: std::io::Error| anyhow::anyhow!("cannot write a document: {e}");
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_LEN);
    let mut text = TextCheck::default();
    let mut size: usize = 0;
    let mut chunks = chunks;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        let chunk = chunk.as_ref();
        size = size.saturating_add(chunk.len());
        if size > limit {
            return Err(too_large(limit));
        }
        if head.len() < HEAD_LEN {
            let take = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() == HEAD_LEN && sniff_head(&head).is_none() {
                return Err(unsupported());
            }
        }
        text.feed(chunk);
        file.write_all(chunk).await.map_err(write_error)?;
    }
    file.flush().await.map_err(write_error)?;
    drop(file);
    if size == 0 {
        return Err(AppError::Invalid("file is empty".into()));
    }
    let media_type = match sniff_head(&head).ok_or_else(unsupported)? {
        Head::Pdf => "application/pdf",
        Head::Zip => {
            let path = temp.path.clone();
            tokio::task::spawn_blocking(move || {
                let file = std::fs::File::open(&path)
                    .map_err(|e| anyhow::anyhow!("cannot reopen a document: {e}"))?;
                classify_zip(std::io::BufReader::new(file))
            })
            .await
            .map_err(|e| anyhow::anyhow!("document inspection task failed: {e}"))??
        }
        Head::Text if !text.is_text() => return Err(unsupported()),
        Head::Text => {
            let lower = file_name.to_ascii_lowercase();
            if lower.ends_with(".md") || lower.ends_with(".markdown") {
                "text/markdown"
            } else {
                "text/plain"
            }
        }
    };
    let name = format!(
        "{base}.{}.{}",
        file_slug(file_name),
        extension_of(media_type)
    );
    rename(&temp.path, &dir.join(&name)).await?;
    temp.keep = true;
    Ok(StoredFile {
        name,
        media_type,
        size,
    })
}

fn unsupported() -> AppError {
    AppError::Invalid(format!(
        "file type not supported (detected from its content); accepted documents: {}",
        DOCUMENT_TYPES
            .iter()
            .map(|(t, _)| *t)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

async fn rename(from: &Path, to: &Path) -> AppResult<()> {
    tokio::fs::rename(from, to)
        .await
        .map_err(|e| anyhow::anyhow!("cannot store a document: {e}").into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

    fn zip_with(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        for (name, bytes) in members {
            writer.start_file(*name, stored).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// The start of a real PDF file (as LibreOffice writes it).
    const PDF: &[u8] =
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n";

    #[test]
    fn a_pdf_is_known_by_its_header() {
        assert_eq!(sniff_head(PDF), Some(Head::Pdf));
    }

    #[test]
    fn a_docx_is_known_by_its_parts() {
        let docx = zip_with(&[
            ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        assert_eq!(sniff_head(&docx), Some(Head::Zip));
        assert_eq!(
            classify_zip(Cursor::new(docx)).unwrap(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn odf_and_epub_are_known_by_their_mimetype_member() {
        let odt = zip_with(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
        ]);
        assert_eq!(
            classify_zip(Cursor::new(odt)).unwrap(),
            "application/vnd.oasis.opendocument.text"
        );
        let epub = zip_with(&[("mimetype", b"application/epub+zip")]);
        assert_eq!(
            classify_zip(Cursor::new(epub)).unwrap(),
            "application/epub+zip"
        );
        let other = zip_with(&[("mimetype", b"text/html")]);
        assert!(classify_zip(Cursor::new(other)).is_err());
        let plain = zip_with(&[("notes.txt", b"hello")]);
        assert_eq!(classify_zip(Cursor::new(plain)).unwrap(), "application/zip");
    }

    #[test]
    fn a_broken_zip_or_a_bare_package_is_refused() {
        assert!(classify_zip(Cursor::new(b"PK\x03\x04 not really a zip".to_vec())).is_err());
        let package = zip_with(&[("[Content_Types].xml", b"<Types/>")]);
        assert!(classify_zip(Cursor::new(package)).is_err());
    }

    #[test]
    fn html_renamed_pdf_is_refused() {
        // The name is never looked at: this is what `lesson.pdf` holding HTML sends.
        assert_eq!(
            sniff_head(b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
            None
        );
        assert_eq!(
            sniff_head(b"\n  <svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(sniff_head(b"binary\0data"), None);
        assert_eq!(sniff_head(b"# Lesson plan\n\nStep one"), Some(Head::Text));
    }

    #[test]
    fn text_is_checked_across_chunks() {
        let arabic = "درس".as_bytes();
        let mut check = TextCheck::default();
        check.feed(&arabic[..3]);
        check.feed(&arabic[3..]);
        assert!(check.is_text());
        let mut cut = TextCheck::default();
        cut.feed(&arabic[..3]);
        assert!(!cut.is_text());
        let mut bad = TextCheck::default();
        bad.feed(b"ok \xff");
        assert!(!bad.is_text());
    }

    fn scratch_dir() -> PathBuf {
        std::env::temp_dir().join(format!("halqa-documents-{}", random_token(9)))
    }

    fn chunks(parts: Vec<Vec<u8>>) -> impl Stream<Item = AppResult<Vec<u8>>> + Unpin {
        futures_util::stream::iter(parts.into_iter().map(Ok))
    }

    #[tokio::test]
    async fn an_upload_streams_to_its_stored_name() {
        let dir = scratch_dir();
        let stored = store_file(
            &dir,
            1024,
            "Fiche 3.pdf",
            chunks(vec![PDF[..4].to_vec(), PDF[4..].to_vec()]),
        )
        .await
        .unwrap();
        assert_eq!(stored.media_type, "application/pdf");
        assert_eq!(stored.size, PDF.len());
        assert!(stored.name.ends_with(".Fiche-3.pdf"));
        assert_eq!(std::fs::read(dir.join(&stored.name)).unwrap(), PDF);
        let notes = store_file(&dir, 1024, "notes.md", chunks(vec![b"# Plan".to_vec()]))
            .await
            .unwrap();
        assert_eq!(notes.media_type, "text/markdown");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn oversized_and_disguised_uploads_are_refused_and_not_kept() {
        let dir = scratch_dir();
        let big = vec![PDF.to_vec(), vec![b'x'; 2048]];
        let err = store_file(&dir, 1024, "big.pdf", chunks(big))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::PayloadTooLarge(_)), "{err:?}");
        let html = b"<html><body><script>alert(1)</script></body></html>".to_vec();
        let err = store_file(&dir, 1024, "lesson.pdf", chunks(vec![html]))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "no file is left behind"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(file_slug("../../etc/Fiche élève 3.pdf"), "Fiche-l-ve-3");
        assert_eq!(file_slug("درس.pdf"), "document");
        assert_eq!(download_name("abc.Fiche-3.pdf"), "Fiche-3.pdf");
        assert_eq!(download_name("abc.pdf"), "document.pdf");
        assert_eq!(
            display_name("C:\\docs\\plan\u{7}.odt").as_deref(),
            Some("plan.odt")
        );
    }
}
