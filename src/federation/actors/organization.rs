//! The node's institution as an AS2 `Organization` actor: the ordinary actor document (name,
//! readable summary and profile fields, key, inbox, followers) plus the institution profile as
//! `halqa:institutionKind`, `halqa:city`, `halqa:region` and `schema:knowsLanguage`. Remote
//! Organization actors are read by `person.rs` like any other actor type.
use crate::{
    db::entity::{actor, institution},
    error::AppResult,
    federation::actors::person::Person,
};
use serde::{Deserialize, Serialize};

/// The Organization document on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(flatten)]
    pub actor: Person,
    /// A code of `vocabulary::INSTITUTION_KINDS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Working languages (language tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knows_language: Vec<String>,
}

impl Organization {
    /// The document of the local Organization actor with its profile; the readable parts are
    /// in `lang`.
    pub fn from_model(
        model: &actor::Model,
        profile: &institution::Model,
        lang: &str,
    ) -> AppResult<Self> {
        let mut actor = Person::from_model(model, lang)?;
        actor.region = profile.region.clone();
        Ok(Organization {
            actor,
            institution_kind: profile.kind.clone(),
            city: profile.city.clone(),
            knows_language: profile.language_list(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::federation::context::default_context;
    use chrono::Utc;
    use serde_json::{Value, json};

    fn org_actor() -> actor::Model {
        actor::Model {
            id: 7,
            ap_id: "https://crmef.example/users/institution".into(),
            local: true,
            kind: "Organization".into(),
            username: "institution".into(),
            domain: "crmef.example".into(),
            display_name: "CRMEF Rabat".into(),
            summary: "<p>CRMEF — Rabat</p>".into(),
            url: Some("https://crmef.example/@institution".into()),
            inbox: "https://crmef.example/users/institution/inbox".into(),
            shared_inbox: Some("https://crmef.example/inbox".into()),
            outbox: Some("https://crmef.example/users/institution/outbox".into()),
            followers_url: Some("https://crmef.example/users/institution/followers".into()),
            following_url: Some("https://crmef.example/users/institution/following".into()),
            public_key_id: "https://crmef.example/users/institution#main-key".into(),
            public_key_pem: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n".into(),
            private_key_pem: None,
            manually_approves_followers: false,
            discoverable: true,
            avatar_url: None,
            header_url: None,
            stage: None,
            subjects: "[]".into(),
            levels: "[]".into(),
            languages: "[]".into(),
            region: None,
            open_to_mentor: false,
            seeking_mentor: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            last_fetched_at: None,
            deleted_at: None,
            fields: r#"[{"name":"Institution type","value":"CRMEF","verified_at":null}]"#.into(),
            bot: false,
            silenced_at: None,
            suspended_at: None,
            also_known_as: "[]".into(),
            moved_to_ap_id: None,
            moved_at: None,
            hide_collections: false,
        }
    }

    fn profile() -> institution::Model {
        institution::Model {
            domain: "crmef.example".into(),
            local: true,
            software_name: Some("halqa".into()),
            software_version: None,
            is_halqa: true,
            name: "CRMEF Rabat".into(),
            kind: Some("crmef".into()),
            region: Some("Rabat-Salé-Kénitra".into()),
            city: Some("Rabat".into()),
            languages: r#"["ar","fr"]"#.into(),
            description: "Trains teachers".into(),
            actor_url: Some("https://crmef.example/users/institution".into()),
            user_count: None,
            first_seen_at: Utc::now(),
            refreshed_at: None,
            attempted_at: None,
            last_error: None,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn organization_round_trips_and_reads_as_an_actor() {
        let doc = Organization::from_model(&org_actor(), &profile(), "fr").unwrap();
        let mut json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["type"], "Organization");
        assert_eq!(json["institutionKind"], "crmef");
        assert_eq!(json["city"], "Rabat");
        assert_eq!(json["region"], "Rabat-Salé-Kénitra");
        assert_eq!(json["knowsLanguage"], json!(["ar", "fr"]));
        assert_eq!(
            json["followers"],
            "https://crmef.example/users/institution/followers"
        );
        assert_eq!(json["attachment"][0]["name"], "Institution type");
        // People's flags are not an institution's.
        assert!(json.get("openToMentor").is_none() && json.get("stage").is_none());
        // Round trip: parse → serialise gives the same document.
        let back: Organization = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), json);
        // With our @context, every term we add expands to the Halqa or schema.org namespace.
        if let Value::Object(map) = &mut json {
            map.insert("@context".into(), default_context());
        }
        let context = &json["@context"][2];
        for term in ["institutionKind", "city", "region", "facet"] {
            assert!(
                context[term].as_str().unwrap().starts_with("halqa:"),
                "{term}"
            );
        }
        assert_eq!(context["knowsLanguage"], "schema:knowsLanguage");
        // Any actor reader (ours included) takes it as an actor document.
        let person: Person = serde_json::from_value(json).unwrap();
        assert_eq!(person.kind, "Organization");
        assert_eq!(person.preferred_username.as_deref(), Some("institution"));
    }
}
