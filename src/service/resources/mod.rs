//! Teaching resources (issue 5): publishing, editing and deleting local ones (each with its
//! readable public status, [`notes`]), the filtered list across the federation, the user's
//! default licence ([`licenses`]), and resources arriving from other Halqa nodes. Local users
//! and inbound activities call the same functions; what a teacher typed is checked first
//! ([`validate`]).
pub mod licenses;
pub mod notes;
pub mod remix;
pub mod validate;

pub use validate::{
    CheckedResource, MAX_BODY, MAX_LINKS, ResourceChanges, ResourceInput, ResourceLink,
    allowed_media_type, check, check_filter, normalise_duration, render_markdown,
};

use crate::{
    AppState,
    db::{
        self,
        entity::{actor, media_attachment, resource},
        mentorship::{codes_json, codes_of},
        paging::Cursor,
        resources::{NewAttachment, RemoteResource, ResourceFilter},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{
        commit,
        mentorship::{halqa_inboxes, notes::language_of},
        posts, vocabulary,
    },
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set, TransactionTrait};

/// The uploads `ids` of `author` as a resource's attachments: its own, processed, of an
/// accepted type, not on another status (`post_id` is the resource's own status).
async fn attachments_for(
    data: &Data<AppState>,
    author: &actor::Model,
    ids: &[i64],
    post_id: Option<i64>,
) -> AppResult<(Vec<i64>, Vec<NewAttachment>)> {
    let ids = posts::check_media(data, author, ids, post_id).await?;
    let mut files = Vec::new();
    for id in &ids {
        let m: media_attachment::Model = db::media::get(&data.db.read, *id).await?;
        let media_type = m.content_type.clone().unwrap_or_default();
        if !allowed_media_type(&media_type) {
            return Err(AppError::Invalid(format!(
                "attachments: media {id} has type {media_type:?}, which a resource does not accept"
            )));
        }
        let Some(file) = m.file_name.as_deref() else {
            return Err(AppError::Invalid(format!(
                "attachments: media {id} is still being processed"
            )));
        };
        files.push(NewAttachment {
            media_id: Some(m.id),
            url: data.urls.media(file),
            media_type,
            size_bytes: m.size_bytes,
            name: m
                .description
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| file.to_string()),
        });
    }
    Ok((ids, files))
}

/// The licence new resources of `author` get when none is chosen.
pub async fn default_license(
    data: &Data<AppState>,
    author: &actor::Model,
) -> AppResult<Option<&'static str>> {
    Ok(db::users::find_by_actor(&data.db.read, author.id)
        .await?
        .and_then(|u| u.default_license)
        .and_then(|l| licenses::find(&l).map(|l| l.id)))
}

/// Sets (or, with an empty id, clears) the default licence of local `author`.
pub async fn set_default_license(
    data: &Data<AppState>,
    author: &actor::Model,
    id: &str,
) -> AppResult<Option<&'static str>> {
    let license = match id.trim() {
        "" => None,
        id => Some(licenses::check(id)?.id),
    };
    let user = db::users::find_by_actor(&data.db.read, author.id)
        .await?
        .ok_or_else(|| AppError::Forbidden("only local accounts have settings".into()))?;
    let mut row: crate::db::entity::local_user::ActiveModel = user.into();
    row.default_license = Set(license.map(str::to_string));
    row.update(&data.db.write).await?;
    Ok(license)
}

fn apply(row: &mut resource::ActiveModel, c: CheckedResource) {
    row.title = Set(c.title);
    row.description = Set(c.description);
    row.body_source = Set(c.body_source);
    row.body_html = Set(c.body_html);
    row.license = Set(c.license.to_string());
    row.resource_type = Set(c.resource_type);
    row.subjects = Set(codes_json(&c.subjects));
    row.levels = Set(codes_json(&c.levels));
    row.languages = Set(codes_json(&c.languages));
    row.duration = Set(c.duration);
    row.prerequisites = Set(codes_json(&c.prerequisites));
    row.links = Set(serde_json::to_string(&c.links).unwrap_or_else(|_| "[]".into()));
    row.based_on = Set(c.based_on);
}

/// Publishes a resource by local `author`: the resource, its public status (Create(Note) to
/// every follower) and Create(Page) to the followers on Halqa nodes, in one transaction.
pub async fn publish(
    data: &Data<AppState>,
    author: &actor::Model,
    input: ResourceInput,
) -> AppResult<resource::Model> {
    publish_with(data, author, input, Vec::new(), None).await
}

/// Publishes a resource restored from `author`'s account archive: as [`publish`] (a new `Page`
/// and status of this node), with `referenced` files kept as links after the uploads and
/// `original_url`, where the author first published it, recorded for attribution.
pub async fn publish_imported(
    data: &Data<AppState>,
    author: &actor::Model,
    input: ResourceInput,
    referenced: Vec<NewAttachment>,
    original_url: String,
) -> AppResult<resource::Model> {
    publish_with(data, author, input, referenced, Some(original_url)).await
}

