//! Request parameters the way Mastodon clients send them: JSON, urlencoded with Rails brackets
//! (`poll[options][]=a`, `fields_attributes[0][name]=x`) or multipart bodies, and bracketed query
//! strings (`types[]=mention`). Everything becomes one `serde_json::Value` first, then the
//! handler's struct; the [`de`] helpers accept the loose forms (`"1"`, `"True"`, ids as numbers).
use crate::error::AppError;
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Multipart, Request},
    http::{header::CONTENT_TYPE, request::Parts},
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Decoded request parameters plus any uploaded files (multipart only). Query-string
/// parameters are merged in under the body's, as Rails does.
#[derive(Debug)]
pub struct ApiForm<T> {
    pub params: T,
    pub files: Vec<UploadedFile>,
}

/// A file part of a multipart body.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The form field it came in (`file`, `avatar`, `header`, `thumbnail`…).
    pub field: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

impl<T> ApiForm<T> {
    /// The uploaded file sent in `field`, if any.
    pub fn file(&self, field: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == field)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let query = req.uri().query().map(params_from_urlencoded);
        let mut files = Vec::new();
        let body = if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(req, state).await.map_err(|e| {
                AppError::BadRequest(format!("cannot read the multipart body: {e}"))
            })?;
            let mut pairs = Vec::new();
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| multipart_error(&e.to_string()))?
            {
                let name = field.name().unwrap_or_default().to_string();
                if field.file_name().is_some() {
                    let file_name = field.file_name().map(str::to_string);
                    let content_type = field.content_type().map(str::to_string);
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|e| multipart_error(&e.to_string()))?;
                    files.push(UploadedFile {
                        field: name,
                        file_name,
                        content_type,
                        bytes,
                    });
                } else {
                    let text = field
                        .text()
                        .await
                        .map_err(|e| multipart_error(&e.to_string()))?;
                    pairs.push((name, text));
                }
            }
            params_from_pairs(pairs)
        } else {
            let bytes = Bytes::from_request(req, state)
                .await
                .map_err(|e| AppError::BadRequest(format!("cannot read the body: {e}")))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Map::new())
            } else if content_type.contains("json") {
                serde_json::from_slice(&bytes)
                    .map_err(|e| AppError::BadRequest(format!("invalid JSON body: {e}")))?
            } else {
                // application/x-www-form-urlencoded, or no content type at all.
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| AppError::BadRequest("the body is not UTF-8".into()))?;
                params_from_urlencoded(text)
            }
        };
        let merged = merge_under(body, query);
        let params = serde_json::from_value(merged)
            .map_err(|e| AppError::Invalid(format!("invalid parameters: {e}")))?;
        Ok(ApiForm { params, files })
    }
}

fn multipart_error(message: &str) -> AppError {
    if message.contains("length limit") {
        AppError::PayloadTooLarge("the upload is too large".into())
    } else {
        AppError::BadRequest(format!("cannot read the multipart body: {message}"))
    }
}

/// Body params win over query params with the same name.
fn merge_under(body: Value, query: Option<Value>) -> Value {
    match (body, query) {
        (Value::Object(mut body), Some(Value::Object(query))) => {
            for (k, v) in query {
                body.entry(k).or_insert(v);
            }
            Value::Object(body)
        }
        (body, _) => body,
    }
}

/// Query-string parameters with Rails brackets; rejections answer JSON 400.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let value = params_from_urlencoded(parts.uri.query().unwrap_or(""));
        serde_json::from_value(value)
            .map(ApiQuery)
            .map_err(|e| AppError::BadRequest(format!("invalid query: {e}")))
    }
}

