//! PLN API: teaching resources. `POST/GET/PATCH/DELETE /api/v1/pln/resources[/:id]` and the
//! filtered list across the federation (paged with `max_id`/`since_id`/`min_id`/`limit` and Link
//! headers); the JSON shapes are in [`entities`]. Bodies are JSON, form with brackets or
//! multipart; invalid values answer 422 naming the field and the allowed values.
pub mod entities;

use crate::{
    AppState,
    api::pln::params::{DEFAULT_LIMIT, MAX_LIMIT, non_empty, opt_ids, opt_list},
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::{self, resources::ResourceFilter},
    error::{AppError, AppResult},
    service::resources::{self, ResourceChanges, ResourceInput, ResourceLink},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::get,
};
use entities::Resource;
use serde::{Deserialize, Deserializer};

/// The resource routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/pln/resources",
            get(list_resources).post(create_resource),
        )
        .route(
            "/api/v1/pln/resources/{id}",
            get(show_resource)
                .patch(update_resource)
                .put(update_resource)
                .delete(delete_resource),
        )
        .route(
            "/api/v1/pln/resources/{id}/remix",
            axum::routing::post(remix_resource),
        )
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    level: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    license: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    resource_type: Option<String>,
    /// An account id.
    #[serde(default, deserialize_with = "de::opt_string")]
    author: Option<String>,
    /// `true`: only this node's; `false`: only other nodes'.
    #[serde(default, deserialize_with = "de::opt_bool")]
    local: Option<bool>,
    #[serde(flatten)]
    page: PageParams,
}

/// `GET /api/v1/pln/resources`: local and remote resources this node knows.
async fn list_resources(
    data: Data<AppState>,
    _auth: MaybeAuth,
    uri: OriginalUri,
    ApiQuery(p): ApiQuery<ListParams>,
) -> AppResult<Response> {
    let filter = ResourceFilter {
        subject: non_empty(p.subject),
        level: non_empty(p.level),
        language: non_empty(p.language),
        license: non_empty(p.license),
        resource_type: non_empty(p.resource_type),
        author_id: non_empty(p.author).map(|a| parse_id(&a)).transpose()?,
        local: p.local,
    };
    let rows = resources::list(&data, filter, p.page.cursor(DEFAULT_LIMIT, MAX_LIMIT)).await?;
    let range = id_range(&rows, |r| r.id);
    let list = entities::resources(&data, &rows).await?;
    paged(data.urls.base(), &uri.0, list, range)
}

/// `GET /api/v1/pln/resources/:id` (410 once deleted).
async fn show_resource(
    data: Data<AppState>,
    _auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Resource>> {
    let row = db::resources::get(&data.db.read, parse_id(&id)?).await?;
    if row.deleted_at.is_some() {
        return Err(AppError::Gone("this resource was deleted".into()));
    }
    Ok(Json(entities::resource(&data, row).await?))
}

/// A link as `{url, title}` or a bare URL string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum LinkParam {
    Url(String),
    Link(ResourceLink),
}

fn opt_links<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<ResourceLink>>, D::Error> {
    let links: Vec<LinkParam> = de::vec_of(d)?;
    Ok(Some(
        links
            .into_iter()
            .map(|l| match l {
                LinkParam::Url(url) => ResourceLink {
                    url,
                    title: String::new(),
                },
                LinkParam::Link(link) => link,
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ResourceParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    /// Markdown.
    #[serde(default, deserialize_with = "de::opt_string")]
    body: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    license: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    resource_type: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    subjects: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    levels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_list")]
    languages: Option<Vec<String>>,
    /// Minutes, an ISO 8601 duration or a short text.
    #[serde(default, deserialize_with = "de::opt_string")]
    duration: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    prerequisites: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_links")]
    links: Option<Vec<ResourceLink>>,
    /// Upload ids from `POST /api/v2/media`.
    #[serde(default, deserialize_with = "opt_ids")]
    media_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    based_on: Option<String>,
}

/// `POST /api/v1/pln/resources`: publish a resource (and its public status).
async fn create_resource(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<ResourceParams>,
) -> AppResult<Json<Resource>> {
    auth.require("write")?;
    let p = form.params;
    let input = ResourceInput {
        title: p.title.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        body: p.body.unwrap_or_default(),
        license: p.license,
        resource_type: p.resource_type.unwrap_or_default(),
        subjects: p.subjects.unwrap_or_default(),
        levels: p.levels.unwrap_or_default(),
        languages: p.languages.unwrap_or_default(),
        duration: p.duration,
        prerequisites: p.prerequisites.unwrap_or_default(),
        links: p.links.unwrap_or_default(),
        media_ids: p.media_ids.unwrap_or_default(),
        based_on: p.based_on,
    };
    let row = resources::publish(&data, &auth.actor, input).await?;
    Ok(Json(entities::resource(&data, row).await?))
}

/// `PATCH /api/v1/pln/resources/:id` (author only): what is absent is kept.
async fn update_resource(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ResourceParams>,
) -> AppResult<Json<Resource>> {
    auth.require("write")?;
    let changes = form.params.into_changes();
    let row = resources::edit(&data, &auth.actor, parse_id(&id)?, changes).await?;
    Ok(Json(entities::resource(&data, row).await?))
}

impl ResourceParams {
    fn into_changes(self) -> ResourceChanges {
        ResourceChanges {
            title: self.title,
            description: self.description,
            body: self.body,
            license: self.license,
            resource_type: self.resource_type,
            subjects: self.subjects,
            levels: self.levels,
            languages: self.languages,
            duration: self.duration,
            prerequisites: self.prerequisites,
            links: self.links,
            media_ids: self.media_ids,
            based_on: self.based_on,
        }
    }
}

/// `POST /api/v1/pln/resources/:id/remix`: publish my own copy of a resource this node knows
/// (local or remote), attributed to it; the body's fields replace the original's (what is
/// absent is copied). A NoDerivatives licence is a 422; ShareAlike forces its licence.
async fn remix_resource(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ResourceParams>,
) -> AppResult<Json<Resource>> {
    auth.require("write")?;
    let changes = form.params.into_changes();
    let row = resources::remix::remix(&data, &auth.actor, parse_id(&id)?, changes).await?;
    Ok(Json(entities::resource(&data, row).await?))
}

/// `DELETE /api/v1/pln/resources/:id` (author only): answers the resource as it was.
async fn delete_resource(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Resource>> {
    auth.require("write")?;
    let id = parse_id(&id)?;
    let before = db::resources::get(&data.db.read, id).await?;
    resources::delete(&data, &auth.actor, id).await?;
    Ok(Json(entities::resource(&data, before).await?))
}
