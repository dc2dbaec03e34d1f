//! Reading another node's NodeInfo (`/.well-known/nodeinfo` → the 2.1 or 2.0 document): which
//! software it runs, its user count and, for Halqa nodes, `metadata.institution`. Every byte is
//! hostile: bodies are size-capped, links must stay on the host asked, and every field is read
//! leniently (a wrong type reads as absent) and cut to size.
use crate::{
    AppState,
    db::institutions::{NodeRecord, Profile},
    error::{AppError, AppResult},
    federation::urls::host_of,
    service::vocabulary::{self, INSTITUTION_KINDS},
    text,
};
use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

/// Largest NodeInfo document (or links document) read, in bytes.
pub const MAX_BODY: usize = 256 * 1024;
/// Longest institution name, region, city kept.
pub const MAX_SHORT: usize = 200;
/// Longest description kept, in characters.
pub const MAX_DESCRIPTION: usize = 2_000;
/// Most languages kept.
pub const MAX_LANGUAGES: usize = 10;

const SCHEMA_21: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";
const SCHEMA_20: &str = "http://nodeinfo.diaspora.software/ns/schema/2.0";

fn parse_json(body: &[u8]) -> AppResult<Value> {
    if body.len() > MAX_BODY {
        return Err(AppError::BadRequest(
            "NodeInfo document is too large".into(),
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("NodeInfo is not JSON: {e}")))
}

/// The NodeInfo document URL from a `/.well-known/nodeinfo` body: schema 2.1, else 2.0, on the
/// same host as `domain` (a link elsewhere would let one host make us fetch another).
pub fn document_url(body: &[u8], domain: &str) -> AppResult<Url> {
    let json = parse_json(body)?;
    let links = json
        .get("links")
        .and_then(Value::as_array)
        .ok_or_else(|| AppError::BadRequest("NodeInfo links: no `links` list".into()))?;
    let href_of = |schema: &str| {
        links.iter().find_map(|link| {
            (link.get("rel")?.as_str()? == schema)
                .then(|| link.get("href")?.as_str())
                .flatten()
        })
    };
    let href = href_of(SCHEMA_21)
        .or_else(|| href_of(SCHEMA_20))
        .ok_or_else(|| AppError::BadRequest("NodeInfo links: no 2.1 or 2.0 document".into()))?;
    let url = Url::parse(href)
        .map_err(|e| AppError::BadRequest(format!("NodeInfo link {href:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https")
        || !host_of(&url).is_some_and(|h| h.eq_ignore_ascii_case(domain))
    {
        return Err(AppError::BadRequest(format!(
            "NodeInfo link {href:?} is not on {domain}"
        )));
    }
    Ok(url)
}

/// A string field, trimmed, cut to `max` characters; absent, empty or not a string is `None`.
fn short_text(value: Option<&Value>, max: usize) -> Option<String> {
    let s = value?.as_str()?.trim();
    (!s.is_empty()).then(|| s.chars().take(max).collect())
}

/// The institution profile of `metadata.institution`, cleaned like remote facets: a kind outside
/// the vocabulary reads as none, texts are plain and short, the actor must be on `domain`.
pub fn institution_profile(value: &Value, domain: &str) -> Profile {
    let text_of = |key: &str, max: usize| {
        short_text(value.get(key), max * 4)
            .map(|s| text::html_to_plain_text(&s))
            .map(|s| s.trim().chars().take(max).collect::<String>())
            .filter(|s| !s.is_empty())
    };
    let mut languages: Vec<String> = Vec::new();
    for tag in value
        .get("languages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|t| vocabulary::is_language_tag(t))
    {
        let tag = tag.to_lowercase();
        if !languages.contains(&tag) && languages.len() < MAX_LANGUAGES {
            languages.push(tag);
        }
    }
    let actor_url = short_text(value.get("actor"), 2_000)
        .and_then(|s| Url::parse(&s).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .filter(|u| host_of(u).is_some_and(|h| h.eq_ignore_ascii_case(domain)))
        .map(String::from);
    Profile {
        name: text_of("name", MAX_SHORT).unwrap_or_default(),
        kind: short_text(value.get("kind"), 40)
            .filter(|k| vocabulary::find(INSTITUTION_KINDS, k).is_some()),
        region: text_of("region", MAX_SHORT),
        city: text_of("city", MAX_SHORT),
        languages,
        description: text_of("description", MAX_DESCRIPTION).unwrap_or_default(),
        actor_url,
    }
}

/// What a NodeInfo 2.x document of `domain` says. Only `software.name` is required.
pub fn parse_document(body: &[u8], domain: &str) -> AppResult<NodeRecord> {
    let json = parse_json(body)?;
    let software = json.get("software");
    let software_name = short_text(software.and_then(|s| s.get("name")), 100)
        .map(|s| s.to_lowercase())
        .ok_or_else(|| AppError::BadRequest("NodeInfo has no software.name".into()))?;
    let is_halqa = software_name == "halqa";
    let user_count = json
        .pointer("/usage/users/total")
        .and_then(Value::as_i64)
        .filter(|n| *n >= 0);
    let profile = match json.pointer("/metadata/institution") {
        Some(institution @ Value::Object(_)) if is_halqa => {
            institution_profile(institution, domain)
        }
        _ => Profile::default(),
    };
    Ok(NodeRecord {
        software_version: short_text(software.and_then(|s| s.get("version")), 100),
        software_name,
        is_halqa,
        user_count,
        profile,
    })
}

/// GETs `url` as JSON, refusing bodies over [`MAX_BODY`] (checked as they stream in).
pub(crate) async fn get_limited(data: &Data<AppState>, url: &Url) -> AppResult<Vec<u8>> {
    let fail = |e: String| AppError::BadRequest(format!("fetching {url}: {e}"));
    let mut response = data
        .http
        .get(url.as_str())
        .header(http::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    if !response.status().is_success() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(fail("the document is too large".into()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(fail("the document is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Fetches and reads the NodeInfo of `domain` (`host[:port]`). Blocked domains are refused;
/// private addresses are refused by the HTTP client's resolver outside debug mode.
pub async fn fetch(data: &Data<AppState>, domain: &str) -> AppResult<NodeRecord> {
    if data.domain_policy.is_blocked(domain) {
        return Err(AppError::Forbidden(format!("{domain} is blocked")));
    }
    // Test and trial peers (debug mode) speak plain http; real ones https.
    let scheme = if data.config.federation.debug {
        "http"
    } else {
        "https"
    };
    let well_known = Url::parse(&format!("{scheme}://{domain}/.well-known/nodeinfo"))
        .map_err(|e| AppError::BadRequest(format!("{domain:?} is not a host: {e}")))?;
    let links = get_limited(data, &well_known).await?;
    let document = document_url(&links, domain)?;
    let body = get_limited(data, &document).await?;
    parse_document(&body, domain)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bytes(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn links_prefer_2_1_and_stay_on_the_host() {
        let body = bytes(json!({"links": [
            {"rel": SCHEMA_20, "href": "https://b.example/nodeinfo/2.0"},
            {"rel": SCHEMA_21, "href": "https://b.example/nodeinfo/2.1"},
        ]}));
        assert_eq!(
            document_url(&body, "b.example").unwrap().as_str(),
            "https://b.example/nodeinfo/2.1"
        );
        let only_20 = bytes(
            json!({"links": [{"rel": SCHEMA_20, "href": "http://localhost:8081/nodeinfo/2.0"}]}),
        );
        assert!(document_url(&only_20, "localhost:8081").is_ok());
        assert!(document_url(&only_20, "localhost:8082").is_err());
        let elsewhere =
            bytes(json!({"links": [{"rel": SCHEMA_21, "href": "https://169.254.169.254/latest"}]}));
        assert!(document_url(&elsewhere, "b.example").is_err());
        let file = bytes(json!({"links": [{"rel": SCHEMA_21, "href": "file:///etc/passwd"}]}));
        assert!(document_url(&file, "b.example").is_err());
        for junk in [
            json!({"links": "nope"}),
            json!({"links": [{"rel": 5, "href": []}]}),
            json!([1, 2]),
            json!(null),
        ] {
            assert!(document_url(&bytes(junk), "b.example").is_err());
        }
        assert!(document_url(b"<html>not json</html>", "b.example").is_err());
    }

    #[test]
    fn a_halqa_document_gives_its_institution() {
        let body = bytes(json!({
            "version": "2.1",
            "software": {"name": "Halqa", "version": "0.3.0"},
            "usage": {"users": {"total": 42}},
            "metadata": {"institution": {
                "name": "CRMEF <b>Rabat</b>",
                "kind": "crmef",
                "region": "Rabat-Salé-Kénitra",
                "city": "Rabat",
                "languages": ["ar", "FR", "not a tag", 7, "ar"],
                "description": "Training <script>x()</script>teachers",
                "actor": "https://b.example/users/institution"
            }}
        }));
        let record = parse_document(&body, "b.example").unwrap();
        assert!(record.is_halqa);
        assert_eq!(record.software_name, "halqa");
        assert_eq!(record.software_version.as_deref(), Some("0.3.0"));
        assert_eq!(record.user_count, Some(42));
        let p = record.profile;
        assert_eq!(p.name, "CRMEF Rabat");
        assert_eq!(p.kind.as_deref(), Some("crmef"));
        assert_eq!(p.city.as_deref(), Some("Rabat"));
        assert_eq!(p.languages, vec!["ar", "fr"]);
        assert!(!p.description.contains('<'), "{}", p.description);
        assert_eq!(
            p.actor_url.as_deref(),
            Some("https://b.example/users/institution")
        );
    }

    #[test]
    fn hostile_documents_read_as_little_as_possible() {
        // Wrong types everywhere: only the software name survives.
        let body = bytes(json!({
            "software": {"name": "halqa", "version": 3},
            "usage": {"users": {"total": "many"}},
            "metadata": {"institution": {
                "name": ["x"], "kind": "spaceport", "region": {"a": 1},
                "languages": "ar", "description": 12,
                "actor": "https://evil.example/users/institution"
            }}
        }));
        let record = parse_document(&body, "b.example").unwrap();
        assert!(record.is_halqa);
        assert_eq!(record.software_version, None);
        assert_eq!(record.user_count, None);
        assert_eq!(
            record.profile,
            Profile::default(),
            "a kind outside the vocabulary and an actor on another host are dropped"
        );
        // Huge values are cut.
        let body = bytes(json!({
            "software": {"name": "halqa"},
            "usage": {"users": {"total": -5}},
            "metadata": {"institution": {"name": "n".repeat(10_000), "description": "d".repeat(50_000),
                "languages": (0..100).map(|i| format!("l{}", char::from(b'a' + (i % 26) as u8))).collect::<Vec<_>>()}}
        }));
        let record = parse_document(&body, "b.example").unwrap();
        assert_eq!(record.user_count, None);
        assert_eq!(record.profile.name.chars().count(), MAX_SHORT);
        assert_eq!(record.profile.description.chars().count(), MAX_DESCRIPTION);
        assert!(record.profile.languages.len() <= MAX_LANGUAGES);
        // Other software: no institution read even if it claims one; missing fields are errors
        // only for the software name.
        let mastodon = bytes(json!({
            "software": {"name": "mastodon", "version": "4.3.0"},
            "metadata": {"institution": {"name": "Not us"}}
        }));
        let record = parse_document(&mastodon, "m.example").unwrap();
        assert!(!record.is_halqa);
        assert_eq!(record.profile, Profile::default());
        assert!(parse_document(&bytes(json!({"software": {}})), "x.example").is_err());
        assert!(parse_document(&bytes(json!({})), "x.example").is_err());
        assert!(parse_document(&bytes(json!("halqa")), "x.example").is_err());
        let too_big = vec![b' '; MAX_BODY + 1];
        assert!(parse_document(&too_big, "x.example").is_err());
        let deep = "[".repeat(10_000);
        assert!(parse_document(deep.as_bytes(), "x.example").is_err());
    }
}
