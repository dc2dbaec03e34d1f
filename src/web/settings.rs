//! The settings page: display name, bio, PLN facets (stage, subjects, levels, teaching
//! languages, region, mentoring flags) through `service::accounts::update_profile`, and the
//! interface language through `service::web_sessions::set_locale`. A refused change shows the
//! form again with what was typed.
use super::page::{Me, Page};
use crate::{
    api::form::{ApiForm, de},
    error::AppResult,
    service::{
        accounts::{self, ProfileUpdate},
        profiles::{Facets, facets_of},
        vocabulary::{self, LEVELS, STAGES, SUBJECTS},
        web_sessions,
    },
};
use axum::{extract::Query, http::StatusCode, response::Response};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// The settings form, as sent and as shown.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SettingsForm {
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing)]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    stage: Option<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    subjects: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    levels: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    languages: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    open_to_mentor: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    seeking_mentor: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    locale: Option<String>,
}

impl SettingsForm {
    /// The form filled with the account's current values.
    fn current(me: &Me) -> SettingsForm {
        let f = facets_of(&me.actor);
        SettingsForm {
            csrf: None,
            display_name: Some(me.actor.display_name.clone()),
            note: Some(me.user.note_source.clone().unwrap_or_default()),
            stage: f.stage,
            subjects: f.subjects,
            levels: f.levels,
            languages: Some(f.languages.join(", ")),
            region: f.region,
            open_to_mentor: Some(f.open_to_mentor),
            seeking_mentor: Some(f.seeking_mentor),
            locale: me.user.locale.clone(),
        }
    }

    fn facets(&self) -> Facets {
        Facets {
            stage: self.stage.clone().filter(|s| !s.is_empty()),
            subjects: self.subjects.clone(),
            levels: self.levels.clone(),
            languages: self
                .languages
                .as_deref()
                .unwrap_or("")
                .split([',', ' '])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            region: self.region.clone().filter(|r| !r.trim().is_empty()),
            open_to_mentor: self.open_to_mentor.unwrap_or(false),
            seeking_mentor: self.seeking_mentor.unwrap_or(false),
        }
    }
}

/// The choices of a vocabulary list with labels in `lang`.
pub(super) fn choices(list: &'static [vocabulary::Term], lang: &str) -> Vec<Value> {
    list.iter()
        .map(|t| context! { code => t.code, label => t.label(lang) })
        .collect()
}

fn render(
    page: &Page,
    status: StatusCode,
    form: &SettingsForm,
    saved: bool,
    error: Option<String>,
) -> AppResult<Response> {
    page.render_status(
        status,
        "pages/settings.html",
        context! {
            saved, error,
            form => Value::from(Serde(form)),
            stages => choices(STAGES, page.lang),
            subjects => choices(SUBJECTS, page.lang),
            levels => choices(LEVELS, page.lang),
        },
    )
}

/// `?saved=1` after a successful change.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /settings`.
pub async fn settings_page(page: Page, Query(q): Query<Saved>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    render(
        &page,
        StatusCode::OK,
        &SettingsForm::current(&me),
        q.saved.is_some(),
        None,
    )
}

/// `POST /settings`.
pub async fn save(page: Page, form: ApiForm<SettingsForm>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let form = form.params;
    if let Err(refused) = page.check_csrf(form.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let update = ProfileUpdate {
        display_name: Some(form.display_name.clone().unwrap_or_default()),
        note: Some(form.note.clone().unwrap_or_default()),
        facets: Some(form.facets()),
        ..ProfileUpdate::default()
    };
    let locale = form.locale.clone().unwrap_or_default();
    let result = match accounts::update_profile(&page.data, &me.user, &me.actor, update).await {
        Ok((user, _)) => web_sessions::set_locale(&page.data, &user, &locale).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(super::timelines::see_other("/settings?saved=1")),
        Err(e) if e.status().is_client_error() => render(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            false,
            Some(e.to_string()),
        ),
        Err(e) => Err(e),
    }
}
