//! A circle's edit form for its moderators (`/circles/{id}/edit`): display name, description,
//! rules, who can join and the moderators (one address per line), saved through
//! `service::circles::update`, the function behind `PATCH /api/v1/pln/circles/:id`. A refused
//! change shows the form again with what was typed and the service's reason.
use super::{
    circles::{circle_path, parse_id},
    page::Page,
    timelines::see_other,
};
use crate::{
    AppState,
    api::form::{ApiForm, de},
    db,
    error::{AppError, AppResult},
    service::circles::{self, CircleChanges, CircleView},
    text,
};
use activitypub_federation::config::Data;
use axum::{extract::Path, http::StatusCode, response::Response};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// The edit form, as sent and as shown again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CircleEditForm {
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing)]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    rules: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    /// The moderators' addresses, one per line (`name`, `@name` or `name@this.node`).
    #[serde(default, deserialize_with = "de::opt_string")]
    moderators: Option<String>,
}

/// The form filled with the circle's current values.
async fn current(data: &Data<AppState>, view: &CircleView) -> AppResult<CircleEditForm> {
    let circle = view
        .circle
        .as_ref()
        .ok_or_else(|| AppError::not_found("circle not found"))?;
    let mut moderators = Vec::new();
    for id in circle.moderator_ids() {
        if let Ok(a) = db::actors::get_by_id(&data.db.read, id).await {
            moderators.push(a.username);
        }
    }
    Ok(CircleEditForm {
        csrf: None,
        display_name: Some(view.actor.display_name.clone()),
        description: Some(text::html_to_plain_text(&view.actor.summary)),
        rules: Some(circle.rules.clone()),
        visibility: Some(circle.visibility.clone()),
        moderators: Some(moderators.join("\n")),
    })
}

/// The local account ids of the addresses typed one per line; an address that is not a local
/// account is refused by name (the service then checks each is a member).
async fn moderator_ids(data: &Data<AppState>, typed: &str) -> AppResult<Vec<i64>> {
    let domain = &data.config.instance.domain;
    let mut ids = Vec::new();
    for line in typed.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let address = line.trim_start_matches('@');
        let name = match address.split_once('@') {
            None => address,
            Some((name, host)) if host.eq_ignore_ascii_case(domain) => name,
            Some(_) => {
                return Err(AppError::Invalid(format!(
                    "moderators: {line} is not an account of this server"
                )));
            }
        };
        let actor = db::actors::find_local(&data.db.read, name)
            .await?
            .filter(|a| a.deleted_at.is_none())
            .ok_or_else(|| AppError::Invalid(format!("moderators: no account {line}")))?;
        ids.push(actor.id);
    }
    Ok(ids)
}

fn render_form(
    page: &Page,
    status: StatusCode,
    id: i64,
    handle: &str,
    form: &CircleEditForm,
    error: Option<String>,
) -> AppResult<Response> {
    page.render_status(
        status,
        "pages/circle_edit.html",
        context! {
            error, handle,
            id => id.to_string(),
            form => Value::from(Serde(form)),
        },
    )
}

/// The circle, when the signed-in user moderates it (the service's 403 otherwise).
async fn moderated(page: &Page, id: i64) -> AppResult<CircleView> {
    let me = page
        .me
        .as_ref()
        .ok_or_else(|| AppError::Unauthorized("log in first".into()))?;
    circles::moderated_by(&page.data, id, &me.actor).await?;
    circles::get(&page.data, id).await
}

/// `GET /circles/{id}/edit` (moderators).
pub async fn edit_form(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    if let Err(to_login) = page.me() {
        return Ok(to_login);
    }
    let id = parse_id(&id)?;
    let view = moderated(&page, id).await?;
    let form = current(&page.data, &view).await?;
    render_form(&page, StatusCode::OK, id, &view.actor.handle(), &form, None)
}

/// `POST /circles/{id}/edit` (moderators): saves the changes and goes back to the circle's
/// page with a notice; the form again with the reason when refused.
pub async fn save(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<CircleEditForm>,
) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    let view = moderated(&page, id).await?;
    let before = current(&page.data, &view).await?;
    let moderators = match moderator_ids(&page.data, form.moderators.as_deref().unwrap_or("")).await
    {
        Ok(ids) => ids,
        Err(e) => {
            let handle = view.actor.handle();
            return render_form(&page, e.status(), id, &handle, &form, Some(e.to_string()));
        }
    };
    // The description is stored rendered: it is only re-rendered when its text changed.
    let description = form
        .description
        .clone()
        .unwrap_or_default()
        .replace("\r\n", "\n");
    let changes = CircleChanges {
        display_name: Some(form.display_name.clone().unwrap_or_default()),
        description: (Some(description.trim()) != before.description.as_deref().map(str::trim))
            .then_some(description),
        rules: Some(form.rules.clone().unwrap_or_default().replace("\r\n", "\n")),
        moderators: Some(moderators),
        visibility: form.visibility.clone().filter(|v| !v.is_empty()),
    };
    match circles::update(&page.data, &me.actor, id, changes).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?saved=1",
            circle_path(&page, id).await?
        ))),
        Err(e) if e.status().is_client_error() => {
            let handle = view.actor.handle();
            render_form(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                &handle,
                &form,
                Some(e.to_string()),
            )
        }
        Err(e) => Err(e),
    }
}
