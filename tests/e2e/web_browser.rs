//! The web-page tests' one set of browser helpers: a browser-like client that follows no
//! redirects (each test reads the 303 and its cookies), GETs and POSTs (urlencoded or
//! multipart) with a cookie header and an `Accept-Language`, logging in through the form,
//! polling a page until it shows something, and reading an answer's cookies, headers, CSRF
//! token, links and ids. Two ways in, over the same requests: the `Browser` type, which keeps
//! its own cookies, and free functions that take the cookie header.
use crate::harness::{TestNode, eventually};
use reqwest::{Client, header::HeaderMap, redirect::Policy};
use std::sync::{Arc, Mutex};

/// The password `TestNode::create_user` gives every account.
const PASSWORD: &str = "correct horse battery";

/// A client that follows no redirects.
pub fn browser() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// One answer: status, headers, body text (`&#x2f;` read as `/`, as a browser does).
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

    /// The whole `Set-Cookie` header of cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The value a `Set-Cookie` header gives cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie(name)
            .and_then(|c| c.split(';').next().map(str::to_string))
            .and_then(|pair| pair.split_once('=').map(|(_, v)| v.to_string()))
    }

    /// A response header as text (empty when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Where a redirect points.
    pub fn location(&self) -> String {
        self.header("location").to_string()
    }

    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let at = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field in {}", self.body));
        let rest = &self.body[at + marker.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// The `href` of the first link whose text starts with `text`.
    pub fn link_to(&self, text: &str) -> String {
        let at = self
            .body
            .find(&format!("\">{text}"))
            .unwrap_or_else(|| panic!("no link {text:?} in {}", self.body));
        let before = &self.body[..at];
        let start = before.rfind("href=\"").unwrap() + "href=\"".len();
        before[start..].to_string()
    }

    /// The id in the first `prefix{id}` of the page (ids are digits).
    pub fn id_after(&self, prefix: &str) -> Option<String> {
        let at = self.body.find(prefix)?;
        let rest = &self.body[at + prefix.len()..];
        let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (!id.is_empty()).then_some(id)
    }
}

/// The status, headers and body of a response.
async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    // minijinja writes `/` in attribute values as `&#x2f;` (browsers read it as `/`).
    let body = response.text().await.unwrap().replace("&#x2f;", "/");
    Answer {
        status,
        headers,
        body,
    }
}

/// `path` on `base`, or `path` itself when it is an absolute URL.
fn url(base: &str, path: &str) -> String {
    if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{base}{path}")
    }
}

/// Sends `request` as a browser of `lang` with `cookies` and reads the answer.
async fn send(request: reqwest::RequestBuilder, cookies: &str, lang: &str) -> Answer {
    let response = request
        .header("accept-language", lang)
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    answer(response).await
}

async fn send_get(http: &Client, base: &str, path: &str, cookies: &str, lang: &str) -> Answer {
    let request = http
        .get(url(base, path))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    send(request, cookies, lang).await
}

async fn send_form(
    http: &Client,
    base: &str,
    path: &str,
    cookies: &str,
    form: &[(&str, &str)],
    lang: &str,
) -> Answer {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let request = http
        .post(url(base, path))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    send(request, cookies, lang).await
}

/// One file of a multipart form.
struct Upload<'a> {
    field: &'a str,
    file_name: &'a str,
    content_type: &'a str,
    bytes: &'a [u8],
}

async fn send_multipart(
    http: &Client,
    base: &str,
    path: &str,
    cookies: &str,
    fields: &[(&str, &str)],
    files: &[Upload<'_>],
    lang: &str,
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
    for f in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                f.field, f.file_name, f.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = http
        .post(url(base, path))
        .header("accept", "text/html")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    send(request, cookies, lang).await
}

/// GETs `path` (or an absolute URL) on `node` with `cookies` and `Accept-Language: lang`.
pub async fn get(http: &Client, node: &TestNode, path: &str, cookies: &str, lang: &str) -> Answer {
    send_get(http, &node.base, path, cookies, lang).await
}

/// POSTs a urlencoded form to `path` with `cookies`, in English.
pub async fn post(
    http: &Client,
    node: &TestNode,
    path: &str,
    cookies: &str,
    form: &[(&str, &str)],
) -> Answer {
    send_form(http, &node.base, path, cookies, form, "en").await
}

/// A multipart form: text `fields` and `(field, bytes)` PNG files named after their field.
pub async fn post_multipart(
    http: &Client,
    node: &TestNode,
    path: &str,
    cookies: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Answer {
    let names: Vec<String> = files.iter().map(|(f, _)| format!("{f}.png")).collect();
    let uploads: Vec<Upload> = files
        .iter()
        .zip(&names)
        .map(|((field, bytes), file_name)| Upload {
            field,
            file_name,
            content_type: "image/png",
            bytes,
        })
        .collect();
    send_multipart(http, &node.base, path, cookies, fields, &uploads, "en").await
}

/// Logs `username` in through the form; returns the cookie header of the session.
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
            ("password", PASSWORD),
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

/// A signed-in (or anonymous) browser on one node that keeps its cookie header.
pub struct Browser {
    http: Client,
    base: String,
    cookies: String,
}

impl Browser {
    pub fn anonymous(node: &TestNode) -> Browser {
        Browser {
            http: browser(),
            base: node.base.clone(),
            cookies: String::new(),
        }
    }

    /// Keeps the CSRF cookie a page set (a signed-out browser posting that page's form).
    pub fn keep_csrf_cookie(&mut self, page: &Answer) {
        let value = page
            .cookie("halqa_csrf")
            .expect("the page sets a CSRF cookie");
        self.cookies = format!("halqa_csrf={value}");
    }

    /// Keeps the session a login answer set.
    pub fn keep_session(&mut self, logged_in: &Answer) {
        let value = logged_in
            .cookie("halqa_session")
            .expect("the answer opens a session");
        self.cookies = format!("halqa_session={value}");
    }

    /// Logs `username` in through the login form.
    pub async fn log_in(node: &TestNode, username: &str) -> Browser {
        let mut b = Browser::anonymous(node);
        b.cookies = log_in(&b.http, node, username).await;
        b
    }

    pub async fn get_in(&self, path: &str, lang: &str) -> Answer {
        send_get(&self.http, &self.base, path, &self.cookies, lang).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.get_in(path, "en").await
    }

    pub async fn post_in(&self, path: &str, form: &[(&str, &str)], lang: &str) -> Answer {
        send_form(&self.http, &self.base, path, &self.cookies, form, lang).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.post_in(path, form, "en").await
    }

    /// A multipart form: text `fields` in order, then `files` as (field, file name, bytes).
    pub async fn multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
        lang: &str,
    ) -> Answer {
        let uploads: Vec<Upload> = files
            .iter()
            .map(|(field, file_name, bytes)| Upload {
                field,
                file_name,
                content_type: "application/octet-stream",
                bytes,
            })
            .collect();
        send_multipart(
            &self.http,
            &self.base,
            path,
            &self.cookies,
            fields,
            &uploads,
            lang,
        )
        .await
    }

    /// GETs `path` until `check` holds on its 200 body.
    pub async fn wait_for(&self, what: &str, path: &str, check: impl Fn(&str) -> bool) -> Answer {
        eventually(what, || async {
            let a = self.get(path).await;
            a.status == 200 && check(&a.body)
        })
        .await;
        self.get(path).await
    }
}
