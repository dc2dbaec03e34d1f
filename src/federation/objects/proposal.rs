//! The mentorship offer on the wire: a FEP-0837 `Proposal` (purpose `offer`) that `publishes`
//! an `Intent` to deliver the service "mentoring", with the places left as `availableQuantity`,
//! plus Halqa's terms (subjects, levels, `inLanguage`, format, region, capacity, state and the
//! id of its readable `Note`). Also the FEP's quantities shared with `Agreement`s.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_offer as offer},
        mentorship::RemoteOffer,
    },
    error::{AppError, AppResult},
    federation::{context::PUBLIC, wire},
    service::mentorship::notes,
    text,
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// The service an offer's intent delivers (`resourceConformsTo`).
pub const MENTORING: &str = "https://w3id.org/halqa/ns#mentoring";
/// What the mentee commits to in return (the reciprocal intent).
pub const PARTICIPATION: &str = "https://w3id.org/halqa/ns#participation";

/// `om2` quantity: a unit and a numerical value (a string in FEP-0837, a number elsewhere).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quantity {
    pub has_unit: String,
    #[serde(deserialize_with = "number_text")]
    pub has_numerical_value: String,
}

impl Quantity {
    /// `n` of unit `one`.
    pub fn one(n: i64) -> Self {
        Quantity {
            has_unit: "one".into(),
            has_numerical_value: n.to_string(),
        }
    }

    /// The value as a whole number (fractions are cut), if it is a number.
    pub fn count(&self) -> Option<i64> {
        self.has_numerical_value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|v| v.floor().clamp(-1e9, 1e9) as i64)
    }
}

fn number_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "hasNumericalValue must be a number, not {other}"
        ))),
    }
}

/// Strings that may come as one string or a list (other items are skipped).
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    })
}

/// A FEP-0837 `Intent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Url>,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_conforms_to: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_quantity: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_quantity: Option<Quantity>,
}

fn proposal_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &["Proposal"])
}

/// A mentorship offer as a `Proposal`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    #[serde(rename = "type", deserialize_with = "proposal_kind")]
    pub kind: String,
    pub id: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    pub attributed_to: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    pub publishes: Intent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reciprocal: Option<Intent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_based: Option<bool>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub subjects: Vec<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub levels: Vec<String>,
    #[serde(
        default,
        deserialize_with = "strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub in_language: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentoring_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<Utc>>,
    /// The offer's readable `Note` (a Halqa peer shows the two as one status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_note: Option<Url>,
}

fn parse(s: &str) -> AppResult<Url> {
    Url::parse(s).map_err(|e| AppError::Internal(anyhow::anyhow!("bad stored URL {s}: {e}")))
}

/// The `Proposal` for a local offer by `author`.
pub fn proposal_for_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    o: &offer::Model,
) -> AppResult<Proposal> {
    let id = parse(&o.ap_id)?;
    let fragment = |f: &str| {
        let mut u = id.clone();
        u.set_fragment(Some(f));
        u
    };
    let tag_url = |t: &str| data.urls.tag(t);
    Ok(Proposal {
        kind: "Proposal".into(),
        id: id.clone(),
        purpose: Some("offer".into()),
        attributed_to: parse(&author.ap_id)?,
        name: Some(o.title.clone()),
        summary: Some(notes::facets_line(o, "en")),
        content: Some(text::render_local_status(
            &o.description,
            &|_| None,
            &tag_url,
        )),
        url: o.url.as_deref().map(parse).transpose()?,
        published: Some(o.published_at),
        updated: (o.updated_at > o.published_at).then_some(o.updated_at),
        publishes: Intent {
            kind: "Intent".into(),
            id: Some(fragment("primary")),
            action: "deliverService".into(),
            resource_conforms_to: Some(parse(MENTORING)?),
            resource_quantity: Some(Quantity::one(1)),
            available_quantity: Some(Quantity::one(i64::from(o.available))),
            minimum_quantity: None,
        },
        reciprocal: Some(Intent {
            kind: "Intent".into(),
            id: Some(fragment("reciprocal")),
            action: "work".into(),
            resource_conforms_to: Some(parse(PARTICIPATION)?),
            resource_quantity: Some(Quantity::one(1)),
            available_quantity: None,
            minimum_quantity: None,
        }),
        unit_based: Some(false),
        to: vec![parse(PUBLIC)?],
        cc: author
            .followers_url
            .as_deref()
            .map(parse)
            .transpose()?
            .into_iter()
            .collect(),
        subjects: db::mentorship::codes_of(&o.subjects),
        levels: db::mentorship::codes_of(&o.levels),
        in_language: db::mentorship::codes_of(&o.languages),
        mentoring_format: Some(o.format.clone()),
        region: o.region.clone(),
        capacity: Some(i64::from(o.capacity)),
        offer_state: Some(o.state.clone()),
        start_time: o.starts_at,
        end_time: o.ends_at,
        offer_note: o.note_ap_id.as_deref().map(parse).transpose()?,
    })
}

impl Proposal {
    /// Whether this is an offer of mentoring (not some other marketplace proposal).
    pub fn is_mentoring(&self) -> bool {
        self.purpose.as_deref().is_none_or(|p| p == "offer")
            && self
                .publishes
                .resource_conforms_to
                .as_ref()
                .is_some_and(|r| r.as_str() == MENTORING)
    }