/// [`publish`] with files that are not the author's uploads (a remix's references to the
/// original's files, listed after the uploads) and, for an imported resource, where it was
/// first published.
async fn publish_with(
    data: &Data<AppState>,
    author: &actor::Model,
    input: ResourceInput,
    referenced: Vec<NewAttachment>,
    original_url: Option<String>,
) -> AppResult<resource::Model> {
    let language = language_of(&data.db.read, data, author).await?;
    let license = match &input.license {
        Some(l) if !l.trim().is_empty() => Some(l.clone()),
        _ => default_license(data, author).await?.map(str::to_string),
    };
    let media_ids = input.media_ids.clone();
    let checked = check(input, license.as_deref(), &language)?;
    let (media_ids, mut files) = attachments_for(data, author, &media_ids, None).await?;
    files.extend(referenced);
    if files.len() > MAX_LINKS {
        return Err(AppError::Invalid(format!(
            "attachments: at most {MAX_LINKS} files"
        )));
    }
    let id = data.ids.next();
    let post_id = data.ids.next();
    let page = data.urls.resource(id);
    let now = Utc::now();
    let mut row = resource::ActiveModel {
        id: Set(id),
        ap_id: Set(page.clone()),
        local: Set(true),
        author_id: Set(author.id),
        note_ap_id: Set(Some(data.urls.post(&author.username, post_id))),
        url: Set(Some(page)),
        original_url: Set(original_url),
        published_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    apply(&mut row, checked);
    let txn = data.db.write.begin().await?;
    let stored = db::resources::insert(&txn, row).await?;
    db::resources::set_attachments(&txn, &data.ids, stored.id, &files).await?;
    notes::publish_status(&txn, data, author, post_id, &stored, &media_ids, &language).await?;
    announce(&txn, data, author, &stored, "Create").await?;
    commit(data, txn).await?;
    Ok(stored)
}

/// The author's own live local resource: 404 when there is none, 403 when it is someone
/// else's, 410 when it was deleted.
async fn own_resource(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
) -> AppResult<resource::Model> {
    let existing = db::resources::get(&data.db.read, id).await?;
    if existing.author_id != author.id || !existing.local {
        return Err(AppError::Forbidden(
            "only its author can change this resource".into(),
        ));
    }
    if existing.deleted_at.is_some() {
        return Err(AppError::Gone("this resource was deleted".into()));
    }
    Ok(existing)
}

/// Edits a local resource (author only): Update(Note) to every follower, Update(Page) to the
/// Halqa ones.
pub async fn edit(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
    changes: ResourceChanges,
) -> AppResult<resource::Model> {
    let existing = own_resource(data, author, id).await?;
    let links: Vec<ResourceLink> = serde_json::from_str(&existing.links).unwrap_or_default();
    let attached = db::resources::attachments_of(&data.db.read, &[existing.id])
        .await?
        .remove(&existing.id)
        .unwrap_or_default();
    let current_media: Vec<i64> = attached.iter().filter_map(|a| a.media_id).collect();
    // Files referenced rather than uploaded (a remix's originals) stay after the uploads.
    let referenced: Vec<NewAttachment> = attached
        .iter()
        .filter(|a| a.media_id.is_none())
        .map(|a| NewAttachment {
            media_id: None,
            url: a.url.clone(),
            media_type: a.media_type.clone(),
            size_bytes: a.size_bytes,
            name: a.name.clone(),
        })
        .collect();
    let merged = ResourceInput {
        title: changes.title.unwrap_or(existing.title.clone()),
        description: changes.description.unwrap_or(existing.description.clone()),
        body: changes.body.unwrap_or(existing.body_source.clone()),
        license: None,
        resource_type: changes
            .resource_type
            .unwrap_or(existing.resource_type.clone()),
        subjects: changes.subjects.unwrap_or(codes_of(&existing.subjects)),
        levels: changes.levels.unwrap_or(codes_of(&existing.levels)),
        languages: changes.languages.unwrap_or(codes_of(&existing.languages)),
        duration: changes.duration.or(existing.duration.clone()),
        prerequisites: changes
            .prerequisites
            .unwrap_or(codes_of(&existing.prerequisites)),
        links: changes.links.unwrap_or(links),
        media_ids: changes.media_ids.unwrap_or(current_media),
        based_on: changes.based_on.or(existing.based_on.clone()),
    };
    let license = changes.license.unwrap_or(existing.license.clone());
    let language = language_of(&data.db.read, data, author).await?;
    let media_ids = merged.media_ids.clone();
    let checked = check(merged, Some(&license), &language)?;
    let post_id = match &existing.note_ap_id {
        Some(n) => db::posts::find_by_ap_id(&data.db.read, n)
            .await?
            .map(|p| p.id),
        None => None,
    };
    let (media_ids, mut files) = attachments_for(data, author, &media_ids, post_id).await?;
    files.extend(referenced);
    let mut row: resource::ActiveModel = existing.into();
    apply(&mut row, checked);
    row.updated_at = Set(Utc::now());
    let txn = data.db.write.begin().await?;
    let stored = db::resources::update(&txn, row).await?;
    db::resources::set_attachments(&txn, &data.ids, stored.id, &files).await?;
    notes::rewrite_status(&txn, data, author, &stored, &media_ids).await?;
    announce(&txn, data, author, &stored, "Update").await?;
    commit(data, txn).await?;
    Ok(stored)
}

/// Deletes a local resource (author only) with its status: Delete(Note) to everyone who had it,
/// Delete of the Page to the Halqa followers. The row stays, marked deleted.
pub async fn delete(data: &Data<AppState>, author: &actor::Model, id: i64) -> AppResult<()> {
    let existing = own_resource(data, author, id).await?;
    let txn = data.db.write.begin().await?;
    let stored = db::resources::mark_deleted(&txn, &existing).await?;
    notes::delete_status(&txn, data, author, &stored).await?;
    let inboxes = recipients(&txn, author).await?;
    outbox::resource_deleted(&txn, data, author, &stored, inboxes).await?;
    commit(data, txn).await
}

/// Create/Update(Page) to the author's followers on Halqa nodes.
async fn announce(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    r: &resource::Model,
    kind: &str,
) -> AppResult<()> {
    let inboxes = recipients(txn, author).await?;
    outbox::resource_published(txn, data, author, r, kind, inboxes).await
}

/// The author's followers' inboxes on hosts known to run Halqa (everyone else gets the Note).
async fn recipients(txn: &DatabaseTransaction, author: &actor::Model) -> AppResult<Vec<String>> {
    let followers = db::actors::follower_inboxes(txn, author.id).await?;
    halqa_inboxes(txn, followers).await
}

/// Checks list filters (unknown values are a 422 naming the allowed ones) and lists the
/// matching live resources, local and remote.
pub async fn list(
    data: &Data<AppState>,
    mut filter: ResourceFilter,
    cursor: Cursor,
) -> AppResult<Vec<resource::Model>> {
    check_filter(&mut filter)?;
    db::resources::list(&data.db.read, &filter, cursor).await
}

/// Stores (or updates) a resource another Halqa node published; `author` sent it. Facets from a
/// newer vocabulary are dropped; an unknown licence or type refuses the resource (it could not
/// be shown honestly).
pub async fn receive(
    data: &Data<AppState>,
    author: &actor::Model,
    mut remote: RemoteResource,
) -> AppResult<resource::Model> {
    if author.local {
        return Err(AppError::Forbidden(
            "a local resource cannot be changed from outside".into(),
        ));
    }
    remote.author_id = author.id;
    remote.license = licenses::find(&remote.license)
        .map(|l| l.id.to_string())
        .ok_or_else(|| AppError::BadRequest("the resource has no known licence".into()))?;
    if vocabulary::find(vocabulary::RESOURCE_TYPES, &remote.resource_type).is_none() {
        remote.resource_type = "link".into();
    }
    remote.subjects = vocabulary::known_only(vocabulary::SUBJECTS, &remote.subjects);
    remote.levels = vocabulary::known_only(vocabulary::LEVELS, &remote.levels);
    remote.languages.retain(|l| vocabulary::is_language_tag(l));
    remote.title = remote.title.chars().take(200).collect();
    if remote.title.trim().is_empty() {
        return Err(AppError::BadRequest("the resource has no name".into()));
    }
    remote.description = remote.description.chars().take(10_000).collect();
    remote.body_source = remote.body_source.chars().take(MAX_BODY).collect();
    remote.duration = remote.duration.map(|d| d.chars().take(100).collect());
    remote.prerequisites = remote
        .prerequisites
        .into_iter()
        .map(|p| p.chars().take(300).collect())
        .take(MAX_LINKS)
        .collect();
    remote.attachments.truncate(MAX_LINKS);
    let txn = data.db.write.begin().await?;
    let stored = db::resources::upsert_remote(&txn, &data.ids, remote).await?;
    txn.commit().await?;
    Ok(stored)
}

/// `sender` deleted its resource `r` (only the author may).
pub async fn receive_delete(
    data: &Data<AppState>,
    sender: &actor::Model,
    r: &resource::Model,
) -> AppResult<()> {
    if r.local || r.author_id != sender.id {
        return Err(AppError::Forbidden(
            "only its author can delete a resource".into(),
        ));
    }
    if r.deleted_at.is_none() {
        db::resources::mark_deleted(&data.db.write, r).await?;
    }
    Ok(())
}
