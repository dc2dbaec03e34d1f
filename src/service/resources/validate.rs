//! Checking what a teacher typed for a resource (title, markdown body, licence, facets, links,
//! files' types, duration) and the list filters, before anything is stored: every refusal is a
//! 422 naming the field.
use super::licenses;
use crate::{
    db::resources::ResourceFilter,
    error::{AppError, AppResult},
    service::{documents, media, mentorship::check_text, vocabulary},
    text,
};
use serde::{Deserialize, Serialize};
use url::Url;

/// Longest body, in characters of markdown.
pub const MAX_BODY: usize = 50_000;
/// Most links, files and prerequisites a resource lists.
pub const MAX_LINKS: usize = 20;
/// Attachment types a resource accepts (what the media and document uploads store).
pub fn allowed_media_type(media_type: &str) -> bool {
    documents::is_document_type(media_type)
        || media::IMAGE_TYPES.contains(&media_type)
        || media::AV_TYPES.contains(&media_type)
        || media_type == "audio/mp4"
}

/// A link of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceLink {
    pub url: String,
    #[serde(default)]
    pub title: String,
}

/// A resource as its author writes it.
#[derive(Debug, Clone, Default)]
pub struct ResourceInput {
    pub title: String,
    pub description: String,
    /// Markdown.
    pub body: String,
    /// A licence id; `None` takes the author's default licence.
    pub license: Option<String>,
    pub resource_type: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    /// BCP 47 tags; empty means the author's own language.
    pub languages: Vec<String>,
    /// Minutes (`45`), an ISO 8601 duration (`PT45M`) or a short text.
    pub duration: Option<String>,
    pub prerequisites: Vec<String>,
    pub links: Vec<ResourceLink>,
    /// Uploads of the author (`POST /api/v2/media`), in order.
    pub media_ids: Vec<i64>,
    /// The resource this one remixes (its URL), kept for attribution.
    pub based_on: Option<String>,
}

/// What an edit changes (`None` keeps the value; an empty duration or `based_on` clears it).
#[derive(Debug, Clone, Default)]
pub struct ResourceChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub body: Option<String>,
    pub license: Option<String>,
    pub resource_type: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub levels: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub duration: Option<String>,
    pub prerequisites: Option<Vec<String>>,
    pub links: Option<Vec<ResourceLink>>,
    pub media_ids: Option<Vec<i64>>,
    pub based_on: Option<String>,
}

/// A checked resource, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedResource {
    pub title: String,
    pub description: String,
    pub body_source: String,
    pub body_html: String,
    pub license: &'static str,
    pub resource_type: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub duration: Option<String>,
    pub prerequisites: Vec<String>,
    pub links: Vec<ResourceLink>,
    pub based_on: Option<String>,
}

/// Markdown to sanitised HTML (raw HTML in it is cleaned like a remote post's).
pub fn render_markdown(source: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(
            source,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        ),
    );
    text::sanitize_remote_html(&out)
}

/// A duration: whole minutes become ISO 8601 (`45` → `PT45M`); an ISO 8601 duration is kept;
/// other text (at most 100 characters) is kept as it is; empty is none.
pub fn normalise_duration(raw: &str) -> AppResult<Option<String>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(minutes) = raw.parse::<i64>() {
        if !(1..=100_000).contains(&minutes) {
            return Err(AppError::Invalid(
                "duration: minutes must be between 1 and 100000".into(),
            ));
        }
        return Ok(Some(format!("PT{minutes}M")));
    }
    Ok(Some(check_text("duration", raw, 100, true)?))
}

fn http_url(field: &str, raw: &str) -> AppResult<String> {
    match Url::parse(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u.to_string()),
        _ => Err(AppError::Invalid(format!(
            "{field}: {raw:?} is not an http(s) URL"
        ))),
    }
}