/// Parses `a=1&b[]=2&c[d]=3` into `{"a":"1","b":["2"],"c":{"d":"3"}}`.
pub fn params_from_urlencoded(text: &str) -> Value {
    params_from_pairs(
        form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

/// Builds nested params from `(key, value)` pairs with Rails bracket keys.
pub fn params_from_pairs(pairs: Vec<(String, String)>) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in pairs {
        let segments = key_segments(&key);
        if segments.is_empty() || segments[0].is_empty() {
            continue;
        }
        insert(&mut root, &segments, value);
    }
    root
}

/// `poll[options][]` → `["poll", "options", ""]`.
fn key_segments(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return vec![key.to_string()];
    };
    let mut segments = vec![key[..open].to_string()];
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        match stripped.find(']') {
            Some(close) => {
                segments.push(stripped[..close].to_string());
                rest = &stripped[close + 1..];
            }
            None => {
                // Unbalanced: keep the whole key as a plain name.
                return vec![key.to_string()];
            }
        }
    }
    segments
}

fn insert(target: &mut Value, segments: &[String], value: String) {
    let Some((first, rest)) = segments.split_first() else {
        *target = Value::String(value);
        return;
    };
    if first.is_empty() {
        if !target.is_array() {
            *target = Value::Array(Vec::new());
        }
        if let Value::Array(items) = target {
            if rest.is_empty() {
                items.push(Value::String(value));
            } else {
                // `a[][name]=x&a[][value]=y`: start a new element when the key repeats.
                let start_new = match items.last() {
                    Some(Value::Object(map)) => map.contains_key(&rest[0]),
                    _ => true,
                };
                if start_new {
                    items.push(Value::Object(Map::new()));
                }
                if let Some(last) = items.last_mut() {
                    insert(last, rest, value);
                }
            }
        }
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        if rest.is_empty() {
            match map.get_mut(first) {
                // A plain key sent twice becomes a list, as `key[]` would.
                Some(Value::Array(items)) => items.push(Value::String(value)),
                Some(existing) => {
                    let old = existing.take();
                    *existing = Value::Array(vec![old, Value::String(value)]);
                }
                None => {
                    map.insert(first.clone(), Value::String(value));
                }
            }
        } else {
            let entry = map.entry(first.clone()).or_insert(Value::Null);
            insert(entry, rest, value);
        }
    }
}

/// Lenient field deserializers for `#[serde(default, deserialize_with = "…")]`.
pub mod de {
    use serde::{Deserialize, Deserializer, de::Error};
    use serde_json::Value;

