//! Free-function form helpers for the community page tests (web_community.rs): a cookie-keeping client, GET/POST/multipart with a language, log in, CSRF and ids from a page. (web_browser.rs has the same as a `Browser` type; merge the two.)
use crate::harness::{TestNode, eventually};
use reqwest::{Client, header::HeaderMap, redirect::Policy};
use std::sync::{Arc, Mutex};

/// A client that follows no redirects.
pub fn browser() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// One answer: status, headers, body text.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// A page already fetched (the body `wait_for_page` returned), to read its forms.
    pub fn page(body: String) -> Answer {
        Answer {
            status: 200,
            headers: HeaderMap::new(),
            body,
        }
    }

    /// The value a `Set-Cookie` header gives cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .and_then(|pair| pair.split_once('='))
            .map(|(_, v)| v.to_string())
    }

    /// Where a redirect points.
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(&self) -> String {
        let key = "name=\"csrf\" value=\"";
        let at = self
            .body
            .find(key)
            .unwrap_or_else(|| panic!("no CSRF field in {}", self.body));
        let rest = &self.body[at + key.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// The number right after the first `prefix` in the page (an id in a form's action).
    pub fn id_after(&self, prefix: &str) -> String {
        let at = self
            .body
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix} in {}", self.body));
        self.body[at + prefix.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    }
}

/// The status, headers and body of a response.
pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

/// GETs `path` (or an absolute URL) on `node` as a browser with `cookies` and `Accept-Language: lang`.
pub async fn get(http: &Client, node: &TestNode, path: &str, cookies: &str, lang: &str) -> Answer {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", node.base)
    };
    let response = http
        .get(url)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("accept-language", lang)
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// POSTs a urlencoded form to `path` as a browser with `cookies`.
pub async fn post(
    http: &Client,
    node: &TestNode,
    path: &str,
    cookies: &str,
    form: &[(&str, &str)],
) -> Answer {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let response = http
        .post(format!("{}{path}", node.base))
        .header("accept", "text/html")
        .header("accept-language", "en")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookies)
        .body(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// A multipart form: text `fields` and `(field, bytes)` files.
pub async fn post_multipart(
    http: &Client,
    node: &TestNode,
    path: &str,
    cookies: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Answer {
    let boundary = "halqa-web-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.png\"\r\nContent-Type: image/png\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = http
        .post(format!("{}{path}", node.base))
        .header("accept", "text/html")
        .header("accept-language", "en")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", cookies)
        .body(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// Logs `username` in through the form; returns the session cookie header.
pub async fn log_in(http: &Client, node: &TestNode, username: &str) -> String {
    let form = get(http, node, "/login", "", "en").await;
    let anon = format!("halqa_csrf={}", form.cookie("halqa_csrf").unwrap());
    let done = post(
        http,
        node,
        "/login",
        &anon,
        &[
            ("csrf", &form.csrf()),
            ("username", username),
            ("password", "correct horse battery"),
        ],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    format!("halqa_session={}", done.cookie("halqa_session").unwrap())
}

/// GETs `path` until its page satisfies `check`; returns that page.
pub async fn wait_for_page(
    node: &TestNode,
    path: &str,
    cookies: &str,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    let found = Arc::new(Mutex::new(String::new()));
    eventually(what, || {
        let found = found.clone();
        let check = &check;
        async move {
            let page = get(&browser(), node, path, cookies, "en").await;
            let ok = page.status == 200 && check(&page.body);
            if ok {
                *found.lock().unwrap() = page.body;
            }
            ok
        }
    })
    .await;
    found.lock().unwrap().clone()
}
