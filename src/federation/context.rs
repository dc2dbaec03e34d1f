//! The JSON-LD `@context` this node sends: ActivityStreams, security, Mastodon's extension terms
//! and Halqa's own namespace for PLN facets and institutions.
use serde_json::{Value, json};

/// Namespace of Halqa's own terms (PLN facets, mentorship, resources).
pub const HALQA_NS: &str = "https://w3id.org/halqa/ns#";

/// The `@context` of every document and activity we serve or send.
pub fn default_context() -> Value {
    let mut context = json!([
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
    ]);
    if let Some(terms) = context.get_mut(2).and_then(Value::as_object_mut) {
        terms.extend(profile_terms());
        // Mastodon's pinned statuses collection on actors.
        terms.insert(
            "featured".into(),
            json!({"@id": "toot:featured", "@type": "@id"}),
        );
        terms.extend(mentorship_terms());
        terms.extend(resource_terms());
    }
    context
}

/// Terms of PLN profiles and institutions: the marker of derived facet fields and the
/// Organization actor's profile (kept apart: one `json!` of every term overflows the macro's
/// recursion limit).
fn profile_terms() -> serde_json::Map<String, Value> {
    let terms = json!({
        "facet": "halqa:facet",
        "institutionKind": "halqa:institutionKind",
        "city": "halqa:city",
        "knowsLanguage": "schema:knowsLanguage",
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "movedTo": {"@id": "as:movedTo", "@type": "@id"}
    });
    match terms {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// Terms of mentorship: FEP-0837 (ValueFlows `vf:` and units `om2:`, as the FEP maps them) and
/// Halqa's offer facets and mentorship space.
fn mentorship_terms() -> serde_json::Map<String, Value> {
    let terms = json!({
        "vf": "https://w3id.org/valueflows/ont/vf#",
        "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
        "Proposal": "vf:Proposal",
        "Intent": "vf:Intent",
        "Agreement": "vf:Agreement",
        "Commitment": "vf:Commitment",
        "purpose": "vf:purpose",
        "action": "vf:action",
        "unitBased": "vf:unitBased",
        "publishes": "vf:publishes",
        "reciprocal": "vf:reciprocal",
        "resourceConformsTo": "vf:resourceConformsTo",
        "resourceQuantity": "vf:resourceQuantity",
        "availableQuantity": "vf:availableQuantity",
        "minimumQuantity": "vf:minimumQuantity",
        "stipulates": "vf:stipulates",
        "stipulatesReciprocal": "vf:stipulatesReciprocal",
        "satisfies": "vf:satisfies",
        "hasUnit": "om2:hasUnit",
        "hasNumericalValue": "om2:hasNumericalValue",
        "inLanguage": "schema:inLanguage",
        "mentoringFormat": "halqa:mentoringFormat",
        "capacity": "halqa:capacity",
        "offerState": "halqa:offerState",
        "offerNote": {"@id": "halqa:offerNote", "@type": "@id"},
        "mentorshipOffer": {"@id": "halqa:mentorshipOffer", "@type": "@id"},
        "goals": "halqa:goals",
        "MentorshipGoal": "halqa:MentorshipGoal",
        "MentorshipMeeting": "halqa:MentorshipMeeting",
        "MentorshipMessage": "halqa:MentorshipMessage",
        "done": "halqa:done",
        "meetingDate": "halqa:meetingDate",
        "nextSteps": "halqa:nextSteps"
    });
    match terms {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// Terms of teaching resources (`Page`s): schema.org / LRMI educational metadata and Halqa's
/// link to the readable Note. `inLanguage` comes with the mentorship terms.
fn resource_terms() -> serde_json::Map<String, Value> {
    let terms = json!({
        "license": {"@id": "schema:license", "@type": "@id"},
        "learningResourceType": "schema:learningResourceType",
        "educationalLevel": "schema:educationalLevel",
        "about": "schema:about",
        "timeRequired": "schema:timeRequired",
        "competencyRequired": "schema:competencyRequired",
        "isBasedOn": {"@id": "schema:isBasedOn", "@type": "@id"},
        "contentSize": "schema:contentSize",
        "resourceNote": {"@id": "halqa:resourceNote", "@type": "@id"},
        "teachingResource": {"@id": "halqa:teachingResource", "@type": "@id"},
        "collectionVisibility": "halqa:collectionVisibility",
        "collectionNote": {"@id": "halqa:collectionNote", "@type": "@id"},
        "itemNotes": "halqa:itemNotes"
    });
    match terms {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// The public collection, in its three accepted spellings.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Whether an addressing entry means "public".
pub fn is_public(addr: &str) -> bool {
    matches!(addr, PUBLIC | "as:Public" | "Public")
}
