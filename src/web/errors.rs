//! Browser-facing responses: translated HTML error pages (404, 403, 500, …) instead of the
//! API's JSON for people who asked for HTML outside the API paths, and the security headers of
//! every HTML response (a strict Content-Security-Policy: no inline script or style).
use super::{i18n, page::Page, render};
use crate::AppState;
use activitypub_federation::config::Data;
use axum::{
    extract::{FromRequestParts, Request},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use minijinja::context;

/// The Content-Security-Policy of every HTML page. Images may come from other servers
/// (avatars, media of remote posts); everything else only from this node. No `form-action`:
/// the OAuth consent form ends in a redirect to the app.
pub const CSP: &str = "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The translated title of an error status.
fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "error-403",
        404 | 410 => "error-404",
        401 => "error-401",
        400 | 422 | 409 | 413 => "error-400",
        429 => "error-429",
        _ => "error-500",
    }
}

/// The error page for `status` in `lang`; `detail` is shown under the translated title.
pub fn error_page(page: &Page, status: StatusCode, detail: &str) -> Response {
    let detail = if status.is_server_error() { "" } else { detail };
    let ctx = context! {
        ..context! {
            status => status.as_u16(),
            title => i18n::tr(page.lang, title_key(status)),
            detail,
        },
        ..page.base()
    };
    let body = render::render_string("pages/error.html", ctx).unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page does not render");
        format!("<!doctype html><title>{}</title>", status.as_u16())
    });
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether a request is a browser asking for a page (not an API or ActivityPub client).
fn wants_html_page(path: &str, headers: &HeaderMap) -> bool {
    let api = [
        "/api/",
        "/oauth/token",
        "/oauth/revoke",
        "/.well-known/",
        "/nodeinfo",
    ]
    .iter()
    .any(|p| path.starts_with(p));
    !api && headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"))
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"))
}

/// Middleware: JSON errors become translated HTML pages for browsers; HTML responses get the
/// CSP and the other security headers.
pub async fn html_responses(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let html_wanted = wants_html_page(&path, request.headers());
    let (mut parts, body) = request.into_parts();
    let headers = parts.headers.clone();
    let data = Data::<AppState>::from_request_parts(&mut parts, &())
        .await
        .ok();
    let response = next.run(Request::from_parts(parts, body)).await;
    let failed = response.status().is_client_error() || response.status().is_server_error();
    let mut response = if html_wanted && failed {
        if is_json(&response) {
            match data {
                Some(data) => to_html_error(&data, &headers, response).await,
                None => response,
            }
        } else {
            response
        }
    } else {
        response
    };
    if is_html(&response) {
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

async fn to_html_error(data: &Data<AppState>, headers: &HeaderMap, response: Response) -> Response {
    let status = response.status();
    let keep = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let detail = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_default();
    let page = match Page::from_headers(data, headers).await {
        Ok(page) => page,
        Err(e) => {
            tracing::warn!(error = %e, "no page context for an error page");
            return (
                status,
                Html(format!("<!doctype html><title>{}</title>", status.as_u16())),
            )
                .into_response();
        }
    };
    let mut html = error_page(&page, status, &detail);
    // Rate-limit and auth headers stay (Retry-After, WWW-Authenticate).
    for name in [header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(v) = keep.get(&name) {
            html.headers_mut().insert(name, v.clone());
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_browsers_outside_the_api_get_html() {
        let mut browser = HeaderMap::new();
        browser.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,*/*;q=0.8"),
        );
        assert!(wants_html_page("/@nobody", &browser));
        assert!(!wants_html_page("/api/v1/statuses/1", &browser));
        let mut ap = HeaderMap::new();
        ap.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/activity+json"),
        );
        assert!(!wants_html_page("/@nobody", &ap));
        assert!(!CSP.contains("unsafe-inline"));
    }
}
