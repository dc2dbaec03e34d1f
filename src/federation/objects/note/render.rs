//! Rendering a stored post as its AS2 `Note` (or `Question`): addressing from the visibility,
//! mentions and hashtags as tags, attachments, poll options, the FEP-1b12 audience.
use super::{Note, addressing};
use crate::{
    AppState,
    db::{self, entity::post},
    error::AppResult,
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use url::Url;

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
    let attachment = db::media::of_post(db, model.id)
        .await?
        .iter()
        .filter_map(|m| attachment_json(data, m))
        .collect();
    let poll = db::polls::get(db, model.id).await?;
    let mut question = QuestionParts::default();
    if let Some(poll) = &poll {
        let counts = db::polls::counts(poll);
        let options: Vec<Value> = db::polls::options(poll)
            .into_iter()
            .zip(counts)
            .map(|(name, n)| {
                json!({"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": n}})
            })
            .collect();
        if poll.multiple {
            question.any_of = options;
        } else {
            question.one_of = options;
        }
        question.end_time = poll.expires_at;
        question.closed = poll
            .expires_at
            .filter(|e| *e <= Utc::now())
            .map(|e| Value::String(e.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
        question.voters_count = Some(i64::from(poll.voters_count));
    }
    Ok(Note {
        kind: if poll.is_some() { "Question" } else { "Note" }.into(),
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
        attachment,
        one_of: question.one_of,
        any_of: question.any_of,
        end_time: question.end_time,
        closed: question.closed,
        voters_count: question.voters_count,
        mentorship_offer: db::mentorship::find_offer_by_note(db, &model.ap_id)
            .await?
            .and_then(|o| Url::parse(&o.ap_id).ok()),
        teaching_resource: db::resources::by_notes(db, std::slice::from_ref(&model.ap_id))
            .await?
            .remove(&model.ap_id)
            .and_then(|r| Url::parse(&r.ap_id).ok()),
        audience: mentioned
            .iter()
            .find(|a| a.kind == "Group")
            .map(|a| Value::String(a.ap_id.clone())),
    })
}

#[derive(Default)]
struct QuestionParts {
    one_of: Vec<Value>,
    any_of: Vec<Value>,
    end_time: Option<DateTime<Utc>>,
    closed: Option<Value>,
    voters_count: Option<i64>,
}

/// A stored attachment as an AS2 `Document` (alt text in `name`, Mastodon's `blurhash` and
/// `focalPoint`).
fn attachment_json(
    data: &Data<AppState>,
    m: &crate::db::entity::media_attachment::Model,
) -> Option<Value> {
    let url = match (&m.file_name, &m.remote_url) {
        (Some(file), _) => data.urls.media(file),
        (None, Some(remote)) => remote.clone(),
        _ => return None,
    };
    let mut doc = json!({
        "type": "Document",
        "mediaType": m.content_type,
        "url": url,
        "name": m.description,
    });
    if let Some(b) = &m.blurhash {
        doc["blurhash"] = json!(b);
    }
    if let (Some(x), Some(y)) = (m.focus_x, m.focus_y) {
        doc["focalPoint"] = json!([x, y]);
    }
    if let (Some(w), Some(h)) = (m.width, m.height) {
        doc["width"] = json!(w);
        doc["height"] = json!(h);
    }
    Some(doc)
}