/// Checks and cleans a resource; errors name the field and, for codes, every allowed value.
/// `license` must already be resolved (explicit or the author's default).
pub fn check(
    input: ResourceInput,
    license: Option<&str>,
    default_language: &str,
) -> AppResult<CheckedResource> {
    let title = check_text("title", &input.title, 200, true)?;
    let description = check_text("description", &input.description, 5000, false)?;
    let body_source = check_text("body", &input.body, MAX_BODY, false)?;
    let license = match license.map(str::trim).filter(|l| !l.is_empty()) {
        Some(id) => licenses::check(id)?.id,
        None => {
            return Err(AppError::Invalid(format!(
                "license: choose a licence (or set a default one in your profile); allowed: {}",
                licenses::ids().join(", ")
            )));
        }
    };
    let resource_type = input.resource_type.trim();
    if resource_type.is_empty() {
        return Err(AppError::Invalid(format!(
            "resource_type can't be blank; allowed: {}",
            vocabulary::codes(vocabulary::RESOURCE_TYPES).join(", ")
        )));
    }
    vocabulary::check("resource_type", vocabulary::RESOURCE_TYPES, resource_type)?;
    let subjects = vocabulary::check_all("subjects", vocabulary::SUBJECTS, &input.subjects)?;
    let levels = vocabulary::check_all("levels", vocabulary::LEVELS, &input.levels)?;
    let mut languages: Vec<String> = Vec::new();
    for lang in input
        .languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        if !vocabulary::is_language_tag(lang) {
            return Err(AppError::Invalid(format!(
                "languages: {lang:?} is not a language tag such as ar, fr or en"
            )));
        }
        if !languages.iter().any(|l| l == lang) {
            languages.push(lang.to_string());
        }
    }
    if languages.is_empty() {
        languages.push(default_language.to_string());
    }
    let duration = match input.duration.as_deref() {
        Some(d) => normalise_duration(d)?,
        None => None,
    };
    let mut prerequisites = Vec::new();
    for p in &input.prerequisites {
        let p = check_text("prerequisites", p, 300, false)?;
        if !p.is_empty() {
            prerequisites.push(p);
        }
    }
    if prerequisites.len() > MAX_LINKS || input.links.len() > MAX_LINKS {
        return Err(AppError::Invalid(format!(
            "a resource lists at most {MAX_LINKS} links and {MAX_LINKS} prerequisites"
        )));
    }
    let mut links = Vec::new();
    for l in &input.links {
        links.push(ResourceLink {
            url: http_url("links", &l.url)?,
            title: check_text("links", &l.title, 200, false)?,
        });
    }
    let based_on = match input.based_on.as_deref().map(str::trim) {
        Some(b) if !b.is_empty() => Some(http_url("based_on", b)?),
        _ => None,
    };
    Ok(CheckedResource {
        body_html: render_markdown(&body_source),
        title,
        description,
        body_source,
        license,
        resource_type: resource_type.to_string(),
        subjects,
        levels,
        languages,
        duration,
        prerequisites,
        links,
        based_on,
    })
}

/// Checks list filters against the vocabulary (unknown values are a 422 naming the allowed
/// ones) and puts the licence in its canonical spelling.
pub fn check_filter(filter: &mut ResourceFilter) -> AppResult<()> {
    if let Some(s) = &filter.subject {
        vocabulary::check("subject", vocabulary::SUBJECTS, s)?;
    }
    if let Some(l) = &filter.level {
        vocabulary::check("level", vocabulary::LEVELS, l)?;
    }
    if let Some(t) = &filter.resource_type {
        vocabulary::check("resource_type", vocabulary::RESOURCE_TYPES, t)?;
    }
    if let Some(l) = &filter.license {
        filter.license = Some(licenses::check(l)?.id.to_string());
    }
    if let Some(l) = &filter.language
        && !vocabulary::is_language_tag(l)
    {
        return Err(AppError::Invalid(format!(
            "language: {l:?} is not a language tag"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ResourceInput {
        ResourceInput {
            title: " Fractions ".into(),
            description: "A full lesson.".into(),
            body: "# Plan\n\n1. Warm-up\n2. <script>alert(1)</script>Practice".into(),
            resource_type: "lesson_plan".into(),
            subjects: vec!["mathematics".into()],
            levels: vec!["middle".into()],
            duration: Some("55".into()),
            ..Default::default()
        }
    }

    #[test]
    fn checked_resources_are_cleaned_and_get_defaults() {
        let ok = check(input(), Some("cc-by-4.0"), "fr").unwrap();
        assert_eq!(ok.title, "Fractions");
        assert_eq!(ok.license, "CC-BY-4.0");
        assert_eq!(ok.languages, vec!["fr"]);
        assert_eq!(ok.duration.as_deref(), Some("PT55M"));
        assert!(
            ok.body_html.contains("<li>Warm-up</li>"),
            "{}",
            ok.body_html
        );
        assert!(!ok.body_html.contains("script"), "{}", ok.body_html);
    }

    #[test]
    fn bad_resources_are_refused_naming_the_field() {
        let err = check(input(), Some("WTFPL"), "fr").unwrap_err().to_string();
        assert!(
            err.contains("license") && err.contains("CC-BY-SA-4.0"),
            "{err}"
        );
        let err = check(input(), None, "fr").unwrap_err().to_string();
        assert!(err.contains("choose a licence"), "{err}");
        let bad_type = ResourceInput {
            resource_type: "poster".into(),
            ..input()
        };
        let err = check(bad_type, Some("CC0-1.0"), "fr")
            .unwrap_err()
            .to_string();
        assert!(err.contains("worksheet"), "{err}");
        let bad_link = ResourceInput {
            links: vec![ResourceLink {
                url: "javascript:alert(1)".into(),
                title: String::new(),
            }],
            ..input()
        };
        assert!(check(bad_link, Some("CC0-1.0"), "fr").is_err());
        assert!(normalise_duration("0").is_err());
        assert_eq!(
            normalise_duration("PT1H30M").unwrap().as_deref(),
            Some("PT1H30M")
        );
        assert_eq!(normalise_duration(" ").unwrap(), None);
    }
}
