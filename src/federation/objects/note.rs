//! The AS2 `Note` (statuses; `Article`, `Page` and `Question` are read as notes too) and its
//! mapping to `post` rows, including addressing ⇄ visibility. Rendering a stored post as a
//! Note is in [`render`].
mod render;
pub use render::note_for_post;

use crate::{
    AppState,
    db::{self, entity::post},
    error::{AppError, AppResult},
    federation::{
        actors::person::DbActor,
        context::{PUBLIC, is_public},
        wire,
    },
    text,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId, traits::Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use url::Url;

/// Object types read as posts.
pub const NOTE_TYPES: [&str; 4] = ["Note", "Article", "Page", "Question"];

/// A `post` row with its id parsed.
#[derive(Debug, Clone)]
pub struct DbPost {
    pub model: post::Model,
    ap_id: Url,
}

impl DbPost {
    pub fn new(model: post::Model) -> AppResult<Self> {
        let ap_id = Url::parse(&model.ap_id)
            .map_err(|e| anyhow::anyhow!("stored post id {} is not a URL: {e}", model.ap_id))?;
        Ok(DbPost { model, ap_id })
    }
}

fn note_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &NOTE_TYPES)
}

/// A note on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "type", deserialize_with = "note_kind")]
    pub kind: String,
    pub id: ObjectId<DbPost>,
    pub attributed_to: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_map: Option<HashMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<Value>,
    #[serde(default)]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Value>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "values"
    )]
    pub tag: Vec<Value>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "values"
    )]
    pub attachment: Vec<Value>,
    /// Question: the options of a single-choice poll.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "values"
    )]
    pub one_of: Vec<Value>,
    /// Question: the options of a multiple-choice poll.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "values"
    )]
    pub any_of: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<Utc>>,
    /// Question: when it closed (a date; some servers send `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voters_count: Option<i64>,
    /// Halqa: the mentorship offer (`Proposal`) this note is the readable form of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentorship_offer: Option<Url>,
    /// Halqa: the teaching resource (`Page`) this note is the readable form of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teaching_resource: Option<Url>,
    /// FEP-1b12: the circle (`Group`) the post is posted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Value>,
}

fn values<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    })
}

/// Visibility read from addressing: Mastodon's rules.
pub fn visibility_from_addressing(to: &[Url], cc: &[Url], followers: Option<&str>) -> &'static str {
    let has = |list: &[Url], pred: &dyn Fn(&str) -> bool| list.iter().any(|u| pred(u.as_str()));
    if has(to, &is_public) {
        "public"
    } else if has(cc, &is_public) {
        "unlisted"
    } else if followers.is_some_and(|f| has(to, &|u| u == f) || has(cc, &|u| u == f)) {
        "private"
    } else {
        "direct"
    }
}

/// `(to, cc)` for a post of `visibility` by an author with `followers`, mentioning `mentions`.
pub fn addressing(
    visibility: &str,
    followers: &str,
    mentions: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut to = Vec::new();
    let mut cc = Vec::new();
    match visibility {
        "public" => {
            to.push(PUBLIC.to_string());
            cc.push(followers.to_string());
            cc.extend(mentions.iter().cloned());
        }
        "unlisted" => {
            to.push(followers.to_string());
            cc.push(PUBLIC.to_string());
            cc.extend(mentions.iter().cloned());
        }
        "private" => {
            to.push(followers.to_string());
            cc.extend(mentions.iter().cloned());
        }
        _ => to.extend(mentions.iter().cloned()),
    }
    (to, cc)
}

