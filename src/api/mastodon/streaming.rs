//! The streaming API. WebSocket `GET /api/v1/streaming`: the token comes from
//! `Authorization`, `access_token` or `Sec-WebSocket-Protocol` (echoed back, as masto.js needs);
//! one stream from the query (`?stream=hashtag&tag=x`) and/or multiplexed
//! `{"type":"subscribe","stream":…}` / `unsubscribe` frames; events are
//! `{"stream":[…],"event":"update","payload":"<Status JSON as a string>"}` with the stream array
//! masto.js matches on (`["hashtag","foo"]`, `["list","<id>"]`); bad requests get
//! `{"error":…}` frames; pings every 30 s. SSE `GET /api/v1/streaming/{user,public,…}` sends
//! the same events as `event:`/`data:` lines with heartbeats; `GET /api/v1/streaming/health`
//! answers `OK`. Events come from the in-process bus (`service::events`) and are rendered per
//! connection with its viewer, its mutes and blocks, and its filters.
use crate::{
    AppState,
    api::{
        auth::{Auth, authenticate},
        mastodon::{entities::notification, entities::status, timelines::apply_filters},
    },
    db,
    error::{AppError, AppResult},
    service::events::{Event, EventKind},
};
use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::{
        OriginalUri,
        ws::{Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection},
    },
    http::{HeaderMap, Uri, header::AUTHORIZATION},
    response::{
        IntoResponse, Response,
        sse::{self, KeepAlive, Sse},
    },
    routing::get,
};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use std::{collections::HashMap, convert::Infallible, sync::Arc, time::Duration};
use tokio::sync::{broadcast, mpsc};

/// The streaming routes.
pub fn routes() -> Router {
    let mut router = Router::new()
        .route("/api/v1/streaming", get(websocket))
        .route("/api/v1/streaming/health", get(health));
    for path in [
        "user",
        "user/notification",
        "public",
        "public/local",
        "public/remote",
        "public/media",
        "public/local/media",
        "public/remote/media",
        "hashtag",
        "hashtag/local",
        "list",
        "direct",
    ] {
        router = router.route(&format!("/api/v1/streaming/{path}"), get(sse_stream));
    }
    router
}

async fn health() -> Response {
    ([(http::header::CONTENT_TYPE, "text/plain")], "OK").into_response()
}

/// One subscription of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sub {
    User,
    UserNotification,
    /// `local`: Some(true) for `:local`, Some(false) for `:remote`.
    Public {
        local: Option<bool>,
        media: bool,
    },
    Hashtag {
        tag: String,
        local: bool,
    },
    List(i64),
    Direct,
}

impl Sub {
    /// Parses a Mastodon stream name with its `tag` / `list` parameter.
    pub fn parse(stream: &str, tag: Option<&str>, list: Option<&str>) -> Result<Sub, String> {
        let tag = || {
            tag.map(|t| t.trim().trim_start_matches('#').to_lowercase())
                .filter(|t| !t.is_empty())
                .ok_or_else(|| "No tag for stream provided".to_string())
        };
        Ok(match stream {
            "user" => Sub::User,
            "user:notification" => Sub::UserNotification,
            "public" => Sub::Public {
                local: None,
                media: false,
            },
            "public:media" => Sub::Public {
                local: None,
                media: true,
            },
            "public:local" => Sub::Public {
                local: Some(true),
                media: false,
            },
            "public:local:media" => Sub::Public {
                local: Some(true),
                media: true,
            },
            "public:remote" => Sub::Public {
                local: Some(false),
                media: false,
            },
            "public:remote:media" => Sub::Public {
                local: Some(false),
                media: true,
            },
            "hashtag" => Sub::Hashtag {
                tag: tag()?,
                local: false,
            },
            "hashtag:local" => Sub::Hashtag {
                tag: tag()?,
                local: true,
            },
            "list" => Sub::List(
                list.and_then(|l| l.parse().ok())
                    .ok_or_else(|| "No list for stream provided".to_string())?,
            ),
            "direct" => Sub::Direct,
            other => return Err(format!("Unknown stream type {other}")),
        })
    }

    /// The `stream` array of events for this subscription, as masto.js matches it.
    pub fn names(&self) -> Vec<String> {
        match self {
            Sub::User => vec!["user".into()],
            Sub::UserNotification => vec!["user:notification".into()],
            Sub::Public { local, media } => {
                let base = match local {
                    None => "public",
                    Some(true) => "public:local",
                    Some(false) => "public:remote",
                };
                let name = if *media {
                    format!("{base}:media")
                } else {
                    base.to_string()
                };
                vec![name]
            }
            Sub::Hashtag { tag, local } => vec![
                if *local { "hashtag:local" } else { "hashtag" }.into(),
                tag.clone(),
            ],
            Sub::List(id) => vec!["list".into(), id.to_string()],
            Sub::Direct => vec!["direct".into()],
        }
    }

