//! A browser for the web-page tests: a session cookie from the login form, GETs and POSTs
//! (urlencoded or multipart) with a chosen `Accept-Language`, no redirects followed, and
//! reading a page's CSRF token, links and ids.
use crate::harness::{TestNode, eventually};
use reqwest::{Client, header::HeaderMap, redirect::Policy};

/// A signed-in (or anonymous) browser on one node: no redirects followed.
pub struct Browser {
    http: Client,
    base: String,
    cookies: String,
}

/// One answer: status, headers, body text.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
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

impl Browser {
    pub fn anonymous(node: &TestNode) -> Browser {
        Browser {
            http: Client::builder().redirect(Policy::none()).build().unwrap(),
            base: node.base.clone(),
            cookies: String::new(),
        }
    }

    /// Keeps the CSRF cookie a page set (a signed-out browser posting that page's form).
    pub fn keep_csrf_cookie(&mut self, page: &Answer) {
        let value = page
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("halqa_csrf="))
            .and_then(|c| c.split(';').next())
            .expect("the page sets a CSRF cookie");
        self.cookies = format!("halqa_csrf={value}");
    }

    /// Logs `username` in through the login form.
    pub async fn log_in(node: &TestNode, username: &str) -> Browser {
        let mut b = Browser::anonymous(node);
        let form = b.get("/login").await;
        let csrf_cookie = form
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("halqa_csrf="))
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_string();
        b.cookies = format!("halqa_csrf={csrf_cookie}");
        let done = b
            .post(
                "/login",
                &[
                    ("csrf", &form.csrf()),
                    ("username", username),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let session = done
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("halqa_session="))
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_string();
        b.cookies = format!("halqa_session={session}");
        b
    }

    pub async fn get_in(&self, path: &str, lang: &str) -> Answer {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .header("accept-language", lang)
            .header("cookie", &self.cookies)
            .send()
            .await
            .unwrap();
        answer(response).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.get_in(path, "en").await
    }

    pub async fn post_in(&self, path: &str, form: &[(&str, &str)], lang: &str) -> Answer {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .header("accept-language", lang)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &self.cookies)
            .body(body)
            .send()
            .await
            .unwrap();
        answer(response).await
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
        let boundary = "halqa-web-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .header("accept-language", lang)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("cookie", &self.cookies)
            .body(body)
            .send()
            .await
            .unwrap();
        answer(response).await
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
