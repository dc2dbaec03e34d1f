//! The AS2 `Note` (statuses; `Article`, `Page` and `Question` are read as notes too) and its
//! mapping to `post` rows, including addressing ⇄ visibility.
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
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, protocol::verification::verify_domains_match,
    traits::Object,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
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

/// Builds the wire note for a stored post (author, mentions, tags read through `db`, which is
/// the open transaction when the post is being written).
pub async fn note_for_post(
    data: &Data<AppState>,
    db: &impl sea_orm::ConnectionTrait,
    model: &post::Model,
) -> AppResult<Note> {
    let author = db::actors::get_by_id(db, model.author_id).await?;
    let mentioned = db::posts::mentioned_actors(db, model.id).await?;
    let tags = db::posts::tags(db, model.id).await?;
    let followers = author.followers_url.clone().unwrap_or_default();
    let mention_ids: Vec<String> = mentioned.iter().map(|a| a.ap_id.clone()).collect();
    let (to, cc) = addressing(&model.visibility, &followers, &mention_ids);
    let urls = |list: Vec<String>| list.iter().filter_map(|s| Url::parse(s).ok()).collect();
    let mut tag: Vec<Value> = mentioned
        .iter()
        .map(|a| json!({"type": "Mention", "href": a.ap_id, "name": format!("@{}", a.handle())}))
        .collect();
    tag.extend(
        tags.iter()
            .map(|t| json!({"type": "Hashtag", "href": data.urls.tag(t), "name": format!("#{t}")})),
    );
    Ok(Note {
        kind: "Note".into(),
        id: Url::parse(&model.ap_id)
            .map_err(|e| anyhow::anyhow!("bad post id: {e}"))?
            .into(),
        attributed_to: Value::String(author.ap_id.clone()),
        name: None,
        content: Some(model.content.clone()),
        content_map: model
            .language
            .clone()
            .map(|lang| HashMap::from([(lang, model.content.clone())])),
        summary: model.summary.clone().filter(|s| !s.is_empty()),
        sensitive: Some(model.sensitive),
        in_reply_to: model.in_reply_to_ap_id.clone().map(Value::String),
        published: Some(model.published_at),
        updated: model.edited_at,
        url: model.url.clone().map(Value::String),
        to: urls(to),
        cc: urls(cc),
        tag,
        attachment: Vec::new(),
    })
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
        verify_domains_match(json.id.inner(), expected_domain)?;
        let author = json
            .author()
            .ok_or_else(|| AppError::BadRequest("note has no attributedTo".into()))?;
        verify_domains_match(json.id.inner(), &author)?;
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
        if let Some(name) = json.name.as_ref().filter(|_| json.kind != "Note") {
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
        };
        // The post, its mentions and tags land together or not at all.
        let txn = data.db.write.begin().await?;
        let model = db::posts::upsert_remote(&txn, &data.ids, remote).await?;
        txn.commit().await?;
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
