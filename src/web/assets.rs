//! The stylesheet and the small script, compiled into the binary and served under `/static/`
//! with a year of caching; pages link them with `?v=` and a hash of their content, so a new
//! release is fetched at once. The embedded PNGs (default avatar, header, thumbnail) too.
use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use std::sync::LazyLock;

/// The stylesheet (logical properties only, so Arabic pages mirror by themselves).
pub const CSS: &str = include_str!("../../frontend/static/halqa.css");
/// Progressive enhancement only; every page works without it.
pub const JS: &str = include_str!("../../frontend/static/halqa.js");

fn fingerprint(content: &str) -> String {
    crate::service::accounts::token_hash(content)[..12].to_string()
}

/// The stylesheet's URL with its content hash.
pub static CSS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/halqa.css?v={}", fingerprint(CSS)));
/// The script's URL with its content hash.
pub static JS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/halqa.js?v={}", fingerprint(JS)));

fn immutable(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

/// `GET /static/halqa.css`.
pub async fn stylesheet() -> Response {
    immutable("text/css; charset=utf-8", CSS)
}

/// `GET /static/halqa.js`.
pub async fn script() -> Response {
    immutable("text/javascript; charset=utf-8", JS)
}

/// A long-cached embedded PNG.
fn png(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        bytes,
    )
        .into_response()
}

/// The avatar of accounts without one (clients crash on a missing avatar).
pub async fn default_avatar() -> Response {
    png(include_bytes!("../../frontend/static/missing-avatar.png"))
}

/// The header of accounts without one.
pub async fn default_header() -> Response {
    png(include_bytes!("../../frontend/static/missing-header.png"))
}

/// The node's thumbnail (instance v1/v2 `thumbnail`; Toot! needs a real image).
pub async fn thumbnail() -> Response {
    png(include_bytes!("../../frontend/static/thumbnail.png"))
}

/// gzip or brotli for pages, the stylesheet and the script when the browser accepts them
/// (the API's JSON and the streaming answers are left as they are).
pub fn compression()
-> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use axum::http::{Extensions, HeaderMap, StatusCode, Version};
    let web_text = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| {
                c.starts_with("text/html")
                    || c.starts_with("text/css")
                    || c.starts_with("text/javascript")
            })
    };
    tower_http::compression::CompressionLayer::new().compress_when(web_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_uses_logical_properties_only() {
        for physical in [
            "margin-left",
            "margin-right",
            "padding-left",
            "padding-right",
            "border-left",
            "border-right",
            "text-align:left",
            "text-align:right",
            "float:left",
            "float:right",
            "left:",
            "right:",
        ] {
            assert!(!CSS.contains(physical), "halqa.css uses {physical}");
        }
        assert!(CSS_URL.starts_with("/static/halqa.css?v="));
    }
}
