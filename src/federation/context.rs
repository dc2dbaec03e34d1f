//! The JSON-LD `@context` this node sends: ActivityStreams, security, Mastodon's extension terms
//! and Halqa's own namespace for PLN facets.
use serde_json::{Value, json};

/// Namespace of Halqa's own terms (PLN facets, mentorship, resources).
pub const HALQA_NS: &str = "https://w3id.org/halqa/ns#";

/// The `@context` of every document and activity we serve or send.
pub fn default_context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "halqa": HALQA_NS,
            "stage": "halqa:stage",
            "subjects": "halqa:subjects",
            "levels": "halqa:levels",
            "teachingLanguages": "halqa:teachingLanguages",
            "region": "halqa:region",
            "openToMentor": "halqa:openToMentor",
            "seekingMentor": "halqa:seekingMentor"
        }
    ])
}

/// The public collection, in its three accepted spellings.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Whether an addressing entry means "public".
pub fn is_public(addr: &str) -> bool {
    matches!(addr, PUBLIC | "as:Public" | "Public")
}
