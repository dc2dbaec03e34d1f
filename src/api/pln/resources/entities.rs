//! The JSON shapes of the resources API: a resource with its licence object, files, links and
//! attribution (author account, original URL when it lives on another node), lists built in a
//! fixed number of queries; and the status card and `status.pln` of a resource's readable Note.
use crate::{
    AppState,
    api::mastodon::entities::{Account, account, datetime},
    db::{
        self,
        entity::{resource, resource_attachment as attachment},
        mentorship::codes_of,
    },
    error::{AppError, AppResult},
    service::resources::{ResourceLink, licenses},
};
use activitypub_federation::config::Data;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A licence: its id, name and canonical URL.
#[derive(Debug, Clone, Serialize)]
pub struct LicenseView {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
}

impl LicenseView {
    /// The licence with `id` (an unknown id is shown as it is, without URL).
    pub fn of(id: &str) -> Self {
        match licenses::find(id) {
            Some(l) => LicenseView {
                id: l.id.into(),
                name: l.name.into(),
                url: Some(l.url.into()),
            },
            None => LicenseView {
                id: id.into(),
                name: id.into(),
                url: None,
            },
        }
    }
}

/// A file of a resource.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceFile {
    /// The upload's media id (local resources).
    pub media_id: Option<String>,
    pub url: String,
    pub media_type: String,
    pub size: Option<i64>,
    pub name: String,
}

/// Who made it and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    /// `user@domain`.
    pub author: String,
    pub author_name: String,
    pub author_url: Option<String>,
    /// The resource's page on its home node, when that is another node; for a resource
    /// imported from an account archive, where its author first published it.
    pub original_url: Option<String>,
    /// The resource this one remixes (its id on the wire).
    pub based_on: Option<String>,
    /// That resource, when this node knows it.
    pub based_on_resource: Option<BasedOn>,
}

/// The original of a remix, as this node knows it.
#[derive(Debug, Clone, Serialize)]
pub struct BasedOn {
    pub id: String,
    pub title: String,
    pub url: String,
    /// `user@domain` of its author.
    pub author: String,
    pub license: LicenseView,
    /// True once its author deleted it (the attribution stays).
    pub deleted: bool,
}

/// A teaching resource.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
    pub account: Account,
    pub title: String,
    pub description: String,
    /// Sanitised HTML.
    pub body: String,
    /// The markdown it was written in (empty when the home node sent none).
    pub body_source: String,
    pub license: LicenseView,
    pub resource_type: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub duration: Option<String>,
    pub prerequisites: Vec<String>,
    pub links: Vec<ResourceLink>,
    pub attachments: Vec<ResourceFile>,
    pub attribution: Attribution,
    pub local: bool,
    /// The resource's status (its readable Note), when this node has it.
    pub status_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn missing() -> AppError {
    AppError::not_found("Record not found")
}

