//! `GET /api/v1/pln/vocabulary` (no auth): the PLN's controlled vocabulary — stages, subjects,
//! levels, mentorship formats, institution kinds, resource types, licences and the facet field
//! names — each code with its label in the request's language and in all three, so apps and
//! the web frontend can build pickers. Also [`request_lang`], the language choice the PLN API
//! shares.
use crate::{
    AppState,
    api::form::{ApiQuery, de},
    service::{
        profiles,
        resources::licenses::LICENSES,
        vocabulary::{FORMATS, INSTITUTION_KINDS, LEVELS, RESOURCE_TYPES, STAGES, SUBJECTS, Term},
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    http::{HeaderMap, header},
    routing::get,
};
use serde::{Deserialize, Serialize};

/// The vocabulary route.
pub fn routes() -> Router {
    Router::new().route("/api/v1/pln/vocabulary", get(show_vocabulary))
}

/// `?lang=`: the language of the labels.
#[derive(Debug, Default, Deserialize)]
pub struct LangParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub lang: Option<String>,
}

/// The label language: `?lang=` if it is ar, fr or en, else the first of those in
/// `Accept-Language`, else the node's default language.
pub fn request_lang(
    data: &Data<AppState>,
    headers: &HeaderMap,
    lang: Option<&str>,
) -> &'static str {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    lang.into_iter()
        .chain(accept.split(',').map(|p| p.split(';').next().unwrap_or("")))
        .chain(std::iter::once(
            data.config.instance.default_language.as_str(),
        ))
        .find_map(
            |tag| match tag.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
                Some("ar") => Some("ar"),
                Some("fr") => Some("fr"),
                Some("en") => Some("en"),
                _ => None,
            },
        )
        .unwrap_or("en")
}

/// A label in each language.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub ar: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

/// One code of a list.
#[derive(Debug, Clone, Serialize)]
pub struct VocabularyTerm {
    pub code: &'static str,
    /// In the request's language.
    pub label: &'static str,
    pub labels: Labels,
}

/// The whole vocabulary.
#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary {
    /// The language of every `label`.
    pub lang: &'static str,
    pub stages: Vec<VocabularyTerm>,
    pub subjects: Vec<VocabularyTerm>,
    pub levels: Vec<VocabularyTerm>,
    pub formats: Vec<VocabularyTerm>,
    pub institution_kinds: Vec<VocabularyTerm>,
    pub resource_types: Vec<VocabularyTerm>,
    /// Resource licences: `{id, name, url}`.
    pub licenses: Vec<crate::api::pln::resources::entities::LicenseView>,
    /// The facets' names as profile fields (`stage`, `subjects`, …).
    pub facet_fields: Vec<VocabularyTerm>,
}

fn terms(list: &'static [Term], lang: &str) -> Vec<VocabularyTerm> {
    list.iter()
        .map(|t| VocabularyTerm {
            code: t.code,
            label: t.label(lang),
            labels: Labels {
                ar: t.ar,
                fr: t.fr,
                en: t.en,
            },
        })
        .collect()
}

/// Every list of the vocabulary with labels in `lang`.
pub fn vocabulary(lang: &'static str) -> Vocabulary {
    let facet_fields = [
        "stage",
        "subjects",
        "levels",
        "languages",
        "region",
        "open_to_mentor",
        "seeking_mentor",
    ]
    .into_iter()
    .map(|code| VocabularyTerm {
        code,
        label: profiles::field_name(code, lang),
        labels: Labels {
            ar: profiles::field_name(code, "ar"),
            fr: profiles::field_name(code, "fr"),
            en: profiles::field_name(code, "en"),
        },
    })
    .collect();
    Vocabulary {
        lang,
        stages: terms(STAGES, lang),
        subjects: terms(SUBJECTS, lang),
        levels: terms(LEVELS, lang),
        formats: terms(FORMATS, lang),
        institution_kinds: terms(INSTITUTION_KINDS, lang),
        resource_types: terms(RESOURCE_TYPES, lang),
        licenses: LICENSES
            .iter()
            .map(|l| crate::api::pln::resources::entities::LicenseView::of(l.id))
            .collect(),
        facet_fields,
    }
}

/// `GET /api/v1/pln/vocabulary[?lang=ar|fr|en]`.
async fn show_vocabulary(
    data: Data<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<LangParams>,
) -> Json<Vocabulary> {
    Json(vocabulary(request_lang(
        &data,
        &headers,
        params.lang.as_deref(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_codes_and_three_labels() {
        let v = vocabulary("ar");
        assert_eq!(v.stages.len(), STAGES.len());
        assert_eq!(v.institution_kinds.len(), INSTITUTION_KINDS.len());
        assert_eq!(v.resource_types.len(), RESOURCE_TYPES.len());
        assert_eq!(v.licenses.len(), LICENSES.len());
        let teacher = v.stages.iter().find(|t| t.code == "teacher");
        assert_eq!(teacher.map(|t| t.label), Some("أستاذ"));
        assert_eq!(teacher.map(|t| t.labels.fr), Some("Enseignant"));
        assert!(v.facet_fields.iter().all(|f| !f.labels.en.is_empty()));
    }
}
