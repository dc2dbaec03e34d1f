//! The teaching resource on the wire: an AS2 `Page` with schema.org / LRMI terms — `license`
//! (the licence's canonical URL), `learningResourceType`, `educationalLevel`, `inLanguage`,
//! `about` (subjects, also as hashtags in `tag`), `timeRequired`, `competencyRequired`,
//! `isBasedOn` — the markdown `source`, its files as `Document`s and links as `Link`s in
//! `attachment`, and the id of its readable `Note` (`resourceNote`). A `Page` is a resource
//! when it names a `learningResourceType`; other Pages (Lemmy posts) stay posts.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, resource, resource_attachment as attachment},
        mentorship::codes_of,
        resources::{NewAttachment, RemoteResource},
    },
    error::{AppError, AppResult},
    federation::{context::PUBLIC, objects::proposal::strings, wire},
    service::resources::{MAX_LINKS, ResourceLink, licenses},
    text,
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use url::Url;

fn page_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &["Page"])
}

/// Whether an AS2 object is a Halqa resource (a `Page` naming a `learningResourceType`).
pub fn is_resource(object: &Value) -> bool {
    wire::types_of(object).iter().any(|k| k == "Page")
        && object.get("learningResourceType").is_some()
}

/// The markdown an object's HTML `content` was written in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

/// A resource as a `Page`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePage {
    #[serde(rename = "type", deserialize_with = "page_kind")]
    pub kind: String,
    pub id: Url,
    pub attributed_to: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description (HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The body (HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
    /// `schema:license`: the licence's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning_resource_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub educational_level: Vec<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub in_language: Vec<String>,
    /// Subjects (vocabulary codes).
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub about: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_required: Option<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub competency_required: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_based_on: Option<Url>,
    /// The resource's readable `Note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_note: Option<Url>,
    /// `Document`s (files) and `Link`s.
    #[serde(
        default,
        deserialize_with = "values",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachment: Vec<Value>,
    /// Subject hashtags.
    #[serde(
        default,
        deserialize_with = "values",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tag: Vec<Value>,
}

fn values<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    })
}

fn parse(s: &str) -> AppResult<Url> {
    Url::parse(s).map_err(|e| AppError::Internal(anyhow::anyhow!("bad stored URL {s}: {e}")))
}

/// The `Page` of a local resource by `author`, with its attachments.
pub fn page_for_resource(
    data: &Data<AppState>,
    author: &actor::Model,
    r: &resource::Model,
    files: &[attachment::Model],
) -> AppResult<ResourcePage> {
    let subjects = codes_of(&r.subjects);
    let links: Vec<ResourceLink> = serde_json::from_str(&r.links).unwrap_or_default();
    let mut attachments: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "type": "Document",
                "url": f.url,
                "mediaType": f.media_type,
                "name": f.name,
                "contentSize": f.size_bytes,
            })
        })
        .collect();
    attachments.extend(links.iter().map(
        |l| json!({"type": "Link", "href": l.url, "name": l.title, "mediaType": "text/html"}),
    ));
    Ok(ResourcePage {
        kind: "Page".into(),
        id: parse(&r.ap_id)?,
        attributed_to: parse(&author.ap_id)?,
        name: Some(r.title.clone()),
        summary: Some(text::render_local_status(&r.description, &|_| None, &|t| {
            data.urls.tag(t)
        }))
        .filter(|s| !s.is_empty()),
        content: Some(r.body_html.clone()),
        media_type: Some("text/html".into()),
        source: (!r.body_source.is_empty()).then(|| Source {
            content: r.body_source.clone(),
            media_type: "text/markdown".into(),
        }),
        url: r.url.as_deref().map(parse).transpose()?,
        published: Some(r.published_at),
        updated: (r.updated_at > r.published_at).then_some(r.updated_at),
        to: vec![parse(PUBLIC)?],
        cc: author
            .followers_url
            .as_deref()
            .map(parse)
            .transpose()?
            .into_iter()
            .collect(),
        license: Some(
            licenses::find(&r.license)
                .map(|l| l.url.to_string())
                .unwrap_or_else(|| r.license.clone()),
        ),
        learning_resource_type: Some(r.resource_type.clone()),
        educational_level: codes_of(&r.levels),
        in_language: codes_of(&r.languages),
        tag: subjects
            .iter()
            .map(|s| json!({"type": "Hashtag", "name": format!("#{s}"), "href": data.urls.tag(s)}))
            .collect(),
        about: subjects,
        time_required: r.duration.clone(),
        competency_required: codes_of(&r.prerequisites),
        is_based_on: r.based_on.as_deref().and_then(|b| Url::parse(b).ok()),
        resource_note: r.note_ap_id.as_deref().map(parse).transpose()?,
        attachment: attachments,
    })
}

