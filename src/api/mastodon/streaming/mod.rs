//! The streaming API. WebSocket `GET /api/v1/streaming`: the token comes from
//! `Authorization`, `access_token` or `Sec-WebSocket-Protocol` (echoed back, as masto.js needs);
//! one stream from the query (`?stream=hashtag&tag=x`) and/or multiplexed
//! `{"type":"subscribe","stream":…}` / `unsubscribe` frames; events are
//! `{"stream":[…],"event":"update","payload":"<Status JSON as a string>"}` with the stream array
//! masto.js matches on (`["hashtag","foo"]`, `["list","<id>"]`); bad requests get
//! `{"error":…}` frames; pings every 30 s. SSE `GET /api/v1/streaming/{user,public,…}` sends
//! the same events as `event:`/`data:` lines with heartbeats; `GET /api/v1/streaming/health`
//! answers `OK`. Events come from the bus (`service::events`: this process's, and on PostgreSQL
//! the other processes' too) and are rendered per connection ([`render`]); the streams and who
//! may subscribe are in [`subs`].
mod render;
mod subs;

pub use render::{Outgoing, render};
pub use subs::Sub;

use crate::{
    AppState,
    api::auth::{Auth, authenticate},
    error::{AppError, AppResult},
    service::events::Event,
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
use std::{convert::Infallible, sync::Arc, time::Duration};
use subs::authorize;
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
