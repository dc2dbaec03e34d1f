//! Account continuity in the settings: `GET /settings/archive` downloads the account's archive
//! (`service::archive::export`), `GET/POST /settings/import` shows the import form (an archive
//! or one of Mastodon's CSV files, merge or overwrite) and the latest imports with their
//! progress and report, and queues an upload (`service::imports`); `GET /@name/archived` lists
//! the posts an imported archive brought (never federated again).
use super::{
    i18n::{format_datetime, tr, tr_args},
    page::Page,
    profiles::actor_of,
    timelines::see_other,
};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    service::{
        archive::export,
        imports::{self, NewImport, report::ReportBody},
    },
};
use activitypub_federation::config::Data;
use axum::{
    body::Body,
    extract::{Multipart, Path, Query},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use fluent_templates::fluent_bundle::FluentValue;
use futures_util::{StreamExt, TryStreamExt};
use minijinja::{Value, context};
use serde::Deserialize;

/// Archived posts per page.
const PER_PAGE: u64 = 40;

/// `GET /settings/archive`: the account's archive as a ZIP download, streamed from a
/// temporary file that is removed once opened (the open file stays readable).
pub async fn download(page: Page) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let path = export::write_temporary(&page.data, &me.actor).await?;
    let file = tokio::fs::File::open(&path).await;
    let _ = tokio::fs::remove_file(&path).await;
    let file = file.map_err(|e| anyhow::anyhow!("cannot reopen the archive: {e}"))?;
    let length = file
        .metadata()
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the archive: {e}"))?
        .len();
    let stream = futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export::file_name(&me.actor)),
            ),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// `?queued=1` after an upload was accepted.
#[derive(Debug, Default, Deserialize)]
pub struct Queued {
    #[serde(default)]
    queued: Option<String>,
}

/// The import kinds with their labels, in `lang`.
fn kinds(lang: &str) -> Vec<Value> {
    imports::KINDS
        .iter()
        .map(|k| context! { code => *k, label => tr(lang, &format!("import-kind-{k}")) })
        .collect()
}

/// The latest imports of the account, for the page.
async fn recent(page: &Page) -> AppResult<(Vec<Value>, bool)> {
    let Some(me) = &page.me else {
        return Ok((Vec::new(), false));
    };
    let rows = imports::recent(&page.data, &me.actor).await?;
    let running = rows
        .iter()
        .any(|r| r.state == "queued" || r.state == "running");
    let list = rows
        .iter()
        .map(|r| {
            let body = ReportBody::of(r);
            let counts: Vec<Value> = body
                .counts
                .iter()
                .map(|(kind, c)| {
                    context! {
                        kind => tr(page.lang, &format!("import-count-{kind}")),
                        imported => c.imported, skipped => c.skipped,
                    }
                })
                .collect();
            let lines: Vec<Value> = body
                .lines
                .iter()
                .map(|l| {
                    context! {
                        kind => tr(page.lang, &format!("import-count-{}", l.kind)),
                        item => l.item.clone(), reason => l.reason.clone(),
                    }
                })
                .collect();
            let notices: Vec<String> = body
                .notices
                .iter()
                .map(|n| {
                    let account = FluentValue::from(n.account.clone());
                    tr_args(page.lang, &n.key, &[("account", account)])
                })
                .collect();
            context! {
                kind => tr(page.lang, &format!("import-kind-{}", r.kind)),
                name => r.original_name.clone(),
                state => r.state.clone(),
                state_label => tr(page.lang, &format!("import-state-{}", r.state)),
                mode => r.mode.clone(),
                total => r.total, processed => r.processed,
                imported => r.imported, skipped => r.skipped,
                error => r.error.clone(),
                created => format_datetime(page.lang, &r.created_at),
                counts, lines, notices, more_lines => body.more_lines,
            }
        })
        .collect();
    Ok((list, running))
}

/// What the form shows besides the imports: the notice after an upload, a refusal, and the
/// type and mode chosen.
struct Shown<'a> {
    queued: bool,
    error: Option<String>,
    kind: &'a str,
    mode: &'a str,
}

async fn render(page: &Page, status: StatusCode, shown: Shown<'_>) -> AppResult<Response> {
    let (imports, running) = recent(page).await?;
    let Shown {
        queued,
        error,
        kind,
        mode,
    } = shown;
    page.render_status(
        status,
        "pages/settings_import.html",
        context! {
            imports, running, queued, error,
            kinds => kinds(page.lang),
            kind, mode,
            archive_mb => imports::MAX_ARCHIVE_BYTES / (1024 * 1024),
        },
    )
}

/// `GET /settings/import`.
pub async fn import_page(page: Page, Query(q): Query<Queued>) -> AppResult<Response> {
    if let Err(to_login) = page.me() {
        return Ok(to_login);
    }
    let shown = Shown {
        queued: q.queued.is_some(),
        error: None,
        kind: "archive",
        mode: "merge",
    };
    render(&page, StatusCode::OK, shown).await
}

