//! Mastodon-style paging: `max_id`/`since_id`/`min_id`/`limit` parameters and the `Link` header
//! (`next` = older, `prev` = newer), which keeps every other parameter of the original request so
//! clients that follow it verbatim keep their filters and `limit`.
use crate::{api::form::de, db::paging::Cursor, error::AppResult};
use axum::{
    http::{
        HeaderValue, Uri,
        header::{CONTENT_TYPE, LINK},
    },
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

/// The paging parameters of a list request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageParams {
    /// Items older than this id.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_id: Option<i64>,
    /// Items newer than this id, newest first.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub since_id: Option<i64>,
    /// Items newer than this id, the ones right after it (oldest first, returned newest first).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub min_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub limit: Option<i64>,
}

impl PageParams {
    /// The page size: `limit` clamped to 1..=max, or `default`.
    pub fn limit(&self, default: u64, max: u64) -> u64 {
        match self.limit {
            Some(n) if n > 0 => (n as u64).min(max),
            _ => default,
        }
    }

    /// The database cursor for these parameters, with `limit` clamped as [`PageParams::limit`].
    pub fn cursor(&self, default: u64, max: u64) -> Cursor {
        Cursor {
            max_id: self.max_id,
            since_id: self.since_id,
            min_id: self.min_id,
            limit: self.limit(default, max),
        }
    }
}

/// The Link header value for a page whose items run from `newest_id` to `oldest_id`, or `None`
/// for an empty page (no `next` to follow, and `prev` would repeat the request).
pub fn link_header(base_url: &str, uri: &Uri, ids: Option<(i64, i64)>) -> Option<HeaderValue> {
    let (newest, oldest) = ids?;
    let kept: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "since_id" | "min_id"))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let url = |key: &str, id: i64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair(key, &id.to_string());
        format!(
            "{}{}?{}",
            base_url.trim_end_matches('/'),
            uri.path(),
            query.finish()
        )
    };
    let value = format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        url("max_id", oldest),
        url("min_id", newest)
    );
    HeaderValue::from_str(&value).ok()
}

/// The room [`paged`] makes for each item of a page before writing it.
const BYTES_PER_ITEM: usize = 2048;

/// A JSON list response with its Link header; `ids` are the paging ids of the newest and oldest
/// item (which may be internal ids such as a bookmark's, not the items' own).
pub fn paged<T: Serialize>(
    base_url: &str,
    uri: &Uri,
    items: Vec<T>,
    ids: Option<(i64, i64)>,
) -> AppResult<Response> {
    // Sized for a page of statuses (about 2 KB each), so the body is written without growing
    // it over and over (axum's `Json` starts at 128 bytes). sonic-rs writes the same JSON as
    // serde_json (see the test), but looks for characters to escape 32 bytes at a time: a home
    // page is ~40 KB of strings, and serde_json's byte-by-byte escaping was an eighth of the
    // request's instructions (docs/benchmarks.md, session 9).
    let mut body = Vec::with_capacity(2 + items.len() * BYTES_PER_ITEM);
    sonic_rs::to_writer(&mut body, &items)
        .map_err(|e| anyhow::anyhow!("cannot serialise a page: {e}"))?;
    let json = HeaderValue::from_static("application/json");
    let mut response = ([(CONTENT_TYPE, json)], body).into_response();
    if let Some(link) = link_header(base_url, uri, ids) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

/// The (newest, oldest) paging ids of a newest-first list.
pub fn id_range<T>(items: &[T], id: impl Fn(&T) -> i64) -> Option<(i64, i64)> {
    Some((id(items.first()?), id(items.last()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shapes a page holds: text with everything JSON escapes, scripts, emoji, options,
    /// nested and shared objects, floats, raw JSON values, flattened and skipped fields.
    #[derive(Serialize)]
    struct Item {
        id: String,
        text: String,
        none: Option<String>,
        flag: bool,
        count: i64,
        focus: (f64, f64),
        shared: std::sync::Arc<Inner>,
        list: Vec<Inner>,
        value: serde_json::Value,
        #[serde(flatten)]
        inner: Inner,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<bool>,
    }

    #[derive(Serialize)]
    struct Inner {
        name: String,
        at: Option<String>,
    }

    /// One item of each text.
    fn items(texts: &[String]) -> Vec<Item> {
        let inner = |name: String, at: Option<&str>| Inner {
            name,
            at: at.map(str::to_string),
        };
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Item {
                id: i.to_string(),
                text: t.clone(),
                none: None,
                flag: i % 2 == 0,
                count: -(i as i64) * 1_000_000_007,
                focus: (0.25 * i as f64 - 0.5, -1.0 / 3.0),
                shared: std::sync::Arc::new(inner(t.clone(), Some("2026-12-07T03:07:08.068Z"))),
                list: vec![inner("a\tb\nc".into(), None)],
                value: serde_json::json!({"k": [t, 1.5, null, true], "n": {"é": "\u{0}"}}),
                inner: inner(format!("inner {t}"), None),
                skipped: (i == 1).then_some(true),
            })
            .collect()
    }

    #[tokio::test]
    async fn pages_are_the_json_serde_json_writes() {
        let all_controls: String = (0u8..0x20).map(char::from).collect();
        let texts = [
            String::new(),
            "<p>Bonjour <a href=\"https://a.example/@x\" class=\"u-url mention\">@x</a></p>".into(),
            "مرحبا بكم في حلقة — ⵣ 🎓 \\ back\\slash \u{7f} \u{2028}".into(),
            all_controls,
            "x".repeat(100) + "\"" + &"y".repeat(33),
        ];
        let uri: Uri = "/api/v1/timelines/home".parse().unwrap();
        let page = paged("http://x", &uri, items(&texts), None).unwrap();
        assert_eq!(
            page.headers()
                .get(axum::http::header::CONTENT_TYPE)
                .unwrap(),
            "application/json"
        );
        let body = axum::body::to_bytes(page.into_body(), 1 << 20)
            .await
            .unwrap();
        let expected = serde_json::to_vec(&items(&texts)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&expected)
        );
    }

    #[test]
    fn link_keeps_other_params_and_replaces_paging_ones() {
        let uri: Uri = "/api/v1/notifications?limit=2&types%5B%5D=mention&max_id=99"
            .parse()
            .unwrap();
        let link = link_header("http://localhost:8080", &uri, Some((50, 40))).unwrap();
        let link = link.to_str().unwrap();
        assert_eq!(
            link,
            "<http://localhost:8080/api/v1/notifications?limit=2&types%5B%5D=mention&max_id=40>; rel=\"next\", \
             <http://localhost:8080/api/v1/notifications?limit=2&types%5B%5D=mention&min_id=50>; rel=\"prev\""
        );
        assert!(link_header("http://x", &uri, None).is_none());
    }

    #[test]
    fn limit_is_clamped() {
        let p = PageParams {
            limit: Some(500),
            ..Default::default()
        };
        assert_eq!(p.limit(20, 40), 40);
        assert_eq!(PageParams::default().limit(20, 40), 20);
        let p = PageParams {
            limit: Some(-3),
            ..Default::default()
        };
        assert_eq!(p.limit(20, 40), 20);
    }
}
