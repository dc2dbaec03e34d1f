//! The one HTTP API client of the end-to-end tests: a local user (or nobody) calling a node's
//! Mastodon and PLN APIs over real HTTP, with JSON, urlencoded-with-brackets and multipart bodies,
//! and the cross-node helpers built on it (`follow_across`, `wait_for`).
#![allow(dead_code)]

use crate::harness::{DEADLINE, TestNode, eventually};
use halqa::{
    db::{self, entity::actor},
    federation::signatures,
    service::{accounts, follows},
};
use reqwest::{Method, header::HeaderMap};
use serde_json::{Value, json};

/// Scopes of the token every test user gets: everything a Mastodon app asks for.
pub const FULL_SCOPES: &str = "read write follow push";

/// A signed-in (or anonymous) API client for one node.
#[derive(Clone)]
pub struct ApiClient {
    pub base: String,
    pub token: Option<String>,
    pub http: reqwest::Client,
    /// The local user this client acts as (None when anonymous).
    pub actor: Option<actor::Model>,
}

/// One answer: status, headers and the JSON body (`null` when there was none).
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `rel` URL of the Link header, if any.
    pub fn link(&self, rel: &str) -> Option<String> {
        let header = self.headers.get("link")?.to_str().ok()?;
        header.split(", ").find_map(|part| {
            let (url, params) = part.split_once(">; ")?;
            (params == format!("rel=\"{rel}\"")).then(|| url.trim_start_matches('<').to_string())
        })
    }

    /// The pair most assertions want.
    pub fn pair(self) -> (u16, Value) {
        (self.status, self.body)
    }
}

impl ApiClient {
    /// Creates `username` on `node` and a client holding a [`FULL_SCOPES`] token for them.
    pub async fn new(node: &TestNode, username: &str) -> ApiClient {
        let actor = node.create_user(username).await;
        ApiClient::for_actor(node, actor, FULL_SCOPES).await
    }

    /// A client for an existing local user of `node` with a token of `scopes`.
    pub async fn for_actor(node: &TestNode, actor: actor::Model, scopes: &str) -> ApiClient {
        let data = node.data();
        let user = db::users::find_by_actor(&data.db.read, actor.id)
            .await
            .unwrap()
            .expect("a local user");
        let token = accounts::mint_token(&data.db, &data.ids, user.id, scopes)
            .await
            .unwrap();
        ApiClient {
            base: node.base.clone(),
            token: Some(token),
            http: reqwest::Client::new(),
            actor: Some(actor),
        }
    }

    /// A client without a token.
    pub fn anonymous(node: &TestNode) -> ApiClient {
        ApiClient {
            base: node.base.clone(),
            token: None,
            http: reqwest::Client::new(),
            actor: None,
        }
    }

    /// The user this client acts as.
    pub fn actor(&self) -> &actor::Model {
        self.actor
            .as_ref()
            .expect("an anonymous client has no actor")
    }

