//! What a mentorship space holds, on the wire: `MentorshipGoal` (`name`, `done`),
//! `MentorshipMeeting` (`meetingDate`, notes as `content`, `nextSteps`) and `MentorshipMessage`
//! (`content`), Halqa types with `context` = the mentorship's `Agreement` id, addressed to the
//! other party only.
use crate::{
    db::entity::{actor, mentorship_agreement as agreement},
    error::{AppError, AppResult},
    federation::wire,
    service::mentorship::space::Item,
    text,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// The three item types.
pub const ITEM_TYPES: [&str; 3] = ["MentorshipGoal", "MentorshipMeeting", "MentorshipMessage"];

fn item_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &ITEM_TYPES)
}

/// A goal, meeting note or message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MentorshipItem {
    #[serde(rename = "type", deserialize_with = "item_kind")]
    pub kind: String,
    pub id: Url,
    pub attributed_to: Url,
    /// The mentorship (`Agreement` id).
    pub context: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_steps: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
}

fn url(s: &str) -> AppResult<Url> {
    Url::parse(s).map_err(|e| AppError::Internal(anyhow::anyhow!("bad stored URL {s}: {e}")))
}

/// Plain text as HTML paragraphs.
fn html(plain: &str) -> String {
    text::render_local_status(plain, &|_| None, &|t| format!("#{t}"))
}

impl MentorshipItem {
    /// The wire form of `item`, by `author`, in mentorship `m`, for `other`.
    pub fn build(
        item: &Item,
        author: &actor::Model,
        other: &actor::Model,
        m: &agreement::Model,
    ) -> AppResult<MentorshipItem> {
        let mut out = MentorshipItem {
            kind: String::new(),
            id: url(&m.ap_id)?,
            attributed_to: url(&author.ap_id)?,
            context: url(&m.ap_id)?,
            name: None,
            done: None,
            content: None,
            meeting_date: None,
            next_steps: None,
            published: None,
            updated: None,
            to: vec![url(&other.ap_id)?],
        };
        match item {
            Item::Goal(g) => {
                out.kind = "MentorshipGoal".into();
                out.id = url(&g.ap_id)?;
                out.attributed_to = url(&author.ap_id)?;
                out.name = Some(g.title.clone());
                out.done = Some(g.done);
                out.published = Some(g.created_at);
                out.updated = (g.updated_at > g.created_at).then_some(g.updated_at);
            }
            Item::Meeting(mt) => {
                out.kind = "MentorshipMeeting".into();
                out.id = url(&mt.ap_id)?;
                out.meeting_date = Some(mt.held_on.clone());
                out.content = Some(html(&mt.notes));
                out.next_steps = Some(mt.next_steps.clone());
                out.published = Some(mt.created_at);
            }
            Item::Message(msg) => {
                out.kind = "MentorshipMessage".into();
                out.id = url(&msg.ap_id)?;
                out.content = Some(html(&msg.content));
                out.published = Some(msg.created_at);
            }
        }
        Ok(out)
    }

    /// The content as plain text.
    pub fn plain_content(&self) -> String {
        text::html_to_plain_text(self.content.as_deref().unwrap_or_default())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_item_type_round_trips() {
        for value in [
            json!({
                "type": "MentorshipGoal", "id": "https://b.example/mentorship/goals/1",
                "attributedTo": "https://b.example/users/bob", "context": "https://b.example/mentorships/9",
                "name": "Plan a sequence", "done": true, "to": "https://a.example/users/amina"
            }),
            json!({
                "type": "MentorshipMeeting", "id": "https://a.example/mentorship/meetings/2",
                "attributedTo": "https://a.example/users/amina", "context": "https://b.example/mentorships/9",
                "meetingDate": "2026-11-20", "content": "<p>Talked about groups</p>",
                "nextSteps": "Try stations", "to": ["https://b.example/users/bob"]
            }),
            json!({
                "type": "MentorshipMessage", "id": "https://a.example/mentorship/messages/3",
                "attributedTo": "https://a.example/users/amina", "context": "https://b.example/mentorships/9",
                "content": "<p>Thanks &amp; see you</p>", "to": ["https://b.example/users/bob"]
            }),
        ] {
            let item: MentorshipItem = serde_json::from_value(value).unwrap();
            let again: MentorshipItem =
                serde_json::from_value(serde_json::to_value(&item).unwrap()).unwrap();
            assert_eq!(again, item);
            assert_eq!(again.to.len(), 1);
        }
        let msg: MentorshipItem = serde_json::from_value(json!({
            "type": "MentorshipMessage", "id": "https://a.example/m/3",
            "attributedTo": "https://a.example/users/amina", "context": "https://b.example/mentorships/9",
            "content": "<p>Thanks &amp; see you</p>"
        }))
        .unwrap();
        assert_eq!(msg.plain_content(), "Thanks & see you");
        assert!(
            serde_json::from_value::<MentorshipItem>(
                json!({"type": "Note", "id": "https://a.example/1"})
            )
            .is_err()
        );
    }
}