/// Resources for the API, in order (five queries whatever their number).
pub async fn resources(
    data: &Data<AppState>,
    rows: &[resource::Model],
) -> AppResult<Vec<Resource>> {
    let db = &data.db.read;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let based_on: Vec<String> = rows.iter().filter_map(|r| r.based_on.clone()).collect();
    let originals = db::resources::by_ap_ids(db, &based_on).await?;
    let author_ids: Vec<i64> = rows
        .iter()
        .map(|r| r.author_id)
        .chain(originals.values().map(|o| o.author_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let actors = db::views::actors_by_ids(db, &author_ids).await?;
    let accounts = account::accounts_by_id(data, &actors).await?;
    let mut files = db::resources::attachments_of(db, &ids).await?;
    let notes: Vec<String> = rows.iter().filter_map(|r| r.note_ap_id.clone()).collect();
    let posts = db::mentorship::post_ids_by_ap_id(db, &notes).await?;
    rows.iter()
        .map(|r| {
            let account = accounts.get(&r.author_id).cloned().ok_or_else(missing)?;
            let author = actors.get(&r.author_id).ok_or_else(missing)?;
            let files = files.remove(&r.id).unwrap_or_default();
            let original = r
                .based_on
                .as_ref()
                .and_then(|b| originals.get(b))
                .and_then(|o| {
                    actors.get(&o.author_id).map(|a| BasedOn {
                        id: o.id.to_string(),
                        title: o.title.clone(),
                        url: o.url.clone().unwrap_or_else(|| o.ap_id.clone()),
                        author: a.handle(),
                        license: LicenseView::of(&o.license),
                        deleted: o.deleted_at.is_some(),
                    })
                });
            Ok(build(r, account, author, &files, &posts, original))
        })
        .collect()
}

/// One resource for the API.
pub async fn resource(data: &Data<AppState>, row: resource::Model) -> AppResult<Resource> {
    resources(data, std::slice::from_ref(&row))
        .await?
        .pop()
        .ok_or_else(missing)
}

fn build(
    r: &resource::Model,
    account: Account,
    author: &crate::db::entity::actor::Model,
    files: &[attachment::Model],
    posts: &HashMap<String, i64>,
    based_on_resource: Option<BasedOn>,
) -> Resource {
    let display = if author.display_name.is_empty() {
        author.username.clone()
    } else {
        author.display_name.clone()
    };
    Resource {
        id: r.id.to_string(),
        uri: r.ap_id.clone(),
        url: r.url.clone(),
        title: r.title.clone(),
        description: r.description.clone(),
        body: r.body_html.clone(),
        body_source: r.body_source.clone(),
        license: LicenseView::of(&r.license),
        resource_type: r.resource_type.clone(),
        subjects: codes_of(&r.subjects),
        levels: codes_of(&r.levels),
        languages: codes_of(&r.languages),
        duration: r.duration.clone(),
        prerequisites: codes_of(&r.prerequisites),
        links: serde_json::from_str(&r.links).unwrap_or_default(),
        attachments: files
            .iter()
            .map(|f| ResourceFile {
                media_id: f.media_id.map(|m| m.to_string()),
                url: f.url.clone(),
                media_type: f.media_type.clone(),
                size: f.size_bytes,
                name: f.name.clone(),
            })
            .collect(),
        attribution: Attribution {
            author: author.handle(),
            author_name: display,
            author_url: author.url.clone().or_else(|| Some(author.ap_id.clone())),
            // Another node's resource: its home page; an imported one: where it was first
            // published.
            original_url: if r.local {
                r.original_url.clone()
            } else {
                Some(r.url.clone().unwrap_or_else(|| r.ap_id.clone()))
            },
            based_on: r.based_on.clone(),
            based_on_resource,
        },
        account,
        local: r.local,
        status_id: r
            .note_ap_id
            .as_ref()
            .and_then(|n| posts.get(n))
            .map(|id| id.to_string()),
        created_at: datetime(&r.published_at),
        updated_at: datetime(&r.updated_at),
    }
}

/// `status.pln` of a resource's readable Note.
pub fn resource_ref(r: &resource::Model) -> serde_json::Value {
    serde_json::json!({"kind": "resource", "id": r.id.to_string(), "state": "published"})
}

/// The preview card of a resource's status (Mastodon's PreviewCard), linking to its page.
pub fn resource_card(r: &resource::Model, author: &Account) -> serde_json::Value {
    let url = r.url.clone().unwrap_or_else(|| r.ap_id.clone());
    let provider = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let description: String = r.description.chars().take(200).collect();
    serde_json::json!({
        "url": url,
        "title": r.title,
        "description": description,
        "language": codes_of(&r.languages).first(),
        "type": "link",
        "author_name": author.display_name,
        "author_url": author.url,
        "provider_name": provider,
        "provider_url": "",
        "html": "",
        "width": 0,
        "height": 0,
        "image": null,
        "image_description": "",
        "embed_url": "",
        "blurhash": null,
        "published_at": datetime(&r.published_at),
        "authors": [],
    })
}