    /// An absolute URL for `path` (absolute URLs, e.g. from Link headers, pass through).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends `request` with the token; every answer must be JSON (the Mastodon API's rule),
    /// except an empty one.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            assert!(
                content_type.starts_with("application/json"),
                "{status}: content type {content_type:?}, body {}",
                String::from_utf8_lossy(&bytes)
            );
            serde_json::from_slice(&bytes).unwrap()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A request with a JSON body (`Value::Null` sends none).
    pub async fn call(&self, method: Method, path: &str, body: Value) -> Reply {
        let request = self.http.request(method, self.url(path));
        let request = if body.is_null() {
            request
        } else {
            request.json(&body)
        };
        self.send(request).await
    }

    /// GET with the whole reply (status, headers, body).
    pub async fn get_reply(&self, path: &str) -> Reply {
        self.call(Method::GET, path, Value::Null).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, Value::Null).await.pair()
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, body).await.pair()
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::PUT, path, body).await.pair()
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::PATCH, path, body).await.pair()
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, Value::Null).await.pair()
    }

    /// GET that must answer 200; returns the body.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// POST (JSON) that must answer 200; returns the body.
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        let (status, body) = self.post(path, body).await;
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }

    /// `POST /api/v1/statuses` that must succeed; returns the status.
    pub async fn post_status(&self, body: Value) -> Value {
        let (status, posted) = self.post("/api/v1/statuses", body).await;
        assert_eq!(status, 200, "{posted}");
        posted
    }

    /// DELETE that must answer 200; returns the body.
    pub async fn delete_ok(&self, path: &str) -> Value {
        let (status, body) = self.delete(path).await;
        assert_eq!(status, 200, "DELETE {path}: {body}");
        body
    }

    /// A urlencoded body with Rails brackets, as Mastodon.py sends it.
    pub async fn form(&self, method: Method, path: &str, body: &str) -> (u16, Value) {
        let request = self
            .http
            .request(method, self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string());
        self.send(request).await.pair()
    }

    /// POST (JSON) with the whole reply.
    pub async fn post_reply(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, body).await
    }

    /// POST of a urlencoded body built from pairs, with the whole reply.
    pub async fn post_pairs_reply(&self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let request = self
            .http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    /// A multipart POST of `bytes` as the part `file` named `file_name` (declared as an opaque
    /// file, so the server has to sniff it), plus text `fields`.
    pub async fn upload(
        &self,
        path: &str,
        file_name: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> (u16, Value) {
        let boundary = "halqa-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .http
            .post(self.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(request).await.pair()
    }

    /// GETs `path` until `check` holds on a 200 body; returns that body.
    pub async fn wait_for(&self, what: &str, path: &str, check: impl Fn(&Value) -> bool) -> Value {
        match self.try_wait_for(path, check).await {
            Ok(found) => found,
            Err(last) => panic!("timed out waiting for: {what}; last answer: {last}"),
        }
    }

    /// GETs `path` until `check` holds on a 200 body (that body) or [`DEADLINE`] passes (the
    /// last answer, as `Err`), for tests that explain a timeout themselves.
    pub async fn try_wait_for(
        &self,
        path: &str,
        check: impl Fn(&Value) -> bool,
    ) -> Result<Value, Value> {
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            let (status, body) = self.get(path).await;
            if status == 200 && check(&body) {
                return Ok(body);
            }
            if std::time::Instant::now() >= deadline {
                return Err(json!({"status": status, "body": body}));
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }
}

/// `follower` on `from` follows `username` on `to` through the service layer; waits for the
/// Accept to arrive. Returns `from`'s copy of the followed account.
pub async fn follow_across(
    from: &TestNode,
    follower: &actor::Model,
    to: &TestNode,
    username: &str,
) -> actor::Model {
    let target = from.resolve(&to.handle(username)).await;
    follows::follow(&from.data(), follower, &target)
        .await
        .unwrap();
    let data = from.data();
    let (follower_id, target_id) = (follower.id, target.id);
    eventually("the follow to be accepted", || {
        let data = data.clone();
        async move {
            db::follows::find(&data.db.read, follower_id, target_id)
                .await
                .ok()
                .flatten()
                .is_some_and(|f| f.accepted)
        }
    })
    .await;
    target
}

/// A string id out of a JSON entity.
pub fn id_of(entity: &Value) -> String {
    entity["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no string id in {entity}"))
        .to_string()
}

/// POSTs `activity` to `inbox` as a federating server would, signed by local actor `signer`
/// of another node.
pub async fn post_signed(inbox: &str, signer: &actor::Model, activity: &Value) -> (u16, Value) {
    let body = serde_json::to_vec(activity).unwrap();
    post_signed_with(inbox, signer, None, body, chrono::Utc::now()).await
}

/// POSTs raw `body` to `inbox`, signed at `when` with `signer`'s key id and its key (or with
/// `key_pem` instead, to forge a signature).
pub async fn post_signed_with(
    inbox: &str,
    signer: &actor::Model,
    key_pem: Option<&str>,
    body: Vec<u8>,
    when: chrono::DateTime<chrono::Utc>,
) -> (u16, Value) {
    let pem = key_pem.unwrap_or_else(|| signer.private_key_pem.as_deref().expect("local actor"));
    let key = signatures::parse_private_key_pem(pem).expect("key");
    let url = url::Url::parse(inbox).expect("inbox url");
    let request = signatures::build_signed_request(
        &reqwest::Client::new(),
        &key,
        &signer.public_key_id,
        http::Method::POST,
        &url,
        Some(body),
        Some("application/activity+json"),
        when,
    )
    .expect("sign");
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}