    /// The offer as stored here (sanitised; the author id is set by the caller). The readable
    /// Note must be on the Proposal's own host.
    pub fn to_remote(&self) -> RemoteOffer {
        let capacity = self
            .capacity
            .or_else(|| {
                self.publishes
                    .resource_quantity
                    .as_ref()
                    .and_then(Quantity::count)
            })
            .unwrap_or(1)
            .clamp(1, 1000) as i32;
        let available = self
            .publishes
            .available_quantity
            .as_ref()
            .and_then(Quantity::count)
            .unwrap_or(i64::from(capacity))
            .clamp(0, i64::from(capacity)) as i32;
        let same_host = |u: &&Url| u.host_str() == self.id.host_str() && u.port() == self.id.port();
        RemoteOffer {
            ap_id: self.id.to_string(),
            author_id: 0,
            note_ap_id: self
                .offer_note
                .as_ref()
                .filter(same_host)
                .map(Url::to_string),
            url: self
                .url
                .as_ref()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(Url::to_string),
            title: text::html_to_plain_text(self.name.as_deref().unwrap_or_default()),
            description: text::html_to_plain_text(self.content.as_deref().unwrap_or_default()),
            subjects: self.subjects.clone(),
            levels: self.levels.clone(),
            languages: self.in_language.clone(),
            format: self.mentoring_format.clone().unwrap_or_default(),
            region: self
                .region
                .as_deref()
                .map(text::html_to_plain_text)
                .filter(|r| !r.is_empty()),
            capacity,
            available,
            state: self.offer_state.clone().unwrap_or_default(),
            starts_at: self.start_time,
            ends_at: self.end_time,
            published: self.published.unwrap_or_else(Utc::now),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/tests/fixtures/activitypub/fep/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap(),
            // The in-repository copy of the FEP fixture; the same payload inline if it is gone.
            Err(_) => json!({
                "type": "Proposal",
                "id": "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930",
                "purpose": "offer",
                "attributedTo": "https://market.example/users/alice",
                "publishes": {
                    "type": "Intent",
                    "id": "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930#primary",
                    "action": "transfer",
                    "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"}
                },
                "unitBased": false,
                "to": "https://www.w3.org/ns/activitystreams#Public"
            }),
        }
    }

    #[test]
    fn fep_0837_proposals_parse_and_round_trip() {
        for name in [
            "0837_federated_marketplace_proposal_minimal.json",
            "0837_federated_marketplace_proposal_full.json",
        ] {
            let value = fixture(name);
            let proposal: Proposal = serde_json::from_value(value).unwrap();
            assert_eq!(proposal.kind, "Proposal");
            assert_eq!(proposal.purpose.as_deref(), Some("offer"));
            assert_eq!(proposal.publishes.action, "transfer");
            assert_eq!(
                proposal
                    .publishes
                    .resource_quantity
                    .as_ref()
                    .unwrap()
                    .count(),
                Some(1)
            );
            // A bike is not mentoring: such proposals are not stored as offers.
            assert!(!proposal.is_mentoring());
            let again: Proposal =
                serde_json::from_value(serde_json::to_value(&proposal).unwrap()).unwrap();
            assert_eq!(again, proposal);
        }
    }

    #[test]
    fn halqa_offer_round_trips_and_reads_back_as_the_same_offer() {
        let value = json!({
            "type": "Proposal",
            "id": "https://b.example/mentorship/offers/7",
            "purpose": "offer",
            "attributedTo": "https://b.example/users/bob",
            "name": "Maths <b>mentoring</b>",
            "content": "<p>Weekly calls</p>",
            "url": "https://b.example/mentorship/offers/7",
            "publishes": {
                "type": "Intent",
                "id": "https://b.example/mentorship/offers/7#primary",
                "action": "deliverService",
                "resourceConformsTo": MENTORING,
                "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"},
                "availableQuantity": {"hasUnit": "one", "hasNumericalValue": 1}
            },
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": ["https://b.example/users/bob/followers"],
            "subjects": ["mathematics"],
            "levels": "secondary",
            "inLanguage": ["fr", "ar"],
            "mentoringFormat": "online",
            "region": "Fès-Meknès",
            "capacity": 2,
            "offerState": "open",
            "offerNote": "https://b.example/users/bob/statuses/8"
        });
        let proposal: Proposal = serde_json::from_value(value).unwrap();
        assert!(proposal.is_mentoring());
        let again: Proposal =
            serde_json::from_value(serde_json::to_value(&proposal).unwrap()).unwrap();
        assert_eq!(again, proposal);
        let remote = proposal.to_remote();
        assert_eq!(remote.title, "Maths mentoring");
        assert_eq!(remote.description, "Weekly calls");
        assert_eq!(remote.levels, vec!["secondary"]);
        assert_eq!((remote.capacity, remote.available), (2, 1));
        assert_eq!(
            remote.note_ap_id.as_deref(),
            Some("https://b.example/users/bob/statuses/8")
        );
    }

    #[test]
    fn a_note_on_another_host_and_odd_quantities_are_not_trusted() {
        let value = json!({
            "type": "Proposal",
            "id": "https://b.example/mentorship/offers/7",
            "attributedTo": "https://b.example/users/bob",
            "publishes": {
                "type": "Intent",
                "action": "deliverService",
                "resourceConformsTo": MENTORING,
                "availableQuantity": {"hasUnit": "one", "hasNumericalValue": "9999"}
            },
            "capacity": 3,
            "offerNote": "https://evil.example/statuses/1"
        });
        let remote = serde_json::from_value::<Proposal>(value)
            .unwrap()
            .to_remote();
        assert_eq!(remote.note_ap_id, None);
        assert_eq!(remote.available, 3);
        assert!(
            serde_json::from_value::<Proposal>(
                json!({"type": "Note", "id": "https://x.example/1"})
            )
            .is_err()
        );
    }
}
