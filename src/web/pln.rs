//! What the PLN pages (search, mentorship, resource forms) share: vocabulary choices with
//! labels in the page language, one-line cards for offers, resources, collections and circles,
//! the teaching languages a form offers, and turning a service's refusal (English, naming the
//! field) into a translated message that names the field.
use super::{
    i18n::{tr, tr_args},
    page::display_name,
};
use crate::api::form::de;
use crate::{
    db::{
        entity::{actor, collection, mentorship_offer as offer, resource},
        mentorship::codes_of,
    },
    error::AppError,
    service::{collections, mentorship::notes as offer_notes, resources, vocabulary},
    text,
};
use fluent_templates::fluent_bundle::FluentValue;
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::HashMap;

/// Items per page of the PLN lists.
pub const PAGE_SIZE: u64 = 20;

/// The teaching languages forms offer (BCP 47): Arabic, French, English, Standard Moroccan
/// Amazigh, Spanish. A resource or offer received from elsewhere may carry others.
pub const TEACHING_LANGUAGES: [&str; 5] = ["ar", "fr", "en", "zgh", "es"];

/// The choices of a vocabulary list with labels in `lang`.
pub fn choices(list: &'static [vocabulary::Term], lang: &str) -> Vec<Value> {
    list.iter()
        .map(|t| context! { code => t.code, label => t.label(lang) })
        .collect()
}

/// The teaching languages as choices, labelled in `lang`.
pub fn language_choices(lang: &str) -> Vec<Value> {
    TEACHING_LANGUAGES
        .iter()
        .map(|code| context! { code => *code, label => tr(lang, &format!("pln-lang-{code}")) })
        .collect()
}

/// The licences as choices (their names are proper names, the same in every language).
pub fn license_choices() -> Vec<Value> {
    resources::licenses::LICENSES
        .iter()
        .map(|l| context! { code => l.id, label => l.name })
        .collect()
}

/// The people a card names, by id.
pub type People = HashMap<i64, actor::Model>;

fn person(people: &People, id: i64) -> (String, String) {
    people
        .get(&id)
        .map(|a| (display_name(a), a.handle()))
        .unwrap_or_default()
}

/// An offer as a card; its page here is `/mentorship/offers/{id}` whether local or remote.
pub fn offer_card(o: &offer::Model, people: &People, lang: &str) -> Value {
    let (name, handle) = person(people, o.author_id);
    let excerpt: String = o.description.chars().take(200).collect();
    context! {
        id => o.id.to_string(),
        title => o.title.clone(),
        url => format!("/mentorship/offers/{}", o.id),
        meta => offer_notes::facets_line(o, lang),
        excerpt,
        state => o.state.clone(),
        author => name,
        handle,
        local => o.local,
    }
}

/// A resource as a card; a local one links to its page here, a remote one to its home.
pub fn resource_card(r: &resource::Model, people: &People, lang: &str) -> Value {
    let (name, handle) = person(people, r.author_id);
    let excerpt: String = r.description.chars().take(200).collect();
    context! {
        id => r.id.to_string(),
        title => r.title.clone(),
        url => r.url.clone().unwrap_or_else(|| r.ap_id.clone()),
        meta => resources::notes::facets_line(r, lang),
        license => r.license.clone(),
        excerpt,
        author => name,
        handle,
    }
}

/// A collection as a card.
pub fn collection_card(c: &collection::Model, people: &People, lang: &str) -> Value {
    let (name, handle) = person(people, c.owner_id);
    let excerpt: String = c.description.chars().take(200).collect();
    context! {
        title => c.title.clone(),
        url => c.url.clone().unwrap_or_else(|| c.ap_id.clone()),
        meta => collections::notes::facets_line(c, lang),
        excerpt,
        author => name,
        handle,
    }
}

/// A circle (a group actor) as a card: its profile page here.
pub fn circle_card(a: &actor::Model) -> Value {
    let summary = text::html_to_plain_text(&a.summary);
    context! {
        title => display_name(a),
        url => format!("/@{}", a.handle()),
        handle => a.handle(),
        excerpt => summary.chars().take(200).collect::<String>(),
    }
}

