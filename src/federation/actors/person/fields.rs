//! Profile fields on the wire: a remote actor's `PropertyValue` attachments read as sanitised,
//! limited `(name, value)` pairs (PLN facet fields skipped), and a stored actor's fields written
//! back, followed by its facets as readable fields marked `facet`.
use crate::{db::entity::actor, federation::wire, text};
use serde_json::Value;

/// How many profile fields of a remote actor are kept.
const MAX_REMOTE_FIELDS: usize = 16;

/// Whether an attachment is a PLN facet a Halqa node derived from its `halqa:` terms (marked
/// with `facet`): those are read from the terms, never stored as the user's own fields.
fn is_facet_field(attachment: &Value) -> bool {
    attachment.get("facet").is_some() || attachment.get("halqa:facet").is_some()
}

/// The `PropertyValue` attachments of an actor document as `(name, sanitised HTML value)`,
/// without the PLN facet fields.
pub(super) fn property_values(attachment: &[Value]) -> Vec<(String, String)> {
    let limit = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    attachment
        .iter()
        .filter(|a| wire::types_of(a).iter().any(|k| k == "PropertyValue"))
        .filter(|a| !is_facet_field(a))
        .filter_map(|a| {
            let name = a.get("name")?.as_str()?;
            let value = a.get("value").and_then(Value::as_str).unwrap_or_default();
            Some((
                limit(&text::html_to_plain_text(name), 255),
                text::sanitize_remote_html(&limit(value, 2_000)),
            ))
        })
        .filter(|(name, _)| !name.is_empty())
        .take(MAX_REMOTE_FIELDS)
        .collect()
}

/// The stored profile fields of an actor as `PropertyValue` attachments, then its PLN facets as
/// readable fields (labels in `lang`) marked with `facet` so Halqa peers skip them.
pub(super) fn attachments_of(model: &actor::Model, lang: &str) -> Vec<Value> {
    let fields: Vec<Value> = serde_json::from_str(&model.fields).unwrap_or_default();
    let own = fields.iter().filter_map(|f| {
        Some(serde_json::json!({
            "type": "PropertyValue",
            "name": f.get("name")?.as_str()?,
            "value": f.get("value").and_then(Value::as_str).unwrap_or_default(),
        }))
    });
    let facets = crate::service::profiles::facet_fields(model, lang)
        .into_iter()
        .map(|f| {
            serde_json::json!({
                "type": "PropertyValue",
                "name": f.name,
                "value": f.value,
                "facet": f.facet,
            })
        });
    own.chain(facets).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn property_values_are_read_sanitised_and_limited() {
        let attachment = vec![
            json!({"type": "PropertyValue", "name": "Site", "value": "<a href=\"https://a.example\" onclick=\"x()\">a.example</a><script>x()</script>"}),
            json!({"type": "IdentityProof", "name": "ignored", "value": "x"}),
            json!({"type": "PropertyValue", "name": "", "value": "no name"}),
            json!({"type": "PropertyValue", "name": "<b>Subject</b>", "value": "Maths"}),
        ];
        let fields = property_values(&attachment);
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].0, "Site");
        assert!(fields[0].1.contains("href=\"https://a.example\""));
        assert!(!fields[0].1.contains("onclick") && !fields[0].1.contains("script"));
        assert_eq!(fields[1], ("Subject".to_string(), "Maths".to_string()));
        let many: Vec<Value> = (0..40)
            .map(|i| json!({"type": "PropertyValue", "name": format!("f{i}"), "value": "v"}))
            .collect();
        assert_eq!(property_values(&many).len(), MAX_REMOTE_FIELDS);
    }
}