impl Note {
    /// The URLs this note mentions (tags of type Mention).
    pub fn mention_hrefs(&self) -> Vec<String> {
        self.tag
            .iter()
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("Mention"))
            .filter_map(|t| t.get("href").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    /// Hashtag names, lowercased without `#`.
    pub fn hashtags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .tag
            .iter()
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("Hashtag"))
            .filter_map(|t| t.get("name").and_then(Value::as_str))
            .map(|n| n.trim_start_matches('#').to_lowercase())
            .filter(|n| !n.is_empty() && n.chars().count() <= 100)
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }

    /// A vote on a poll, as Mastodon sends it: a note named after the option, replying to the
    /// question, addressed to its author only, with no content.
    pub fn vote(id: Url, voter: &str, question: &str, author: Url, title: &str) -> Note {
        Note {
            kind: "Note".into(),
            id: id.into(),
            attributed_to: Value::String(voter.to_string()),
            name: Some(title.to_string()),
            content: None,
            content_map: None,
            summary: None,
            sensitive: None,
            in_reply_to: Some(Value::String(question.to_string())),
            published: Some(Utc::now()),
            updated: None,
            url: None,
            to: vec![author],
            cc: Vec::new(),
            tag: Vec::new(),
            attachment: Vec::new(),
            one_of: Vec::new(),
            any_of: Vec::new(),
            end_time: None,
            closed: None,
            voters_count: None,
            mentorship_offer: None,
            teaching_resource: None,
            audience: None,
        }
    }

    /// `(option title, question id)` when this note may be a poll vote: it has a name, replies
    /// to something and says nothing else. Whether the question is a local poll with that
    /// option is for the caller to check.
    pub fn vote_choice(&self) -> Option<(&str, Url)> {
        let name = self.name.as_deref().filter(|n| !n.is_empty())?;
        let has_content = self
            .content
            .as_deref()
            .is_some_and(|c| !text::html_to_plain_text(c).trim().is_empty());
        if self.kind != "Note" || has_content {
            return None;
        }
        let question = wire::first_url(self.in_reply_to.as_ref())?;
        Some((name, question))
    }

    /// The attachments we can show: documents with an http(s) URL.
    pub fn remote_media(&self) -> Vec<db::media::RemoteMedia> {
        self.attachment
            .iter()
            .filter_map(|a| {
                let url = match a.get("url") {
                    Some(Value::String(s)) => Url::parse(s).ok(),
                    Some(Value::Array(items)) => items.iter().find_map(|i| {
                        i.get("href")
                            .or(Some(i))
                            .and_then(Value::as_str)
                            .and_then(|s| Url::parse(s).ok())
                    }),
                    Some(obj @ Value::Object(_)) => obj
                        .get("href")
                        .and_then(Value::as_str)
                        .and_then(|s| Url::parse(s).ok()),
                    _ => None,
                }
                .filter(|u| matches!(u.scheme(), "http" | "https"))?;
                let content_type = a
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let kind = match content_type.as_deref().and_then(|t| t.split('/').next()) {
                    Some("image") => "image",
                    Some("video") => "video",
                    Some("audio") => "audio",
                    _ => match a.get("type").and_then(Value::as_str) {
                        Some("Image") => "image",
                        Some("Video") => "video",
                        Some("Audio") => "audio",
                        _ => "unknown",
                    },
                };
                let int = |key: &str| {
                    a.get(key)
                        .and_then(Value::as_i64)
                        .and_then(|n| i32::try_from(n).ok())
                        .filter(|n| *n > 0)
                };
                let focus = a.get("focalPoint").and_then(Value::as_array).and_then(|f| {
                    let x = f.first()?.as_f64()?;
                    let y = f.get(1)?.as_f64()?;
                    Some((x.clamp(-1.0, 1.0), y.clamp(-1.0, 1.0)))
                });
                Some(db::media::RemoteMedia {
                    kind: kind.into(),
                    content_type,
                    url: url.to_string(),
                    description: a
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|s| s.chars().take(1500).collect::<String>())
                        .filter(|s| !s.trim().is_empty()),
                    blurhash: a
                        .get("blurhash")
                        .and_then(Value::as_str)
                        .filter(|b| b.len() <= 100)
                        .map(str::to_string),
                    width: int("width"),
                    height: int("height"),
                    focus,
                })
            })
            .take(8)
            .collect()
    }

    /// The poll of a Question.
    pub fn remote_poll(&self) -> Option<db::polls::PollState> {
        if self.kind != "Question" {
            return None;
        }
        let multiple = self.one_of.is_empty() && !self.any_of.is_empty();
        let items = if multiple { &self.any_of } else { &self.one_of };
        let mut options = Vec::new();
        let mut counts = Vec::new();
        for item in items.iter().take(20) {
            let Some(name) = item.get("name").and_then(Value::as_str) else {
                continue;
            };
            options.push(name.chars().take(200).collect::<String>());
            counts.push(
                item.get("replies")
                    .and_then(|r| r.get("totalItems"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    .max(0),
            );
        }
        if options.is_empty() {
            return None;
        }
        let closed_at = match &self.closed {
            Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.with_timezone(&Utc)),
            Some(Value::Bool(true)) => Some(Utc::now()),
            _ => None,
        };
        let voters = self
            .voters_count
            .unwrap_or_else(|| if multiple { 0 } else { counts.iter().sum() });
        Some(db::polls::PollState {
            options,
            counts,
            multiple,
            hide_totals: false,
            voters_count: i32::try_from(voters.max(0)).unwrap_or(i32::MAX),
            expires_at: self.end_time.or(closed_at),
        })
    }

    /// The author's id.
    pub fn author(&self) -> Option<Url> {
        match &self.attributed_to {
            Value::Array(items) => items
                .iter()
                .find(|v| v.is_string() || v.get("type").and_then(Value::as_str) == Some("Person"))
                .and_then(|v| wire::first_url(Some(v))),
            other => wire::first_url(Some(other)),
        }
    }
}

#[async_trait]
impl Object for DbPost {
    type DataType = AppState;
    type Kind = Note;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.ap_id
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> AppResult<Option<Self>> {
        db::posts::find_by_ap_id(&data.db.read, id.as_str())
            .await?
            .map(DbPost::new)
            .transpose()
    }

    fn is_deleted(&self) -> bool {
        self.model.deleted_at.is_some()
    }

    async fn delete(&self, data: &Data<AppState>) -> AppResult<()> {
        db::posts::mark_deleted(&data.db.write, self.model.id).await
    }

