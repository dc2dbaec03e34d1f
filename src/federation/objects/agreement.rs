//! The FEP-0837 `Agreement` of a mentorship and its two `Commitment`s: the mentor's
//! (`stipulates`, satisfying the offer's `#primary` intent) and the mentee's
//! (`stipulatesReciprocal`, satisfying `#reciprocal`). A request carries it without an id; the
//! mentor's `Accept` returns it as `result` with the id its node minted for the mentorship.
use super::proposal::Quantity;
use crate::federation::wire;
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// A `Commitment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Commitment {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Url>,
    pub satisfies: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Quantity>,
}

fn agreement_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    wire::kind_among(d, &["Agreement"])
}

/// An `Agreement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    #[serde(rename = "type", deserialize_with = "agreement_kind")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Url>,
    /// FEP-0837's own Accept example spells it `stiplulates`: read both.
    #[serde(alias = "stiplulates")]
    pub stipulates: Commitment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stipulates_reciprocal: Option<Commitment>,
}

impl Agreement {
    /// The agreement a mentee proposes for `offer` (one place, one participation); `id` is
    /// set by the mentor's node when it accepts.
    pub fn for_offer(offer: &Url, id: Option<Url>) -> Agreement {
        let intent = |fragment: &str| {
            let mut u = offer.clone();
            u.set_fragment(Some(fragment));
            u
        };
        let commitment = |fragment: &str| Commitment {
            kind: "Commitment".into(),
            id: id.as_ref().map(|a| {
                let mut u = a.clone();
                u.set_fragment(Some(fragment));
                u
            }),
            satisfies: intent(fragment),
            resource_quantity: Some(Quantity::one(1)),
        };
        Agreement {
            kind: "Agreement".into(),
            stipulates: commitment("primary"),
            stipulates_reciprocal: Some(commitment("reciprocal")),
            id,
        }
    }

    /// The offer (Proposal id) this agreement is about: what its primary commitment satisfies,
    /// without the fragment.
    pub fn offer(&self) -> Url {
        let mut u = self.stipulates.satisfies.clone();
        u.set_fragment(None);
        u
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn fixture(name: &str) -> Option<Value> {
        let path = format!(
            "{}/tests/fixtures/activitypub/fep/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).ok()?;
        Some(serde_json::from_str(&text).unwrap())
    }

    #[test]
    fn the_fep_agreements_parse_including_the_stiplulates_typo() {
        if let Some(offer) = fixture("0837_federated_marketplace_offer_agreement.json") {
            let a: Agreement = serde_json::from_value(offer["object"].clone()).unwrap();
            assert_eq!(
                a.offer().as_str(),
                "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930"
            );
            assert_eq!(
                a.stipulates_reciprocal
                    .unwrap()
                    .resource_quantity
                    .unwrap()
                    .count(),
                Some(30)
            );
        }
        if let Some(accept) = fixture("0837_federated_marketplace_accept_agreement.json") {
            let a: Agreement = serde_json::from_value(accept["result"].clone()).unwrap();
            assert!(
                a.id.unwrap()
                    .as_str()
                    .ends_with("edc374aa-e580-4a58-9404-f3e8bf8556b2")
            );
            assert_eq!(a.stipulates.resource_quantity.unwrap().count(), Some(1));
        }
    }

    #[test]
    fn our_agreements_round_trip() {
        let offer = Url::parse("https://b.example/mentorship/offers/7").unwrap();
        for id in [
            None,
            Some(Url::parse("https://b.example/mentorships/9").unwrap()),
        ] {
            let a = Agreement::for_offer(&offer, id.clone());
            let value = serde_json::to_value(&a).unwrap();
            assert_eq!(
                value["stipulates"]["satisfies"],
                json!("https://b.example/mentorship/offers/7#primary")
            );
            assert_eq!(
                value["stipulatesReciprocal"]["resourceQuantity"]["hasNumericalValue"],
                json!("1")
            );
            let again: Agreement = serde_json::from_value(value).unwrap();
            assert_eq!(again, a);
            assert_eq!(again.offer(), offer);
            assert_eq!(again.id, id);
        }
    }
}