    fn truthy(value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => Some(n.as_f64().is_some_and(|n| n != 0.0)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "on" | "yes" | "t" => Some(true),
                "false" | "0" | "off" | "no" | "f" | "" => Some(false),
                _ => None,
            },
            Value::Null => None,
            _ => None,
        }
    }

    /// `true/false/1/0/"True"/"on"`; null or absent → false.
    pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let value = Value::deserialize(d)?;
        if value.is_null() {
            return Ok(false);
        }
        truthy(&value).ok_or_else(|| D::Error::custom(format!("expected a boolean, got {value}")))
    }

    /// Like [`bool`], but absent/null/empty → `None`.
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        let value = Value::deserialize(d)?;
        match &value {
            Value::Null => Ok(None),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            _ => truthy(&value)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("expected a boolean, got {value}"))),
        }
    }

    fn as_i64(value: &Value) -> Option<i64> {
        match value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// An integer as a number or a string; absent/null/empty → `None`.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        let value = Value::deserialize(d)?;
        match &value {
            Value::Null => Ok(None),
            Value::String(s) if s.trim().is_empty() || s == "null" => Ok(None),
            _ => as_i64(&value)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("expected an integer, got {value}"))),
        }
    }

    /// A float as a number or a string; absent/null/empty → `None`.
    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        let value = Value::deserialize(d)?;
        match &value {
            Value::Null => Ok(None),
            Value::Number(n) => Ok(n.as_f64()),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| D::Error::custom(format!("expected a number, got {value}"))),
            _ => Err(D::Error::custom(format!("expected a number, got {value}"))),
        }
    }

    /// A string or a number as a string; absent/null → `None`. Empty strings are kept.
    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let value = Value::deserialize(d)?;
        match value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            other => Err(D::Error::custom(format!("expected a string, got {other}"))),
        }
    }

    fn list(value: Value) -> Vec<Value> {
        match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            // `{"0": …, "1": …}` from `key[0]=…&key[1]=…`, in index order.
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
                entries.into_iter().map(|(_, v)| v).collect()
            }
            single => vec![single],
        }
    }

    /// A list from an array, one bare value, or an index-keyed map.
    pub fn vec_string<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        list(Value::deserialize(d)?)
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(D::Error::custom(format!("expected a string, got {other}"))),
            })
            .collect()
    }

    /// A list of ids (numbers or numeric strings); empty strings are skipped.
    pub fn vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        list(Value::deserialize(d)?)
            .into_iter()
            .filter(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
            .map(|v| as_i64(&v).ok_or_else(|| D::Error::custom(format!("expected an id, got {v}"))))
            .collect()
    }

    /// A list of objects from an array or an index-keyed map (`fields_attributes`).
    pub fn vec_of<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        list(Value::deserialize(d)?)
            .into_iter()
            .map(|v| serde_json::from_value(v).map_err(D::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn rails_brackets_nest() {
        let value = params_from_urlencoded(
            "status=hi&media_ids[]=1&media_ids[]=2&poll[options][]=a&poll[options][]=b&poll[expires_in]=60&fields_attributes[0][name]=n&fields_attributes[0][value]=v&fields_attributes[1][name]=m",
        );
        assert_eq!(
            value,
            json!({
                "status": "hi",
                "media_ids": ["1", "2"],
                "poll": {"options": ["a", "b"], "expires_in": "60"},
                "fields_attributes": {"0": {"name": "n", "value": "v"}, "1": {"name": "m"}},
            })
        );
    }

    #[test]
    fn repeated_plain_keys_and_array_of_objects() {
        assert_eq!(
            params_from_urlencoded("id=1&id=2"),
            json!({"id": ["1", "2"]})
        );
        assert_eq!(
            params_from_urlencoded("f[][name]=a&f[][value]=1&f[][name]=b"),
            json!({"f": [{"name": "a", "value": "1"}, {"name": "b"}]})
        );
        assert_eq!(params_from_urlencoded("a[=1"), json!({"a[": "1"}));
    }

    #[derive(Deserialize)]
    struct Example {
        #[serde(default, deserialize_with = "de::bool")]
        sensitive: bool,
        #[serde(default, deserialize_with = "de::opt_bool")]
        local: Option<bool>,
        #[serde(default, deserialize_with = "de::opt_i64")]
        limit: Option<i64>,
        #[serde(default, deserialize_with = "de::vec_i64")]
        id: Vec<i64>,
        #[serde(default, deserialize_with = "de::vec_string")]
        types: Vec<String>,
    }

    #[test]
    fn lenient_values() {
        for (raw, expected) in [("1", true), ("True", true), ("0", false), ("false", false)] {
            let e: Example = serde_json::from_value(json!({ "sensitive": raw })).unwrap();
            assert_eq!(e.sensitive, expected, "{raw}");
        }
        let e: Example = serde_json::from_value(json!({
            "sensitive": true, "local": "", "limit": "20", "id": ["1", 2, ""], "types": "mention",
        }))
        .unwrap();
        assert!(e.sensitive);
        assert_eq!(e.local, None);
        assert_eq!(e.limit, Some(20));
        assert_eq!(e.id, vec![1, 2]);
        assert_eq!(e.types, vec!["mention"]);
        assert!(serde_json::from_value::<Example>(json!({"sensitive": "maybe"})).is_err());
    }

    #[test]
    fn index_maps_become_ordered_lists() {
        let e: Example =
            serde_json::from_value(json!({"id": {"1": "20", "0": "10", "10": "30"}})).unwrap();
        assert_eq!(e.id, vec![10, 20, 30]);
    }

    #[test]
    fn body_params_win_over_query() {
        let merged = merge_under(json!({"a": "body"}), Some(json!({"a": "query", "b": "q"})));
        assert_eq!(merged, json!({"a": "body", "b": "q"}));
    }
}
