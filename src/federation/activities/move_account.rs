//! `Move` (FEP-7628, as Mastodon sends it): `actor` = `object` = the account that moved,
//! `target` = its new account, addressed to its followers. Received, it is checked and applied
//! by `service::moves::inbound`; sent by `outbox::account_moved`.
use crate::{
    AppState,
    error::{AppError, AppResult},
    federation::wire,
    service,
};
use activitypub_federation::{config::Data, traits::Activity};
use async_trait::async_trait;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// One id: a URL string or an object with an `id`.
fn one_url<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let value = Value::deserialize(d)?;
    wire::first_url(Some(&value))
        .ok_or_else(|| serde::de::Error::custom("expected an actor id (a URL)"))
}

/// `Move`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Move {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    #[serde(deserialize_with = "one_url")]
    pub object: Url,
    #[serde(deserialize_with = "one_url")]
    pub target: Url,
    #[serde(
        default,
        deserialize_with = "wire::one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "wire::one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
}

#[async_trait]
impl Activity for Move {
    type DataType = AppState;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppState>) -> AppResult<()> {
        service::moves::rules::check_move_shape(
            self.actor.as_str(),
            self.object.as_str(),
            self.target.as_str(),
        )
        .map_err(|why| AppError::BadRequest(why.to_string()))
    }

    async fn receive(self, data: &Data<AppState>) -> AppResult<()> {
        service::moves::inbound::receive_move(data, &self.actor, &self.object, &self.target).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A fixture of `tests/fixtures/activitypub/`, when present.
    fn fixture(path: &str) -> Option<Value> {
        let path = format!(
            "{}/tests/fixtures/activitypub/{path}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).ok()?;
        Some(serde_json::from_str(&text).unwrap())
    }

    #[test]
    fn mastodon_and_fep_moves_parse() {
        let mastodon: Move = serde_json::from_value(json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": "https://mastodon.example/users/alice#moves/1",
            "actor": "https://mastodon.example/users/alice",
            "type": "Move",
            "object": "https://mastodon.example/users/alice",
            "target": "https://alice.com/users/109835986274379",
            "to": "https://mastodon.example/users/alice/followers"
        }))
        .unwrap();
        assert_eq!(mastodon.actor, mastodon.object);
        assert_eq!(mastodon.to.len(), 1);
        for name in [
            "mastodon-docs/move.json",
            "fep/7628_move_actor_push_mode.json",
            "fep/7628_move_actor_pull_mode.json",
        ] {
            if let Some(v) = fixture(name) {
                let m: Move = serde_json::from_value(v).unwrap();
                assert_eq!(m.kind, "Move", "{name}");
            }
        }
    }

    #[test]
    fn a_move_without_a_target_or_with_junk_ids_is_refused_when_read() {
        let no_target = json!({
            "type": "Move", "id": "https://a.example/m/1",
            "actor": "https://a.example/users/x", "object": "https://a.example/users/x"
        });
        assert!(serde_json::from_value::<Move>(no_target).is_err());
        let junk = json!({
            "type": "Move", "id": "https://a.example/m/1", "actor": "https://a.example/users/x",
            "object": 42, "target": "https://b.example/users/y"
        });
        assert!(serde_json::from_value::<Move>(junk).is_err());
        let embedded = json!({
            "type": "Move", "id": "https://a.example/m/1", "actor": "https://a.example/users/x",
            "object": {"type": "Person", "id": "https://a.example/users/x"},
            "target": "https://b.example/users/y"
        });
        let m: Move = serde_json::from_value(embedded).unwrap();
        assert_eq!(m.object.as_str(), "https://a.example/users/x");
    }
}