/// Labels in `lang` of the codes stored in a JSON column.
pub fn labels_of(list: &'static [vocabulary::Term], raw: &str, lang: &str) -> Vec<String> {
    codes_of(raw)
        .iter()
        .map(|c| vocabulary::find(list, c).map_or(c.clone(), |t| t.label(lang).to_string()))
        .collect()
}

/// The fields forms have, in the order a service checks them; a refusal names one of them.
pub(crate) const FIELDS: [&str; 22] = [
    "title",
    "description",
    "body",
    "license",
    "resource_type",
    "subjects",
    "levels",
    "languages",
    "duration",
    "prerequisites",
    "links",
    "based_on",
    "attachments",
    "format",
    "region",
    "capacity",
    "starts_at",
    "ends_at",
    "message",
    "goals",
    "notes",
    "date",
];

/// The form field a service's refusal is about, if it names one (`"title can't be blank"`,
/// `"subjects: …"`).
pub fn field_of(message: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    FIELDS.iter().copied().find(|f| {
        lower.starts_with(&format!("{f}:"))
            || lower.starts_with(&format!("{f} "))
            || lower.starts_with(&format!("{f},"))
    })
}

/// A refusal shown on a form: the field it is about and a translated sentence naming it (the
/// service's own words follow as detail).
pub struct FormError {
    pub field: Option<&'static str>,
    pub message: String,
    pub detail: String,
}

impl FormError {
    /// The translated form of `err` in `lang`.
    pub fn of(err: &AppError, lang: &str) -> FormError {
        let detail = err.to_string();
        let field = field_of(&detail);
        let message = match field {
            Some(f) => {
                let label = tr(lang, &format!("pln-field-{}", f.replace('_', "-")));
                tr_args(
                    lang,
                    "pln-error-field",
                    &[("field", FluentValue::from(label))],
                )
            }
            None => tr(lang, "pln-error-form"),
        };
        FormError {
            field,
            message,
            detail,
        }
    }

    /// For a template.
    pub fn value(&self) -> Value {
        context! { field => self.field, message => self.message.clone(), detail => self.detail.clone() }
    }
}

/// A form with only the CSRF token (buttons: accept, close, withdraw, delete…).
#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub csrf: Option<String>,
    /// Where to go back to afterwards (a path of ours).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub back: Option<String>,
}

/// `back` if it is a path of this node's mentorship pages, else `fallback` (no open redirect).
pub fn back_to(back: Option<&str>, fallback: &str) -> String {
    match back {
        Some(b)
            if b.starts_with("/mentorship")
                && !b.contains("//")
                && !b.contains('\\')
                && b.chars().all(|c| c.is_ascii_graphic()) =>
        {
            b.to_string()
        }
        _ => fallback.to_string(),
    }
}

/// Whether a service error is the user's to fix (shown on the form) rather than the node's.
pub fn is_refusal(err: &AppError) -> bool {
    err.status().is_client_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_their_field() {
        assert_eq!(field_of("title can't be blank"), Some("title"));
        assert_eq!(
            field_of("subjects: at least one is required; allowed: x"),
            Some("subjects")
        );
        assert_eq!(
            field_of("resource_type can't be blank; allowed: x"),
            Some("resource_type")
        );
        assert_eq!(field_of("this offer is closed"), None);
        let e = FormError::of(&AppError::Invalid("title can't be blank".into()), "fr");
        assert_eq!(e.field, Some("title"));
        assert!(e.message.contains("Titre"), "{}", e.message);
        let e = FormError::of(&AppError::Conflict("this offer is full".into()), "ar");
        assert_eq!(e.field, None);
        assert_ne!(e.message, "pln-error-form");
    }

    #[test]
    fn going_back_stays_on_our_mentorship_pages() {
        assert_eq!(
            back_to(Some("/mentorship/requests"), "/x"),
            "/mentorship/requests"
        );
        assert_eq!(back_to(Some("https://evil.example/"), "/x"), "/x");
        assert_eq!(back_to(Some("/mentorship//evil.example"), "/x"), "/x");
        assert_eq!(back_to(Some("/settings"), "/x"), "/x");
        assert_eq!(back_to(None, "/x"), "/x");
    }
}