fn multipart_error(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("cannot read the multipart body: {e}"))
}

/// What the form sent.
struct Sent {
    kind: String,
    mode: String,
    upload: Option<(String, std::path::PathBuf)>,
}

/// Reads the form: the CSRF token must come first, then the type and mode, then the file
/// (streamed to disk with the type's size limit). `Err(Ok(response))` is the CSRF refusal.
async fn read_form(page: &Page, mut multipart: Multipart) -> Result<Sent, AppResult<Response>> {
    let mut sent = Sent {
        kind: "archive".into(),
        mode: "merge".into(),
        upload: None,
    };
    let mut csrf_ok = false;
    let mut fields = 0;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(Err(multipart_error(e))),
        };
        fields += 1;
        if fields > 10 {
            return Err(Err(AppError::Invalid(
                "the form has too many fields".into(),
            )));
        }
        let name = field.name().unwrap_or_default().to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            if !csrf_ok {
                break;
            }
            if sent.upload.is_some() {
                return Err(Err(AppError::Invalid("send one file at a time".into())));
            }
            let limit = imports::limit_for(&sent.kind);
            let chunks = field.map_err(multipart_error).boxed();
            let path = imports::store_upload(&page.data, chunks, limit)
                .await
                .map_err(Err)?;
            sent.upload = Some((file_name, path));
            continue;
        }
        let text = field.text().await.map_err(|e| Err(multipart_error(e)))?;
        let text: String = text.chars().take(200).collect();
        match name.as_str() {
            "csrf" => {
                if let Err(refused) = page.check_csrf(&text) {
                    return Err(Ok(refused));
                }
                csrf_ok = true;
            }
            "kind" => sent.kind = text,
            "mode" => sent.mode = text,
            _ => {}
        }
    }
    if !csrf_ok {
        if let Some((_, path)) = &sent.upload {
            let _ = tokio::fs::remove_file(path).await;
        }
        return Err(Ok(
            page.error(StatusCode::FORBIDDEN, &tr(page.lang, "error-csrf"))
        ));
    }
    Ok(sent)
}

/// `POST /settings/import` (multipart: csrf, kind, mode, file).
pub async fn import_upload(page: Page, multipart: Multipart) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let result = match read_form(&page, multipart).await {
        Ok(sent) => {
            let (kind, mode) = (sent.kind.clone(), sent.mode.clone());
            let queued = match sent.upload {
                None => Err(AppError::Invalid(tr(page.lang, "import-no-file"))),
                Some((original_name, path)) => {
                    imports::enqueue(
                        &page.data,
                        &me.actor,
                        NewImport {
                            kind: sent.kind,
                            mode: sent.mode,
                            original_name,
                            path,
                        },
                    )
                    .await
                }
            };
            (queued, kind, mode)
        }
        Err(Ok(refused)) => return Ok(refused),
        Err(Err(e)) => (Err(e), "archive".to_string(), "merge".to_string()),
    };
    match result {
        (Ok(_), _, _) => Ok(see_other("/settings/import?queued=1")),
        (Err(e), kind, mode) if e.status().is_client_error() => {
            let status = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let shown = Shown {
                queued: false,
                error: Some(e.to_string()),
                kind: &kind,
                mode: &mode,
            };
            render(&page, status, shown).await
        }
        (Err(e), _, _) => Err(e),
    }
}

/// `?page=N` of the archived posts.
#[derive(Debug, Default, Deserialize)]
pub struct PageNumber {
    #[serde(default)]
    page: Option<u64>,
}

/// `GET /@name/archived`: the posts an imported archive brought, newest first.
pub async fn archived_posts(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(handle): Path<String>,
    Query(q): Query<PageNumber>,
) -> AppResult<Response> {
    let actor = actor_of(&data, &handle).await?;
    if !actor.local || actor.suspended_at.is_some() {
        return Err(AppError::not_found("no such account"));
    }
    let page = Page::from_headers(&data, &headers).await?;
    let number = q.page.unwrap_or(1).clamp(1, 10_000);
    let rows = db::archives::archived_posts(
        &data.db.read,
        actor.id,
        (number - 1) * PER_PAGE,
        PER_PAGE + 1,
    )
    .await?;
    let more = rows.len() as u64 > PER_PAGE;
    let posts: Vec<Value> = rows
        .into_iter()
        .take(PER_PAGE as usize)
        .map(|p| {
            context! {
                content => p.content, summary => p.summary, language => p.language,
                sensitive => p.sensitive, url => p.url.unwrap_or(p.ap_id),
                published => format_datetime(page.lang, &p.published_at),
                published_iso => p.published_at.to_rfc3339(),
            }
        })
        .collect();
    let handle = actor.handle();
    let next = more.then(|| format!("/@{handle}/archived?page={}", number + 1));
    let previous = (number > 1).then(|| format!("/@{handle}/archived?page={}", number - 1));
    page.render(
        "pages/archived_posts.html",
        context! {
            posts, handle, next, previous,
            display_name => super::page::display_name(&actor),
        },
    )
}