    fn needs_user(&self) -> bool {
        matches!(
            self,
            Sub::User | Sub::UserNotification | Sub::List(_) | Sub::Direct
        )
    }
}

/// Checks that `viewer` may subscribe to `sub` (a user for personal streams; owns the list).
async fn authorize(data: &Data<AppState>, viewer: Option<&Auth>, sub: &Sub) -> Result<(), String> {
    if sub.needs_user() && viewer.is_none() {
        return Err("Missing access token".into());
    }
    if let (Sub::List(id), Some(viewer)) = (sub, viewer) {
        let owned = db::lists::find(&data.db.read, *id)
            .await
            .ok()
            .flatten()
            .is_some_and(|l| l.owner_id == viewer.actor.id);
        if !owned {
            return Err("List not found".into());
        }
    }
    Ok(())
}

/// One frame to send: the stream array, the event name and the payload string.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub stream: Vec<String>,
    pub event: &'static str,
    pub payload: String,
}

impl Outgoing {
    fn frame(&self) -> String {
        json!({"stream": self.stream, "event": self.event, "payload": self.payload}).to_string()
    }
}

/// Loads a post, once more after a short wait if it is not visible yet (an event flushed
/// before its transaction committed).
async fn load_post(
    data: &Data<AppState>,
    id: i64,
) -> AppResult<Option<crate::db::entity::post::Model>> {
    for attempt in 0..2 {
        if let Some(p) = db::views::posts_by_ids(&data.db.read, &[id])
            .await?
            .remove(&id)
        {
            return Ok(Some(p));
        }
        if attempt == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(None)
}

/// The frames `event` gives a connection with `viewer` and `subs`.
pub async fn render(
    data: &Data<AppState>,
    viewer: Option<i64>,
    subs: &[Sub],
    event: &Event,
) -> AppResult<Vec<Outgoing>> {
    let mut out = Vec::new();
    if subs.is_empty() {
        return Ok(out);
    }
    match event.kind {
        EventKind::Notification => {
            let Some(viewer) = viewer.filter(|v| Some(*v) == event.recipient) else {
                return Ok(out);
            };
            let wanted: Vec<&Sub> = subs
                .iter()
                .filter(|s| matches!(s, Sub::User | Sub::UserNotification))
                .collect();
            if wanted.is_empty() {
                return Ok(out);
            }
            let mut row = db::notifications::get(&data.db.read, viewer, event.id).await?;
            if row.is_none() {
                tokio::time::sleep(Duration::from_millis(50)).await;
                row = db::notifications::get(&data.db.read, viewer, event.id).await?;
            }
            let Some(row) = row else { return Ok(out) };
            let Some(entity) = notification::notifications(data, viewer, &[row])
                .await?
                .into_iter()
                .next()
            else {
                return Ok(out);
            };
            let payload = serde_json::to_string(&entity).map_err(anyhow::Error::from)?;
            for sub in wanted {
                out.push(Outgoing {
                    stream: sub.names(),
                    event: "notification",
                    payload: payload.clone(),
                });
            }
        }
        EventKind::Delete => {
            for sub in subs.iter().filter(|s| !matches!(s, Sub::UserNotification)) {
                out.push(Outgoing {
                    stream: sub.names(),
                    event: "delete",
                    payload: event.id.to_string(),
                });
            }
        }
        EventKind::Update | EventKind::StatusUpdate => {
            let mut matched: Vec<(&Sub, &'static str)> = Vec::new();
            let mut in_home: Option<bool> = None;
            for sub in subs {
                let hit = match sub {
                    Sub::User | Sub::List(_) => {
                        let Some(v) = viewer.filter(|_| event.home) else {
                            continue;
                        };
                        if in_home.is_none() {
                            in_home =
                                Some(db::timelines::in_feed(&data.db.read, v, event.id).await?);
                        }
                        let in_list = match sub {
                            Sub::List(list) => {
                                db::lists::is_member(&data.db.read, *list, event.author_id).await?
                            }
                            _ => true,
                        };
                        in_home == Some(true) && in_list
                    }
                    Sub::Public { local, media } => {
                        event.public
                            && local.is_none_or(|l| l == event.local)
                            && (!media || event.media)
                    }
                    Sub::Hashtag { tag, local } => {
                        event.tags.contains(tag) && (!local || event.local)
                    }
                    Sub::Direct => viewer.is_some_and(|v| event.direct_to.contains(&v)),
                    Sub::UserNotification => false,
                };
                if hit {
                    let context = match sub {
                        Sub::Public { .. } | Sub::Hashtag { .. } => "public",
                        _ => "home",
                    };
                    matched.push((sub, context));
                }
            }
            if matched.is_empty() {
                return Ok(out);
            }
            let Some(post) = load_post(data, event.id).await? else {
                return Ok(out);
            };
            if post.deleted_at.is_some() {
                return Ok(out);
            }
            if let Some(v) = viewer {
                let excluded = db::timelines::excluded_authors(&data.db.read, v).await?;
                let mut authors = vec![post.author_id];
                if let Some(original) = post.reblog_of_id
                    && let Some(o) = load_post(data, original).await?
                {
                    authors.push(o.author_id);
                }
                if authors.iter().any(|a| excluded.contains(a)) {
                    return Ok(out);
                }
            }
            let mut rendered: HashMap<&'static str, Option<String>> = HashMap::new();
            for (sub, context) in matched {
                if !rendered.contains_key(context) {
                    let mut statuses = status::statuses(data, viewer, vec![post.clone()]).await?;
                    apply_filters(data, viewer, context, &mut statuses).await?;
                    let payload = match statuses.first() {
                        Some(s) => Some(serde_json::to_string(s).map_err(anyhow::Error::from)?),
                        None => None,
                    };
                    rendered.insert(context, payload);
                }
                if let Some(Some(payload)) = rendered.get(context) {
                    out.push(Outgoing {
                        stream: sub.names(),
                        event: event.kind.name(),
                        payload: payload.clone(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The stream parameters of the query string.
#[derive(Debug, Default, Deserialize)]
struct StreamQuery {
    stream: Option<String>,
    tag: Option<String>,
    list: Option<String>,
}

fn query_params(uri: &Uri) -> StreamQuery {
    let mut q = StreamQuery::default();
    if let Some(query) = uri.query() {
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "stream" => q.stream = Some(v.into_owned()),
                "tag" => q.tag = Some(v.into_owned()),
                "list" => q.list = Some(v.into_owned()),
                _ => {}
            }
        }
    }
    q
}

/// The token of a streaming request: `Authorization: Bearer`, `access_token`, or (WebSocket)
/// the `Sec-WebSocket-Protocol` value.
fn token(headers: &HeaderMap, uri: &Uri, protocol: Option<&str>) -> Option<String> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let mut words = v.split_whitespace();
            let scheme = words.next()?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| words.next().map(str::to_string))
                .flatten()
        });
    bearer
        .or_else(|| {
            uri.query().and_then(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "access_token")
                    .map(|(_, v)| v.into_owned())
            })
        })
        .or_else(|| protocol.map(str::to_string))
}

async fn viewer_for(data: &Data<AppState>, raw: Option<&str>) -> AppResult<Option<Auth>> {
    match raw {
        None => Ok(None),
        Some(raw) => match authenticate(data, raw).await? {
            Some(auth) => {
                auth.require("read:statuses")
                    .or_else(|_| auth.require("read:notifications"))?;
                Ok(Some(auth))
            }
            None => Err(AppError::Unauthorized("Invalid access token".into())),
        },
    }
}

async fn websocket(
    data: Data<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> AppResult<Response> {
    let ws = ws.map_err(|_| AppError::BadRequest("a WebSocket upgrade is required".into()))?;
    let protocol = ws
        .requested_protocols()
        .next()
        .and_then(|p| p.to_str().ok())
        .map(|p| p.trim().to_string());
    let raw = token(&headers, &uri, protocol.as_deref());
    let viewer = viewer_for(&data, raw.as_deref()).await?;
    let mut initial = Vec::new();
    let q = query_params(&uri);
    if let Some(stream) = &q.stream {
        let sub = Sub::parse(stream, q.tag.as_deref(), q.list.as_deref())
            .map_err(AppError::BadRequest)?;
        authorize(&data, viewer.as_ref(), &sub)
            .await
            .map_err(AppError::Unauthorized)?;
        initial.push(sub);
    }
    let ws = match protocol {
        Some(p) => ws.protocols([p]),
        None => ws,
    };
    let events = data.events.subscribe();
    Ok(ws.on_upgrade(move |socket| run_socket(data, viewer, initial, events, socket)))
}

#[derive(Debug, Deserialize)]
struct Command {
    #[serde(rename = "type")]
    kind: String,
    stream: Option<String>,
    tag: Option<String>,
    list: Option<serde_json::Value>,
}

async fn handle_command(
    data: &Data<AppState>,
    viewer: Option<&Auth>,
    subs: &mut Vec<Sub>,
    text: &str,
) -> Result<(), String> {
    let cmd: Command =
        serde_json::from_str(text).map_err(|_| "Could not parse the message".to_string())?;
    let list = cmd.list.as_ref().map(|l| match l {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let stream = cmd
        .stream
        .as_deref()
        .ok_or_else(|| "No stream given".to_string())?;
    let sub = Sub::parse(stream, cmd.tag.as_deref(), list.as_deref())?;
    match cmd.kind.as_str() {
        "subscribe" => {
            authorize(data, viewer, &sub).await?;
            if !subs.contains(&sub) {
                subs.push(sub);
            }
            Ok(())
        }
        "unsubscribe" => {
            subs.retain(|s| *s != sub);
            Ok(())
        }
        other => Err(format!("Unknown message type {other}")),
    }
}

async fn run_socket(
    data: Data<AppState>,
    viewer: Option<Auth>,
    mut subs: Vec<Sub>,
    mut events: broadcast::Receiver<Arc<Event>>,
    socket: WebSocket,
) {
    let (mut sink, mut incoming) = socket.split();
    let mut ping = tokio::time::interval(Duration::from_secs(30));
    ping.tick().await;
    let viewer_id = viewer.as_ref().map(|a| a.actor.id);
    loop {
        tokio::select! {
            message = incoming.next() => {
                let Some(Ok(message)) = message else { break };
                match message {
                    Message::Text(text) => {
                        if let Err(error) =
                            handle_command(&data, viewer.as_ref(), &mut subs, text.as_str()).await
                        {
                            let frame = json!({ "error": error, "status": 400 }).to_string();
                            if sink.send(Message::Text(frame.into())).await.is_err() {
                                break;
                            }
                        }
                    }
                    Message::Close(_) => break,
                    _ => {}
                }
            }
            event = events.recv() => {
                let event = match event {
                    Ok(event) => event,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                let frames = match render(&data, viewer_id, &subs, &event).await {
                    Ok(frames) => frames,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot render a streaming event");
                        continue;
                    }
                };
                let mut failed = false;
                for frame in frames {
                    if sink.send(Message::Text(frame.frame().into())).await.is_err() {
                        failed = true;
                        break;
                    }
                }
                if failed {
                    break;
                }
            }
            _ = ping.tick() => {
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// The subscription an SSE path names.
fn sse_sub(path: &str, q: &StreamQuery) -> Result<Sub, String> {
    let stream = path
        .trim_start_matches("/api/v1/streaming/")
        .replace('/', ":");
    Sub::parse(&stream, q.tag.as_deref(), q.list.as_deref())
}

async fn sse_stream(
    data: Data<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Response> {
    let raw = token(&headers, &uri, None);
    let viewer = viewer_for(&data, raw.as_deref()).await?;
    let q = query_params(&uri);
    let sub = sse_sub(uri.path(), &q).map_err(AppError::BadRequest)?;
    authorize(&data, viewer.as_ref(), &sub)
        .await
        .map_err(AppError::Unauthorized)?;
    let viewer_id = viewer.as_ref().map(|a| a.actor.id);
    let mut events = data.events.subscribe();
    let (tx, rx) = mpsc::channel::<Outgoing>(64);
    tokio::spawn(async move {
        let subs = vec![sub];
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                _ = tx.closed() => break,
            };
            let event = match event {
                Ok(event) => event,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            };
            match render(&data, viewer_id, &subs, &event).await {
                Ok(frames) => {
                    for frame in frames {
                        if tx.send(frame).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot render a streaming event"),
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx)
        .map(|o| Ok::<_, Infallible>(sse::Event::default().event(o.event).data(o.payload)));
    Ok(Sse::new(stream)
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("thump"),
        )
        .into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_round_trip() {
        for name in [
            "user",
            "user:notification",
            "public",
            "public:media",
            "public:local",
            "public:local:media",
            "public:remote",
            "public:remote:media",
            "direct",
        ] {
            assert_eq!(Sub::parse(name, None, None).unwrap().names(), vec![name]);
        }
        assert_eq!(
            Sub::parse("hashtag", Some("#Maths"), None).unwrap().names(),
            vec!["hashtag", "maths"]
        );
        assert_eq!(
            Sub::parse("list", None, Some("12")).unwrap().names(),
            vec!["list", "12"]
        );
        assert!(Sub::parse("hashtag", None, None).is_err());
        assert!(Sub::parse("nope", None, None).is_err());
    }

    #[test]
    fn sse_paths_name_streams() {
        let q = StreamQuery {
            tag: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(
            sse_sub("/api/v1/streaming/public/local", &q).unwrap(),
            Sub::Public {
                local: Some(true),
                media: false
            }
        );
        assert_eq!(
            sse_sub("/api/v1/streaming/hashtag/local", &q).unwrap(),
            Sub::Hashtag {
                tag: "x".into(),
                local: true
            }
        );
        assert_eq!(
            sse_sub("/api/v1/streaming/user/notification", &q).unwrap(),
            Sub::UserNotification
        );
    }
}
