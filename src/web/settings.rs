//! The settings page: display name, bio, PLN facets (stage, subjects, levels, teaching
//! languages, region, mentoring flags) through `service::accounts::update_profile`, and the
//! interface language through `service::web_sessions::set_locale`; posting defaults and privacy
//! (locked, discoverable) through the same `update_profile`; the default licence of resources
//! through `service::resources::set_default_license`; the CSV export through `service::exports`;
//! hiding counts (one's own from others, and everyone's from oneself) through `update_profile`.
//! A refused change shows the form again with what was typed.
use super::page::{Me, Page};
use crate::{
    api::form::{ApiForm, de},
    error::AppResult,
    service::{
        accounts::{self, ProfileUpdate},
        exports,
        profiles::{Facets, facets_of},
        resources,
        vocabulary::{self, LEVELS, STAGES, SUBJECTS},
        web_sessions,
    },
};
use axum::{
    extract::{Path, Query},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
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
    /// Default licence of new resources (an id from the licence list; empty: none).
    #[serde(default, deserialize_with = "de::opt_string")]
    default_license: Option<String>,
    /// Posting defaults: visibility, media marked sensitive, post language.
    #[serde(default, deserialize_with = "de::opt_string")]
    privacy: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    post_language: Option<String>,
    /// Privacy: approve followers by hand, appear in the directory and search.
    #[serde(default, deserialize_with = "de::opt_bool")]
    locked: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    discoverable: Option<bool>,
    /// Counts: hide my followers, following and counts from others (Mastodon's
    /// `hide_collections`); show me no counts at all on the web.
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_collections: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_counts: Option<bool>,
}

impl SettingsForm {
    /// The form filled with the account's current values.
    fn current(me: &Me, default_license: Option<&str>) -> SettingsForm {
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
            default_license: default_license.map(str::to_string),
            privacy: Some(me.user.default_visibility.clone()),
            sensitive: Some(me.user.default_sensitive),
            post_language: me.user.default_language.clone(),
            locked: Some(me.actor.manually_approves_followers),
            discoverable: Some(me.actor.discoverable),
            hide_collections: Some(me.actor.hide_collections),
            hide_counts: Some(me.user.hide_counts),
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

async fn render(
    page: &Page,
    status: StatusCode,
    form: &SettingsForm,
    saved: bool,
    error: Option<String>,
) -> AppResult<Response> {
    let node_hides_counts =
        crate::service::settings::current(&page.data.db.read, &page.data.config)
            .await?
            .hide_counts;
    page.render_status(
        status,
        "pages/settings.html",
        context! {
            saved, error, node_hides_counts,
            form => Value::from(Serde(form)),
            stages => choices(STAGES, page.lang),
            subjects => choices(SUBJECTS, page.lang),
            levels => choices(LEVELS, page.lang),
            licenses => super::pln::license_choices(),
            visibilities => ["public", "unlisted", "private"],
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
    let license = resources::default_license(&page.data, &me.actor).await?;
    render(
        &page,
        StatusCode::OK,
        &SettingsForm::current(&me, license),
        q.saved.is_some(),
        None,
    )
    .await
}

/// Checks the licence first (nothing is saved when it is unknown), then the profile, the
/// default licence and the interface language, each through its service.
async fn save_all(
    page: &Page,
    me: &Me,
    update: ProfileUpdate,
    license: &str,
    locale: &str,
) -> AppResult<()> {
    if !license.trim().is_empty() {
        resources::licenses::check(license.trim())?;
    }
    let (user, actor) = accounts::update_profile(&page.data, &me.user, &me.actor, update).await?;
    resources::set_default_license(&page.data, &actor, license).await?;
    web_sessions::set_locale(&page.data, &user, locale).await
}

/// `GET /settings/export/{file}`: one of the account's CSV files, as a download.
pub async fn export(page: Page, Path(file): Path<String>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let body = exports::csv(&page.data, &me.actor, &file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// `POST /settings`.
pub async fn save(page: Page, form: ApiForm<SettingsForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let update = ProfileUpdate {
        display_name: Some(form.display_name.clone().unwrap_or_default()),
        note: Some(form.note.clone().unwrap_or_default()),
        facets: Some(form.facets()),
        privacy: Some(form.privacy.clone().unwrap_or_else(|| "public".into())),
        sensitive: Some(form.sensitive.unwrap_or(false)),
        language: Some(form.post_language.clone().unwrap_or_default()),
        locked: Some(form.locked.unwrap_or(false)),
        discoverable: Some(form.discoverable.unwrap_or(false)),
        hide_collections: Some(form.hide_collections.unwrap_or(false)),
        hide_counts: Some(form.hide_counts.unwrap_or(false)),
        ..ProfileUpdate::default()
    };
    let locale = form.locale.clone().unwrap_or_default();
    let license = form.default_license.clone().unwrap_or_default();
    let result = save_all(&page, &me, update, &license, &locale).await;
    match result {
        Ok(()) => Ok(super::timelines::see_other("/settings?saved=1")),
        Err(e) if e.status().is_client_error() => {
            render(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                false,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
