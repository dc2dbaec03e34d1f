//! Restoring a checked account archive into local account `me` (the import job runs it):
//!
//! - **resources** are published again as `me`'s own (a new `Page` and status, federated as
//!   usual), their files uploaded again through the media and document checks (a file whose
//!   content is not its declared type skips the resource), with `original_url` recording where
//!   they were first published;
//! - **collections** are created again; an item that was one of the account's own resources
//!   points to its new copy, any other is resolved by URL (skipped, with a report line, when
//!   unreachable);
//! - **mentorships** are stored with the same agreement id, linked to the other party (fetched
//!   from its server), with their goals, meetings and messages; nothing is sent — the other
//!   node re-points the agreement when the account moves (`Move`). A mentorship space is
//!   private between two people, so they are restored only when `me` lists the archive's
//!   account among its aliases, the link a `Move` needs ([`mentorships::owns_archive`]);
//!   otherwise each is skipped and the report says why;
//! - **posts** of `outbox.json` that were public or unlisted become archived posts listed on
//!   the profile, never federated again (followers are not flooded);
//! - the **CSV files** are applied as a Mastodon import in merge mode.
//!
//! Every step recognises what an earlier run stored (`original_url`, ids), so a resumed
//! import does not duplicate anything.
use super::{
    format,
    reader::{self, Contents},
};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, archived_post},
        resources::NewAttachment,
    },
    error::{AppError, AppResult},
    service::{
        collections::{self, CollectionInput, items::ItemRef},
        documents::{self, DocumentUpload},
        imports::{
            csv, is_fatal,
            report::{Notice, Report},
        },
        media::{self, Upload},
        resources::{self, ResourceInput, allowed_media_type},
    },
    text,
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use sea_orm::Set;
use serde_json::Value;
use std::{collections::HashMap, path::Path};

mod mentorships;
use mentorships::{clip, mentorship, owns_archive};

/// The number of items an archive's import goes through (for the progress bar).
pub fn total(contents: &Contents) -> usize {
    let csv_rows: usize = contents
        .csv
        .iter()
        .filter_map(|(name, text)| {
            let kind = csv_kind(name)?;
            csv::rows(kind, text).ok().map(|r| r.len())
        })
        .sum();
    contents.resources.len()
        + contents.collections.len()
        + contents
            .collections
            .iter()
            .map(|c| c.items.len())
            .sum::<usize>()
        + contents.mentorships.len()
        + contents.outbox.len()
        + csv_rows
}

fn csv_kind(file: &str) -> Option<csv::Kind> {
    [
        csv::Kind::Following,
        csv::Kind::Lists,
        csv::Kind::Blocks,
        csv::Kind::Mutes,
        csv::Kind::Bookmarks,
    ]
    .into_iter()
    .find(|k| k.file_name() == file)
}

/// Restores `contents` (read from the archive at `path`) into `me`.
pub async fn restore(
    data: &Data<AppState>,
    me: &actor::Model,
    path: &Path,
    contents: &Contents,
    report: &mut Report,
) -> AppResult<()> {
    report.set_total(data, total(contents)).await?;
    // Old resource id → the new copy's id.
    let mut copies: HashMap<String, i64> = HashMap::new();
    for r in &contents.resources {
        match resource(data, me, path, r).await {
            Ok((id, fresh)) => {
                copies.insert(r.id.clone(), id);
                if let Some(note) = &r.note {
                    copies.insert(note.clone(), id);
                }
                if fresh {
                    report.imported(data, "resources").await?;
                } else {
                    report
                        .skipped(data, "resources", &r.id, "already imported")
                        .await?;
                }
            }
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => report.skipped(data, "resources", &r.id, e).await?,
        }
    }
    for c in &contents.collections {
        collection(data, me, c, &copies, report).await?;
    }
    let owner = owns_archive(me, &contents.manifest.actor);
    if !owner && !contents.mentorships.is_empty() {
        let notice = Notice::mentorships_need_alias(&contents.manifest.actor);
        report.notice(data, notice).await?;
    }
    for m in &contents.mentorships {
        if !owner {
            let why = "not restored: this account does not list the archive's account as an alias";
            report.skipped(data, "mentorships", &m.id, why).await?;
            continue;
        }
        match mentorship(data, me, &contents.manifest.actor, m).await {
            Ok(()) => report.imported(data, "mentorships").await?,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => report.skipped(data, "mentorships", &m.id, e).await?,
        }
    }
    for activity in &contents.outbox {
        let id = activity
            .pointer("/object/id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match post(data, me, activity).await {
            Ok(()) => report.imported(data, "posts").await?,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => report.skipped(data, "posts", &id, e).await?,
        }
    }
    for (name, text) in &contents.csv {
        let Some(kind) = csv_kind(name) else { continue };
        match csv::rows(kind, text) {
            Ok(rows) => csv::apply(data, me, kind, &rows, false, report).await?,
            Err(e) => report.skipped(data, kind.as_str(), name, e).await?,
        }
    }
    Ok(())
}

