//! `/admin/settings` (admins only): the node's settings — name, description, rules, contact,
//! default language, hidden counts, character and media limits, registration mode, allowed
//! email domains and the message to applicants — through `service::settings::update` (only the
//! keys that changed are saved and audited), and the institution profile through
//! `service::institutions::update_profile`.
use super::{Flash, Level, allowed, allowed_form, finish, render};
use crate::{
    api::form::{ApiForm, de},
    error::AppResult,
    service::{
        institutions::{self, ProfilePatch},
        settings::{self, NodeSettings},
        vocabulary::INSTITUTION_KINDS,
    },
    web::page::Page,
};
use axum::{extract::Query, response::Response};
use minijinja::{Value, context, value::Serde};
use serde::Deserialize;
use serde_json::{Value as Json, json};

const BACK: &str = "/admin/settings";

/// `GET /admin/settings`.
pub async fn page(page: Page, Query(flash): Query<Flash>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Admin) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let current = settings::current(&page.data.db.read, &page.data.config).await?;
    let rules = current
        .rules
        .iter()
        .map(|r| r.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let institution = institutions::local_profile(&page.data.db.read)
        .await
        .ok()
        .map(|row| institutions::profile_of(&row));
    let kinds: Vec<Value> = INSTITUTION_KINDS
        .iter()
        .map(|k| context! { code => k.code, label => k.label(page.lang) })
        .collect();
    render(
        &page,
        &me,
        "pages/admin/settings.html",
        "settings",
        context! {
            s => Value::from(Serde(&current)),
            rules,
            email_domains => current.registrations_allowed_email_domains.join(", "),
            institution => institution.as_ref().map(|p| context! {
                name => p.name.clone(),
                kind => p.kind.clone(),
                region => p.region.clone(),
                city => p.city.clone(),
                languages => p.languages.join(", "),
                description => p.description.clone(),
            }),
            kinds,
            modes => ["open", "approval", "invite", "closed"],
            done => flash.done.is_some(),
        },
    )
}

/// The settings form.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    contact_email: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    default_language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    rules: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_counts: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    max_characters: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    max_media_attachments: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    max_image_bytes: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    registrations_mode: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    registrations_allowed_email_domains: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    registrations_message: Option<String>,
}

/// A number typed in a form: the number, or the text as it is (so the service's range check
/// names the field).
fn number(raw: &str) -> Json {
    raw.trim()
        .parse::<u64>()
        .map(Json::from)
        .unwrap_or_else(|_| Json::String(raw.to_string()))
}

/// The form's values as setting changes, keeping only those that differ from `current` (the
/// comparison is on the validated value, so "a.ma, b.ma" and the stored list compare equal).
fn changes(form: &SettingsForm, current: &NodeSettings) -> Vec<(String, Json)> {
    let text = |v: &Option<String>| Json::String(v.clone().unwrap_or_default().trim().to_string());
    // Each rule keeps its hint when its text is unchanged.
    let rules: Vec<Json> = form
        .rules
        .as_deref()
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let hint = current
                .rules
                .iter()
                .find(|r| r.text == line)
                .map(|r| r.hint.clone())
                .unwrap_or_default();
            json!({"text": line, "hint": hint})
        })
        .collect();
    let domains: Vec<Json> = form
        .registrations_allowed_email_domains
        .as_deref()
        .unwrap_or("")
        .split([',', '\n', ' '])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| Json::String(d.to_string()))
        .collect();
    let message = match form.registrations_message.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => Json::String(m.to_string()),
        _ => Json::Null,
    };
    let wanted = [
        ("name", text(&form.name)),
        ("description", text(&form.description)),
        ("contact_email", text(&form.contact_email)),
        ("default_language", text(&form.default_language)),
        ("rules", Json::Array(rules)),
        ("hide_counts", Json::Bool(form.hide_counts.unwrap_or(false))),
        (
            "max_characters",
            number(form.max_characters.as_deref().unwrap_or("")),
        ),
        (
            "max_media_attachments",
            number(form.max_media_attachments.as_deref().unwrap_or("")),
        ),
        (
            "max_image_bytes",
            number(form.max_image_bytes.as_deref().unwrap_or("")),
        ),
        ("registrations_mode", text(&form.registrations_mode)),
        ("registrations_allowed_email_domains", Json::Array(domains)),
        ("registrations_message", message),
    ];
    let now = current.to_json();
    wanted
        .into_iter()
        .filter(|(key, value)| match settings::validate(key, value) {
            Ok(checked) => now.get(*key) != Some(&checked),
            // Invalid: kept, so the update refuses it with the service's words.
            Err(_) => true,
        })
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// `POST /admin/settings`: saves what changed (all or nothing).
pub async fn save(page: Page, form: ApiForm<SettingsForm>) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let current = settings::current(&page.data.db.read, &page.data.config).await?;
    let changes = changes(&f, &current);
    if changes.is_empty() {
        return finish(&page, Ok(()), BACK);
    }
    let result = settings::update(&page.data, Some(me.actor.id), &changes).await;
    finish(&page, result, BACK)
}

/// The institution profile form.
#[derive(Debug, Default, Deserialize)]
pub struct InstitutionForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    city: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    languages: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
}

/// `POST /admin/institution`: the institution profile (its followers get an Update).
pub async fn save_institution(page: Page, form: ApiForm<InstitutionForm>) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let patch = ProfilePatch {
        name: f.name,
        kind: Some(f.kind.unwrap_or_default()),
        region: Some(f.region.unwrap_or_default()),
        city: Some(f.city.unwrap_or_default()),
        languages: f.languages.map(|l| {
            l.split([',', ' '])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        }),
        description: f.description,
    };
    let result = institutions::update_profile(&page.data, patch).await;
    finish(&page, result, BACK)
}
