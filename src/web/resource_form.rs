//! The resource form: publish (`/resources/new`), edit (`/resources/{id}/edit`) and delete
//! with confirmation (`/resources/{id}/delete`) through `service::resources`, as the PLN API
//! does: title, description, markdown body, files (multipart, see [`super::resource_upload`]),
//! links, licence (the author's default preselected), subjects, levels, languages, resource
//! type, duration and prerequisites. A refused form is shown again with everything typed, the
//! files already uploaded kept, and a translated message naming the field.
use super::{
    page::{Me, Page},
    pln::{self, CsrfForm, FormError},
    resource_upload,
    timelines::see_other,
};
use crate::{
    api::form::{ApiForm, de},
    db::{self, entity::resource, mentorship::codes_of},
    error::{AppError, AppResult},
    service::{
        resources::{self, ResourceChanges, ResourceInput, ResourceLink},
        vocabulary,
    },
};
use axum::{
    extract::{Multipart, Path},
    http::StatusCode,
    response::Response,
};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// The resource form, as sent and as shown.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ResourceForm {
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
    #[serde(default, deserialize_with = "de::vec_string")]
    subjects: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    levels: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    languages: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    duration: Option<String>,
    /// One per line.
    #[serde(default, deserialize_with = "de::opt_string")]
    prerequisites: Option<String>,
    /// One per line: the URL, then optionally its title.
    #[serde(default, deserialize_with = "de::opt_string")]
    links: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    based_on: Option<String>,
    /// Uploads kept (already attached, or uploaded with a refused attempt).
    #[serde(default, deserialize_with = "de::vec_string")]
    media_ids: Vec<String>,
}