/// Uploads a file of a resource again, as `me`'s, through the media or document checks; its
/// content must be of the declared kind.
async fn upload_file(
    data: &Data<AppState>,
    me: &actor::Model,
    archive: &Path,
    f: &format::ResourceFile,
    member: &str,
) -> AppResult<i64> {
    let limit = data
        .config
        .media
        .max_document_bytes
        .max(data.config.media.max_video_bytes) as u64;
    let (archive, name) = (archive.to_path_buf(), member.to_string());
    let bytes = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&archive)
            .map_err(|e| anyhow::anyhow!("cannot reopen the archive: {e}"))?;
        reader::read_media(std::io::BufReader::new(file), &name, limit)
    })
    .await
    .map_err(|e| anyhow::anyhow!("archive task failed: {e}"))??;
    let shown = if f.name.trim().is_empty() {
        member.trim_start_matches(format::MEDIA_DIR).to_string()
    } else {
        f.name.clone()
    };
    let declared = f.media_type.as_str();
    let stored = if documents::is_document_type(declared) {
        documents::upload_document(
            data,
            me.id,
            DocumentUpload {
                chunks: futures_util::stream::iter([Ok::<_, AppError>(bytes)]),
                file_name: shown.clone(),
                description: Some(shown.clone()),
            },
        )
        .await?
    } else if allowed_media_type(declared) {
        media::upload(
            data,
            me.id,
            Upload {
                bytes,
                description: Some(shown.chars().take(1500).collect()),
                focus: None,
            },
        )
        .await?
    } else {
        return Err(AppError::Invalid(format!(
            "file {shown}: type {declared:?} is not accepted for a resource"
        )));
    };
    let actual = stored.content_type.clone().unwrap_or_default();
    let same_kind = if documents::is_document_type(declared) {
        // Markdown and plain text are told apart by name only.
        actual == declared || (actual.starts_with("text/") && declared.starts_with("text/"))
    } else {
        actual.split('/').next() == declared.split('/').next()
    };
    if !same_kind {
        let _ = media::delete(data, me.id, stored.id).await;
        return Err(AppError::Invalid(format!(
            "file {shown} is {actual}, not the {declared} the archive says"
        )));
    }
    Ok(stored.id)
}

