//! Mastodon-style paging: `max_id`/`since_id`/`min_id`/`limit` parameters and the `Link` header
//! (`next` = older, `prev` = newer), which keeps every other parameter of the original request so
//! clients that follow it verbatim keep their filters and `limit`.
use crate::{api::form::de, db::paging::Cursor, error::AppResult};
use axum::{
    Json,
    http::{HeaderValue, Uri, header::LINK},
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

/// A JSON list response with its Link header; `ids` are the paging ids of the newest and oldest
/// item (which may be internal ids such as a bookmark's, not the items' own).
pub fn paged<T: Serialize>(
    base_url: &str,
    uri: &Uri,
    items: Vec<T>,
    ids: Option<(i64, i64)>,
) -> AppResult<Response> {
    let mut response = Json(items).into_response();
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