fn lines(text: &Option<String>) -> Vec<String> {
    text.as_deref()
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl ResourceForm {
    /// The form filled with a resource's values and files.
    fn of(r: &resource::Model, media_ids: Vec<i64>) -> ResourceForm {
        let links: Vec<ResourceLink> = serde_json::from_str(&r.links).unwrap_or_default();
        ResourceForm {
            title: Some(r.title.clone()),
            description: Some(r.description.clone()),
            body: Some(r.body_source.clone()),
            license: Some(r.license.clone()),
            resource_type: Some(r.resource_type.clone()),
            subjects: codes_of(&r.subjects),
            levels: codes_of(&r.levels),
            languages: codes_of(&r.languages),
            duration: r.duration.clone(),
            prerequisites: Some(codes_of(&r.prerequisites).join("\n")),
            links: Some(
                links
                    .iter()
                    .map(|l| format!("{} {}", l.url, l.title).trim().to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            based_on: r.based_on.clone(),
            media_ids: media_ids.iter().map(i64::to_string).collect(),
        }
    }

    fn links(&self) -> Vec<ResourceLink> {
        lines(&self.links)
            .into_iter()
            .map(|l| match l.split_once(char::is_whitespace) {
                Some((url, title)) => ResourceLink {
                    url: url.to_string(),
                    title: title.trim().to_string(),
                },
                None => ResourceLink {
                    url: l,
                    title: String::new(),
                },
            })
            .collect()
    }

    fn media_ids(&self) -> AppResult<Vec<i64>> {
        self.media_ids
            .iter()
            .map(|m| {
                m.trim()
                    .parse()
                    .map_err(|_| AppError::Invalid("attachments: unknown file".into()))
            })
            .collect()
    }

    fn input(&self) -> AppResult<ResourceInput> {
        Ok(ResourceInput {
            title: self.title.clone().unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            body: self.body.clone().unwrap_or_default(),
            license: self.license.clone().filter(|l| !l.trim().is_empty()),
            resource_type: self.resource_type.clone().unwrap_or_default(),
            subjects: self.subjects.clone(),
            levels: self.levels.clone(),
            languages: self.languages.clone(),
            duration: self.duration.clone().filter(|d| !d.trim().is_empty()),
            prerequisites: lines(&self.prerequisites),
            links: self.links(),
            media_ids: self.media_ids()?,
            based_on: self.based_on.clone().filter(|b| !b.trim().is_empty()),
        })
    }

    fn changes(&self) -> AppResult<ResourceChanges> {
        let i = self.input()?;
        Ok(ResourceChanges {
            title: Some(i.title),
            description: Some(i.description),
            body: Some(i.body),
            license: i.license,
            resource_type: Some(i.resource_type),
            subjects: Some(i.subjects),
            levels: Some(i.levels),
            languages: Some(i.languages),
            // Emptied, they are cleared.
            duration: Some(self.duration.clone().unwrap_or_default()),
            prerequisites: Some(i.prerequisites),
            links: Some(i.links),
            media_ids: Some(i.media_ids),
            based_on: Some(self.based_on.clone().unwrap_or_default()),
        })
    }
}

/// The files a form keeps: the signed-in user's own uploads among `ids`, with their names.
async fn kept_files(page: &Page, me: &Me, ids: &[String]) -> AppResult<Vec<Value>> {
    let mut files = Vec::new();
    for id in ids.iter().filter_map(|i| i.trim().parse::<i64>().ok()) {
        let Ok(m) = db::media::get(&page.data.db.read, id).await else {
            continue;
        };
        if m.actor_id != me.actor.id {
            continue;
        }
        files.push(context! {
            id => m.id.to_string(),
            name => m.description.clone().or(m.file_name.clone()).unwrap_or_default(),
            media_type => m.content_type.clone().unwrap_or_default(),
        });
    }
    Ok(files)
}

async fn render(
    page: &Page,
    me: &Me,
    status: StatusCode,
    form: &ResourceForm,
    editing: Option<&resource::Model>,
    error: Option<FormError>,
) -> AppResult<Response> {
    let lang = page.lang;
    let action = match editing {
        Some(r) => format!("/resources/{}/edit", r.id),
        None => "/resources/new".to_string(),
    };
    let files = kept_files(page, me, &form.media_ids).await?;
    page.render_status(
        status,
        "pages/resource_form.html",
        context! {
            action, files,
            editing => editing.map(|r| context! { id => r.id.to_string(), title => r.title.clone() }),
            form => Value::from(Serde(form)),
            error => error.as_ref().map(FormError::value),
            licenses => pln::license_choices(),
            resource_types => pln::choices(vocabulary::RESOURCE_TYPES, lang),
            subjects => pln::choices(vocabulary::SUBJECTS, lang),
            levels => pln::choices(vocabulary::LEVELS, lang),
            languages_taught => pln::language_choices(lang),
            max_body => resources::MAX_BODY,
        },
    )
}

/// `GET /resources/new`: an empty form in the author's facets and default licence.
pub async fn new_resource(page: Page) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let facets = crate::service::profiles::facets_of(&me.actor);
    let license = resources::default_license(&page.data, &me.actor).await?;
    let form = ResourceForm {
        license: license.map(str::to_string),
        subjects: facets.subjects,
        levels: facets.levels,
        languages: facets.languages,
        ..ResourceForm::default()
    };
    render(&page, &me, StatusCode::OK, &form, None, None).await
}

/// Reads the multipart form: the form with every upload kept, and the refusal of a file.
async fn read_form(
    page: &Page,
    me: &Me,
    multipart: Multipart,
) -> Result<(ResourceForm, Option<AppError>), AppResult<Response>> {
    let sent = resource_upload::read(page, me.actor.id, multipart).await?;
    let mut form: ResourceForm = serde_json::from_value(sent.params)
        .map_err(|e| Err(AppError::Invalid(format!("unreadable form: {e}"))))?;
    form.media_ids
        .extend(sent.uploaded.iter().map(|m| m.id.to_string()));
    Ok((form, sent.file_error))
}

/// `POST /resources/new` (multipart): publishes and shows the resource's page.
pub async fn create_resource(page: Page, multipart: Multipart) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let (form, file_error) = match read_form(&page, &me, multipart).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    let result = match (file_error, form.input()) {
        (Some(e), _) | (None, Err(e)) => Err(e),
        (None, Ok(input)) => resources::publish(&page.data, &me.actor, input).await,
    };
    match result {
        Ok(r) => Ok(see_other(&format!("/resources/{}", r.id))),
        Err(e) if pln::is_refusal(&e) => {
            let error = FormError::of(&e, page.lang);
            render(
                &page,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                None,
                Some(error),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The signed-in author's own live local resource `id` (403 for someone else's, 410 once
/// deleted, as the service answers).
async fn own_resource(page: &Page, me: &Me, id: &str) -> AppResult<resource::Model> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("resource not found"))?;
    let r = db::resources::get(&page.data.db.read, id).await?;
    if r.author_id != me.actor.id || !r.local {
        return Err(AppError::Forbidden(
            "only its author can change this resource".into(),
        ));
    }
    if r.deleted_at.is_some() {
        return Err(AppError::Gone("this resource was deleted".into()));
    }
    Ok(r)
}

/// `GET /resources/{id}/edit`.
pub async fn edit_resource(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let r = own_resource(&page, &me, &id).await?;
    let media: Vec<i64> = db::resources::attachments_of(&page.data.db.read, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.media_id)
        .collect();
    let form = ResourceForm::of(&r, media);
    render(&page, &me, StatusCode::OK, &form, Some(&r), None).await
}

/// `POST /resources/{id}/edit` (multipart).
pub async fn update_resource(
    page: Page,
    Path(id): Path<String>,
    multipart: Multipart,
) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let (form, file_error) = match read_form(&page, &me, multipart).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    let r = own_resource(&page, &me, &id).await?;
    let result = match (file_error, form.changes()) {
        (Some(e), _) | (None, Err(e)) => Err(e),
        (None, Ok(changes)) => resources::edit(&page.data, &me.actor, r.id, changes).await,
    };
    match result {
        Ok(r) => Ok(see_other(&format!("/resources/{}", r.id))),
        Err(e) if pln::is_refusal(&e) => {
            let error = FormError::of(&e, page.lang);
            render(
                &page,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(&r),
                Some(error),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `GET /resources/{id}/delete`: asks before deleting.
pub async fn confirm_delete(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let r = own_resource(&page, &me, &id).await?;
    page.render(
        "pages/resource_delete.html",
        context! { id => r.id.to_string(), title => r.title.clone() },
    )
}

/// `POST /resources/{id}/delete`: deletes it (and its status) everywhere, then the profile.
pub async fn delete_resource(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<CsrfForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let r = own_resource(&page, &me, &id).await?;
    resources::delete(&page.data, &me.actor, r.id).await?;
    Ok(see_other(&format!("/@{}", me.actor.username)))
}
