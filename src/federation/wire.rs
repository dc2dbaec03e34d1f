//! Lenient readers for AS2 values that real servers spell several ways (a string, an object, an
//! array of either), shared by the actor, object and activity wire structs.
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use url::Url;

/// A value that may be one item or a list: always a Vec. Unreadable items are skipped.
pub fn one_or_many_urls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Url>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(urls_in(value.as_ref()))
}

/// All URLs in a value: a string, an object with `id`/`href`, or a list of those.
pub fn urls_in(value: Option<&Value>) -> Vec<Url> {
    match value {
        Some(Value::String(s)) => Url::parse(s).into_iter().collect(),
        Some(Value::Array(items)) => items.iter().flat_map(|v| urls_in(Some(v))).collect(),
        Some(Value::Object(map)) => map
            .get("id")
            .or_else(|| map.get("href"))
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok())
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// The first URL in a value (see [`urls_in`]).
pub fn first_url(value: Option<&Value>) -> Option<Url> {
    urls_in(value).into_iter().next()
}

/// `type` as a list of strings (it may be one string or an array).
pub fn types_of(value: &Value) -> Vec<String> {
    match value.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Deserializes `type` that may be a string or an array, keeping the first of `known` found;
/// a document of none of the known types is refused (as Mastodon ignores unknown types).
pub fn kind_among<'de, D: Deserializer<'de>>(d: D, known: &[&str]) -> Result<String, D::Error> {
    let value = Value::deserialize(d)?;
    let kinds = types_of(&serde_json::json!({ "type": value }));
    kinds
        .iter()
        .find(|k| known.contains(&k.as_str()))
        .cloned()
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unsupported type {kinds:?} (expected one of {known:?})"
            ))
        })
}

/// The first usable entry of a value that may be one object or an array of them (e.g. several
/// `publicKey`s): unreadable entries are skipped.
pub fn first_of<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .find_map(|v| serde_json::from_value(v).ok()),
        Some(other) => serde_json::from_value(other).ok(),
        None => None,
    })
}

/// The media URL of an `icon`/`image` value: a string, an Image object (`url` a string or Link)
/// or a list of those.
pub fn image_url(value: Option<&Value>) -> Option<String> {
    match value? {
        // Relative URLs can't be resolved safely: drop them.
        Value::String(s) => Url::parse(s).ok().map(String::from),
        Value::Array(items) => items.iter().find_map(|v| image_url(Some(v))),
        Value::Object(map) => match map.get("url") {
            Some(Value::String(s)) => Url::parse(s).ok().map(String::from),
            Some(other) => first_url(Some(other)).map(String::from),
            None => None,
        },
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_shape() {
        assert_eq!(urls_in(Some(&json!("https://a.example/x"))).len(), 1);
        assert_eq!(
            urls_in(Some(
                &json!(["https://a.example/x", {"id": "https://b.example/y"}, 3])
            ))
            .len(),
            2
        );
        assert_eq!(
            image_url(Some(
                &json!({"type": "Image", "url": "https://a.example/i.png"})
            ))
            .as_deref(),
            Some("https://a.example/i.png")
        );
        assert_eq!(
            types_of(&json!({"type": ["Person", "vcard:individual"]})),
            vec!["Person", "vcard:individual"]
        );
    }
}