/// Restores one resource: `(new id, true)`, or the copy an earlier run made `(id, false)`.
async fn resource(
    data: &Data<AppState>,
    me: &actor::Model,
    archive: &Path,
    r: &format::Resource,
) -> AppResult<(i64, bool)> {
    let original = r
        .original_url
        .clone()
        .or_else(|| r.url.clone())
        .unwrap_or_else(|| r.id.clone());
    if let Some(done) = db::archives::imported_resource(&data.db.read, me.id, &original).await? {
        return Ok((done.id, false));
    }
    let mut media_ids = Vec::new();
    let mut referenced = Vec::new();
    for f in &r.files {
        match &f.path {
            Some(member) => match upload_file(data, me, archive, f, member).await {
                Ok(id) => media_ids.push(id),
                Err(e) => {
                    for id in media_ids {
                        let _ = media::delete(data, me.id, id).await;
                    }
                    return Err(e);
                }
            },
            None => {
                let web =
                    url::Url::parse(&f.url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                if web && allowed_media_type(&f.media_type) {
                    referenced.push(NewAttachment {
                        media_id: None,
                        url: f.url.clone(),
                        media_type: f.media_type.clone(),
                        size_bytes: f.size,
                        name: f.name.chars().take(200).collect(),
                    });
                }
            }
        }
    }
    let input = ResourceInput {
        title: r.title.clone(),
        description: r.description.clone(),
        body: r.body.clone(),
        license: Some(r.license.clone()),
        resource_type: r.resource_type.clone(),
        subjects: r.subjects.clone(),
        levels: r.levels.clone(),
        languages: r.languages.clone(),
        duration: r.duration.clone(),
        prerequisites: r.prerequisites.clone(),
        links: r.links.clone(),
        media_ids: media_ids.clone(),
        based_on: r.based_on.clone(),
    };
    match resources::publish_imported(data, me, input, referenced, original).await {
        Ok(stored) => Ok((stored.id, true)),
        Err(e) => {
            for id in media_ids {
                let _ = media::delete(data, me.id, id).await;
            }
            Err(e)
        }
    }
}

/// Restores one collection and its items (each item is reported on its own).
async fn collection(
    data: &Data<AppState>,
    me: &actor::Model,
    c: &format::Collection,
    copies: &HashMap<String, i64>,
    report: &mut Report,
) -> AppResult<()> {
    let original = c.url.clone().unwrap_or_else(|| c.id.clone());
    let existing = db::archives::imported_collection(&data.db.read, me.id, &original).await?;
    let stored = match existing {
        Some(done) => {
            report
                .skipped(data, "collections", &c.id, "already imported")
                .await?;
            done
        }
        None => {
            let input = CollectionInput {
                title: c.title.clone(),
                description: c.description.clone(),
                subjects: c.subjects.clone(),
                levels: c.levels.clone(),
                languages: c.languages.clone(),
                visibility: Some(c.visibility.clone()),
            };
            match collections::create_imported(data, me, input, original).await {
                Ok(stored) => {
                    report.imported(data, "collections").await?;
                    stored
                }
                Err(e) if is_fatal(&e) => return Err(e),
                Err(e) => {
                    report.skipped(data, "collections", &c.id, &e).await?;
                    for item in &c.items {
                        report
                            .skipped(
                                data,
                                "collection_items",
                                &item.resource,
                                "its collection was not imported",
                            )
                            .await?;
                    }
                    return Ok(());
                }
            }
        }
    };
    let present: Vec<i64> = db::collections::items_of(&data.db.read, stored.id)
        .await?
        .iter()
        .map(|i| i.resource_id)
        .collect();
    for item in &c.items {
        let what = match copies.get(&item.resource) {
            Some(id) => ItemRef::Id(*id),
            None => ItemRef::Url(item.resource.clone()),
        };
        if let ItemRef::Id(id) = what
            && present.contains(&id)
        {
            report
                .skipped(
                    data,
                    "collection_items",
                    &item.resource,
                    "already in the collection",
                )
                .await?;
            continue;
        }
        match collections::items::add(data, me, stored.id, what, &item.comment).await {
            Ok(_) => report.imported(data, "collection_items").await?,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => {
                report
                    .skipped(data, "collection_items", &item.resource, &e)
                    .await?
            }
        }
    }
    Ok(())
}

/// Whether a post's addressing made it public or unlisted.
fn public_or_unlisted(object: &Value) -> bool {
    ["to", "cc"].iter().any(|k| match object.get(*k) {
        Some(Value::String(s)) => crate::federation::context::is_public(s),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .any(crate::federation::context::is_public),
        _ => false,
    })
}

/// Keeps one post of `outbox.json` as an archived post of `me`.
async fn post(data: &Data<AppState>, me: &actor::Model, activity: &Value) -> AppResult<()> {
    let object = activity.get("object").unwrap_or(&Value::Null);
    let ap_id = object
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::Invalid("a post without an id".into()))?;
    if !public_or_unlisted(object) {
        return Err(AppError::Invalid(
            "not public: followers-only and direct posts are not shown again".into(),
        ));
    }
    if db::archives::has_archived_post(&data.db.read, me.id, ap_id).await? {
        return Err(AppError::Conflict("already imported".into()));
    }
    let content = object
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let published = object
        .get("published")
        .and_then(Value::as_str)
        .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
        .map(|p| p.with_timezone(&Utc))
        .ok_or_else(|| AppError::Invalid("a post without a valid published date".into()))?;
    let language = object
        .get("contentMap")
        .and_then(Value::as_object)
        .and_then(|m| m.keys().next().cloned())
        .filter(|l| crate::service::vocabulary::is_language_tag(l));
    let url = object
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string);
    let summary = object
        .get("summary")
        .and_then(Value::as_str)
        .map(|s| clip(s, 500))
        .filter(|s| !s.is_empty());
    db::archives::insert_archived_post(
        &data.db.write,
        archived_post::ActiveModel {
            id: Set(data.ids.next()),
            actor_id: Set(me.id),
            ap_id: Set(ap_id.chars().take(1000).collect()),
            url: Set(url),
            content: Set(text::sanitize_remote_html(
                &content.chars().take(100_000).collect::<String>(),
            )),
            summary: Set(summary),
            language: Set(language),
            sensitive: Set(object
                .get("sensitive")
                .and_then(Value::as_bool)
                .unwrap_or(false)),
            published_at: Set(published),
            imported_at: Set(Utc::now()),
        },
    )
    .await
}