    async fn into_json(self, data: &Data<AppState>) -> AppResult<Note> {
        note_for_post(data, &data.db.read, &self.model).await
    }

    async fn verify(json: &Note, expected_domain: &Url, _data: &Data<AppState>) -> AppResult<()> {
        crate::federation::urls::verify_same_host(json.id.inner(), expected_domain)?;
        let author = json
            .author()
            .ok_or_else(|| AppError::BadRequest("note has no attributedTo".into()))?;
        crate::federation::urls::verify_same_host(json.id.inner(), &author)?;
        Ok(())
    }

    async fn from_json(json: Note, data: &Data<AppState>) -> AppResult<Self> {
        let author_id = json
            .author()
            .ok_or_else(|| AppError::BadRequest("note has no attributedTo".into()))?;
        let author = ObjectId::<DbActor>::from(author_id)
            .dereference(data)
            .await?;
        let visibility =
            visibility_from_addressing(&json.to, &json.cc, author.model.followers_url.as_deref());
        let language = json
            .content_map
            .as_ref()
            .and_then(|m| m.keys().next().cloned())
            .filter(|l| l.len() <= 16);
        let raw = json
            .content
            .clone()
            .or_else(|| {
                json.content_map
                    .as_ref()
                    .and_then(|m| m.values().next().cloned())
            })
            .unwrap_or_default();
        let mut content = text::sanitize_remote_html(&raw);
        if let Some(name) = json
            .name
            .as_ref()
            .filter(|_| !matches!(json.kind.as_str(), "Note" | "Question"))
        {
            // Articles and Pages carry a title: keep it readable at the top.
            content = format!(
                "<p><strong>{}</strong></p>{content}",
                text::escape_html(name)
            );
        }
        let in_reply_to = json
            .in_reply_to
            .as_ref()
            .and_then(|v| wire::first_url(Some(v)));
        let mut attachments = json.remote_media();
        if data.domain_policy.rejects_media(&author.model.domain) {
            // Federation policy `reject_media`: no media rows, only links in the text.
            for media in attachments.drain(..) {
                let href = text::escape_html(&media.url);
                content.push_str(&format!(
                    "<p><a href=\"{href}\" rel=\"nofollow noopener\">{href}</a></p>"
                ));
            }
        }
        let remote = db::posts::RemotePost {
            ap_id: json.id.inner().to_string(),
            author_id: author.model.id,
            url: wire::first_url(json.url.as_ref()).map(String::from),
            content,
            summary: json
                .summary
                .as_deref()
                .map(text::html_to_plain_text)
                .filter(|s| !s.is_empty()),
            sensitive: json.sensitive.unwrap_or(false),
            visibility: visibility.to_string(),
            language,
            in_reply_to_ap_id: in_reply_to.map(String::from),
            published: json.published.unwrap_or_else(Utc::now),
            updated: json.updated,
            mention_ap_ids: json.mention_hrefs(),
            hashtags: json.hashtags(),
            attachments,
            poll: json.remote_poll(),
        };
        // A Halqa offer's readable Note names its offer, on the same host.
        let origin = crate::federation::urls::host_of(json.id.inner());
        let offer = json
            .mentorship_offer
            .clone()
            .filter(|o| crate::federation::urls::host_of(o) == origin);
        let resource = json
            .teaching_resource
            .clone()
            .filter(|r| crate::federation::urls::host_of(r) == origin);
        // The post, its mentions and tags land together or not at all.
        let txn = data.db.write.begin().await?;
        let before = db::posts::find_by_ap_id(&txn, &remote.ap_id).await?;
        let model = db::posts::upsert_remote(&txn, &data.ids, remote).await?;
        crate::service::timelines::remote_post_stored(&txn, data, &model, before.as_ref()).await?;
        crate::service::commit(data, txn).await?;
        if let Some(offer) = offer {
            // Keep the offer itself up to date too (a peer may have got only the Note).
            crate::federation::activities::mentorship::fetch_offer(data, &offer).await;
        }
        if let Some(resource) = resource {
            // The same for a teaching resource's Note.
            crate::federation::activities::resources::fetch_resource(data, &resource).await;
        }
        DbPost::new(model)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn visibility_round_trips_through_addressing() {
        let followers = "https://a.example/users/amina/followers";
        let mention = vec!["https://b.example/users/bob".to_string()];
        for vis in ["public", "unlisted", "private", "direct"] {
            let (to, cc) = addressing(vis, followers, &mention);
            let to: Vec<Url> = to.iter().map(|s| u(s)).collect();
            let cc: Vec<Url> = cc.iter().map(|s| u(s)).collect();
            assert_eq!(visibility_from_addressing(&to, &cc, Some(followers)), vis);
        }
    }

    #[test]
    fn as_public_is_public() {
        let to = vec![u("https://www.w3.org/ns/activitystreams#Public")];
        assert_eq!(visibility_from_addressing(&to, &[], None), "public");
    }
}