/// An http(s) URL of at most 2048 characters, as text.
fn http(u: &str) -> Option<String> {
    Url::parse(u)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.as_str().len() <= 2048)
        .map(String::from)
}

impl ResourcePage {
    /// The resource as stored here (sanitised; the author id is set by the caller). The
    /// readable Note must be on the Page's own host.
    pub fn to_remote(&self) -> RemoteResource {
        let same_host = |u: &&Url| u.host_str() == self.id.host_str() && u.port() == self.id.port();
        let mut files = Vec::new();
        let mut links = Vec::new();
        for a in self.attachment.iter().take(2 * MAX_LINKS) {
            let kinds = wire::types_of(a);
            let name = a
                .get("name")
                .and_then(Value::as_str)
                .map(text::html_to_plain_text)
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>();
            if kinds.iter().any(|k| k == "Link") {
                if links.len() < MAX_LINKS
                    && let Some(url) = a.get("href").and_then(Value::as_str).and_then(http)
                {
                    links.push(ResourceLink { url, title: name });
                }
                continue;
            }
            let url = match a.get("url") {
                Some(Value::String(s)) => http(s),
                other => wire::first_url(other).and_then(|u| http(u.as_str())),
            };
            let Some(url) = url.filter(|_| files.len() < MAX_LINKS) else {
                continue;
            };
            files.push(NewAttachment {
                media_id: None,
                url,
                media_type: a
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .unwrap_or("application/octet-stream")
                    .chars()
                    .take(100)
                    .collect(),
                size_bytes: a
                    .get("contentSize")
                    .and_then(Value::as_i64)
                    .filter(|s| *s >= 0),
                name,
            });
        }
        let body_source = self
            .source
            .as_ref()
            .filter(|s| s.media_type == "text/markdown")
            .map(|s| s.content.clone())
            .unwrap_or_default();
        RemoteResource {
            ap_id: self.id.to_string(),
            author_id: 0,
            note_ap_id: self
                .resource_note
                .as_ref()
                .filter(same_host)
                .map(Url::to_string),
            url: self.url.as_ref().and_then(|u| http(u.as_str())),
            title: text::html_to_plain_text(self.name.as_deref().unwrap_or_default()),
            description: text::html_to_plain_text(self.summary.as_deref().unwrap_or_default()),
            body_source,
            body_html: text::sanitize_remote_html(self.content.as_deref().unwrap_or_default()),
            license: self
                .license
                .as_deref()
                .and_then(licenses::by_url)
                .map(|l| l.id.to_string())
                .unwrap_or_default(),
            resource_type: self.learning_resource_type.clone().unwrap_or_default(),
            subjects: self.about.clone(),
            levels: self.educational_level.clone(),
            languages: self.in_language.clone(),
            duration: self
                .time_required
                .as_deref()
                .map(text::html_to_plain_text)
                .filter(|d| !d.is_empty()),
            prerequisites: self
                .competency_required
                .iter()
                .map(|p| text::html_to_plain_text(p))
                .filter(|p| !p.is_empty())
                .collect(),
            links: serde_json::to_string(&links).unwrap_or_else(|_| "[]".into()),
            based_on: self.is_based_on.as_ref().and_then(|u| http(u.as_str())),
            attachments: files,
            published: self.published,
        }
    }
}

/// The `Page` of local resource `r`, read with its author and files.
pub async fn page_of(data: &Data<AppState>, r: &resource::Model) -> AppResult<ResourcePage> {
    let author = db::actors::get_by_id(&data.db.read, r.author_id).await?;
    let files = db::resources::attachments_of(&data.db.read, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    page_for_resource(data, &author, r, &files)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({
            "type": "Page",
            "id": "https://b.example/resources/7",
            "attributedTo": "https://b.example/users/bob",
            "name": "Fractions <b>en 6e</b>",
            "summary": "<p>Une séance</p>",
            "content": "<p>Plan</p><script>x()</script>",
            "mediaType": "text/html",
            "source": {"content": "Plan", "mediaType": "text/markdown"},
            "url": "https://b.example/resources/7",
            "to": "https://www.w3.org/ns/activitystreams#Public",
            "license": "http://creativecommons.org/licenses/by-sa/4.0/deed.fr",
            "learningResourceType": "lesson_plan",
            "educationalLevel": "middle",
            "inLanguage": ["fr"],
            "about": ["mathematics"],
            "timeRequired": "PT55M",
            "competencyRequired": ["Division"],
            "isBasedOn": "https://c.example/resources/1",
            "resourceNote": "https://b.example/users/bob/statuses/8",
            "attachment": [
                {"type": "Document", "url": "https://b.example/media/a.png",
                 "mediaType": "image/png", "name": "Fiche", "contentSize": 1234},
                {"type": "Link", "href": "https://example.org/video", "name": "Vidéo"},
                {"type": "Document", "url": "javascript:alert(1)"}
            ]
        })
    }

    #[test]
    fn resource_pages_round_trip_through_json_ld() {
        let page: ResourcePage = serde_json::from_value(sample()).unwrap();
        let again: ResourcePage =
            serde_json::from_value(serde_json::to_value(&page).unwrap()).unwrap();
        assert_eq!(again, page);
        assert!(is_resource(&sample()));
        assert!(!is_resource(
            &json!({"type": "Page", "id": "https://lemmy.example/post/1"})
        ));
    }

    #[test]
    fn every_term_of_a_page_is_defined_by_the_context_we_send() {
        // Terms of the ActivityStreams context itself.
        const AS2: [&str; 18] = [
            "type",
            "id",
            "attributedTo",
            "name",
            "summary",
            "content",
            "mediaType",
            "source",
            "url",
            "published",
            "updated",
            "to",
            "cc",
            "attachment",
            "tag",
            "href",
            "Page",
            "Document",
        ];
        let context = crate::federation::context::default_context();
        let defined = context[2].as_object().unwrap();
        let page = serde_json::to_value(serde_json::from_value::<ResourcePage>(sample()).unwrap())
            .unwrap();
        let mut keys: Vec<&String> = page.as_object().unwrap().keys().collect();
        for a in page["attachment"].as_array().unwrap() {
            keys.extend(a.as_object().unwrap().keys());
        }
        for key in keys {
            assert!(
                AS2.contains(&key.as_str()) || defined.contains_key(key),
                "{key} is not defined in the JSON-LD context"
            );
        }
        let license = &defined["license"];
        assert_eq!(license["@id"], "schema:license");
        assert_eq!(license["@type"], "@id");
        assert_eq!(
            defined["learningResourceType"],
            "schema:learningResourceType"
        );
    }

    #[test]
    fn remote_pages_read_back_sanitised_with_their_licence_and_files() {
        let remote = serde_json::from_value::<ResourcePage>(sample())
            .unwrap()
            .to_remote();
        assert_eq!(remote.title, "Fractions en 6e");
        assert_eq!(remote.description, "Une séance");
        assert!(!remote.body_html.contains("script"), "{}", remote.body_html);
        assert_eq!(remote.body_source, "Plan");
        assert_eq!(remote.license, "CC-BY-SA-4.0");
        assert_eq!(remote.levels, vec!["middle"]);
        assert_eq!(remote.duration.as_deref(), Some("PT55M"));
        assert_eq!(remote.attachments.len(), 1);
        assert_eq!(remote.attachments[0].size_bytes, Some(1234));
        assert!(remote.links.contains("https://example.org/video"));
        assert_eq!(
            remote.note_ap_id.as_deref(),
            Some("https://b.example/users/bob/statuses/8")
        );
        assert_eq!(
            remote.based_on.as_deref(),
            Some("https://c.example/resources/1")
        );
    }

    #[test]
    fn floods_of_links_and_files_are_cut_to_the_limits() {
        let mut value = sample();
        let many: Vec<Value> = (0..100)
            .map(|i| match i % 2 {
                0 => json!({"type": "Link", "href": format!("https://x.example/{i}")}),
                _ => json!({"type": "Document", "url": format!("https://b.example/m/{i}.png")}),
            })
            .collect();
        value["attachment"] = Value::Array(many);
        let remote = serde_json::from_value::<ResourcePage>(value)
            .unwrap()
            .to_remote();
        let links: Vec<ResourceLink> = serde_json::from_str(&remote.links).unwrap();
        assert!(links.len() <= MAX_LINKS);
        assert!(remote.attachments.len() <= MAX_LINKS);
        assert!(!links.is_empty() && !remote.attachments.is_empty());
    }

    #[test]
    fn a_note_on_another_host_and_unknown_licences_are_not_trusted() {
        let mut value = sample();
        value["resourceNote"] = json!("https://evil.example/statuses/1");
        value["license"] = json!("https://example.com/my-licence");
        let remote = serde_json::from_value::<ResourcePage>(value)
            .unwrap()
            .to_remote();
        assert_eq!(remote.note_ap_id, None);
        assert_eq!(remote.license, "");
    }
}
