//! The event bus behind the streaming API. Services *stage* small events (a kind, a post or
//! notification id, and where it may be shown) while their transaction runs;
//! [`crate::service::commit`] *flushes* them after the commit, onto a tokio broadcast channel.
//! Each streaming connection renders the events it is subscribed to with its own viewer, so an
//! event never carries rendered JSON.
//!
//! On PostgreSQL several `halqa serve` processes may share the database behind one proxy: every
//! flushed event is also sent with `NOTIFY halqa_events` by [`relay`], which `LISTEN`s on the same
//! channel and puts the other processes' events on this process's channel. A payload is the
//! event's JSON with the sending bus's origin id; an event too big for NOTIFY's 8000-byte limit
//! (many hashtags or direct recipients) is split into several that each carry part of the
//! destinations (see [`Event::split`]). SQLite nodes are one process: the bus stays in memory.
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, watch};

/// How many events a slow subscriber may fall behind before it skips some.
const CAPACITY: usize = 1024;
/// The PostgreSQL channel the processes of a node share.
pub const CHANNEL: &str = "halqa_events";
/// Largest NOTIFY payload sent (PostgreSQL refuses 8000 bytes and more).
pub const MAX_PAYLOAD: usize = 7900;
/// Events waiting for the relay; past this (the relay is stuck or not running) they are
/// dropped for other processes (this process's subscribers still get them).
const RELAY_BACKLOG: usize = 4096;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new status (or boost): `id` is the post id.
    Update,
    /// An edited status: `id` is the post id.
    StatusUpdate,
    /// A deleted status or boost: `id` is the post id.
    Delete,
    /// A new notification: `id` is the notification id, `recipient` its owner.
    Notification,
}

impl EventKind {
    /// The Mastodon event name.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Update => "update",
            EventKind::StatusUpdate => "status.update",
            EventKind::Delete => "delete",
            EventKind::Notification => "notification",
        }
    }
}

/// One event and the streams it may reach; subscribers check the rest (home membership,
/// list membership, visibility, mutes) with their own viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    /// Post id, or notification id for [`EventKind::Notification`].
    pub id: i64,
    /// The post's author (the booster for a boost).
    pub author_id: i64,
    /// The post is on this node.
    pub local: bool,
    /// The post has media (for the `:media` streams).
    pub media: bool,
    /// Goes to the public streams (public, not a boost, not a reply to someone else).
    pub public: bool,
    /// Goes to these hashtag streams (lowercased names).
    pub tags: Vec<String>,
    /// May be in home feeds: user-stream subscribers check their `home_feed`.
    pub home: bool,
    /// Local actors whose `direct` stream gets it.
    pub direct_to: Vec<i64>,
    /// The local actor a notification is for.
    pub recipient: Option<i64>,
}

impl Event {
    /// An event about post `id` with no destinations yet.
    pub fn post(kind: EventKind, id: i64, author_id: i64, local: bool) -> Event {
        Event {
            kind,
            id,
            author_id,
            local,
            media: false,
            public: false,
            tags: Vec::new(),
            home: false,
            direct_to: Vec::new(),
            recipient: None,
        }
    }

    /// A notification event.
    pub fn notification(id: i64, recipient: i64, from: i64) -> Event {
        Event {
            recipient: Some(recipient),
            ..Event::post(EventKind::Notification, id, from, false)
        }
    }
}

impl Event {
    /// The event as NOTIFY payloads from bus `origin`: one payload when it fits in
    /// [`MAX_PAYLOAD`] bytes, else the event split by [`Event::split`].
    pub fn payloads(&self, origin: u64) -> Vec<String> {
        let encode = |event: &Event| {
            serde_json::to_string(&Wire {
                origin,
                event: event.clone(),
            })
            .unwrap_or_default()
        };
        let whole = encode(self);
        if whole.len() <= MAX_PAYLOAD {
            return vec![whole];
        }
        // Room for destinations: what is left after the event without any (plus slack for
        // flags turned false in the later parts).
        let bare = Event {
            tags: Vec::new(),
            direct_to: Vec::new(),
            ..self.clone()
        };
        let budget = MAX_PAYLOAD.saturating_sub(encode(&bare).len() + 16);
        self.split(budget)
            .iter()
            .map(encode)
            .filter(|p| !p.is_empty() && p.len() <= MAX_PAYLOAD)
            .collect()
    }

    /// Copies of this post event whose hashtags and direct recipients each take at most
    /// `budget` bytes and together cover all of them; only the first keeps the public, home and
    /// notification destinations, so every subscriber matches exactly one copy (a delete or a
    /// notification has no hashtags nor direct recipients and is never split).
    pub fn split(&self, budget: usize) -> Vec<Event> {
        let first = Event {
            tags: Vec::new(),
            direct_to: Vec::new(),
            ..self.clone()
        };
        let rest = Event {
            public: false,
            home: false,
            recipient: None,
            ..first.clone()
        };
        let mut parts = vec![first];
        let mut used = 0;
        let push =
            |part: &mut Vec<Event>, used: &mut usize, size: usize, add: &dyn Fn(&mut Event)| {
                if size > budget {
                    tracing::warn!(size, "a streaming destination too long to relay is dropped");
                    return;
                }
                if *used + size > budget {
                    part.push(rest.clone());
                    *used = 0;
                }
                if let Some(last) = part.last_mut() {
                    add(last);
                }
                *used += size;
            };
        for tag in &self.tags {
            push(
                &mut parts,
                &mut used,
                json_len(tag) + 1,
                &|e: &mut Event| e.tags.push(tag.clone()),
            );
        }
        for id in &self.direct_to {
            push(&mut parts, &mut used, json_len(id) + 1, &|e: &mut Event| {
                e.direct_to.push(*id)
            });
        }
        parts
    }
}

/// Length of a value's JSON.
fn json_len(value: &impl Serialize) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

/// A NOTIFY payload: the event and the bus that sent it (which skips its own).
#[derive(Debug, Serialize, Deserialize)]
struct Wire {
    #[serde(rename = "o")]
    origin: u64,
    #[serde(flatten)]
    event: Event,
}

/// The bus: staged events and the broadcast channel they are flushed to, and on PostgreSQL the
/// queue of payloads for [`relay`].
pub struct EventBus {
    sender: broadcast::Sender<Arc<Event>>,
    staged: Mutex<Vec<Event>>,
    shared: Option<Shared>,
}

/// The cross-process half of a bus (PostgreSQL only).
struct Shared {
    /// Random id of this bus, to skip our own events coming back.
    origin: u64,
    outgoing: mpsc::Sender<String>,
    /// Taken by the relay when it starts.
    incoming: Mutex<Option<mpsc::Receiver<String>>>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        EventBus {
            sender,
            staged: Mutex::new(Vec::new()),
            shared: None,
        }
    }
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("subscribers", &self.sender.receiver_count())
            .field("shared", &self.shared.is_some())
            .finish()
    }
}

impl EventBus {
    /// A bus for a node on `db`: in memory on SQLite, shared through NOTIFY on PostgreSQL.
    pub fn for_database(db: &crate::db::Db) -> EventBus {
        if db.backend() != DbBackend::Postgres {
            return EventBus::default();
        }
        let (outgoing, incoming) = mpsc::channel(RELAY_BACKLOG);
        let mut origin = [0u8; 8];
        let _ = openssl::rand::rand_bytes(&mut origin);
        EventBus {
            shared: Some(Shared {
                origin: u64::from_le_bytes(origin),
                outgoing,
                incoming: Mutex::new(Some(incoming)),
            }),
            ..EventBus::default()
        }
    }

    /// Keeps `event` until the next [`EventBus::flush`] (after the surrounding commit).
    pub fn stage(&self, event: Event) {
        if self.sender.receiver_count() == 0 && self.shared.is_none() {
            // Nobody listens here, and there is nowhere else: don't even keep it.
            return;
        }
        if let Ok(mut staged) = self.staged.lock() {
            staged.push(event);
        }
    }

    /// Publishes every staged event. An event staged by a transaction that has not committed
    /// yet (possible on PostgreSQL) may go out early: subscribers that cannot load its post
    /// retry once, then skip it.
    pub fn flush(&self) {
        let events = match self.staged.lock() {
            Ok(mut staged) => std::mem::take(&mut *staged),
            Err(_) => return,
        };
        for event in events {
            self.publish(event);
        }
    }

    /// Publishes one event now (for changes made outside a transaction, already durable).
    pub fn publish(&self, event: Event) {
        if let Some(shared) = &self.shared {
            for payload in event.payloads(shared.origin) {
                if shared.outgoing.try_send(payload).is_err() {
                    tracing::warn!("streaming relay backlog full: an event stays in this process");
                    break;
                }
            }
        }
        // An error only means there is no subscriber left.
        let _ = self.sender.send(Arc::new(event));
    }

    /// A new subscription to every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    /// Takes an event that came from another process (ignoring our own).
    fn receive(&self, payload: &str, origin: u64) {
        match serde_json::from_str::<Wire>(payload) {
            Ok(wire) if wire.origin == origin => {}
            Ok(wire) => {
                let _ = self.sender.send(Arc::new(wire.event));
            }
            Err(e) => tracing::warn!(error = %e, "unreadable streaming event from another process"),
        }
    }
}

/// Relays events between the processes sharing a PostgreSQL database until `shutdown`: sends
/// this process's with `NOTIFY`, and publishes the others' here. Does nothing on SQLite.
pub async fn relay(state: crate::AppState, mut shutdown: watch::Receiver<bool>) {
    use sea_orm::sqlx::postgres::PgListener;
    let bus = &state.events;
    let Some(shared) = &bus.shared else { return };
    let Some(mut outgoing) = shared.incoming.lock().ok().and_then(|mut r| r.take()) else {
        return;
    };
    // Its own connection (and reconnections), not one held out of the node's pool.
    let mut listener = match PgListener::connect(&state.config.database.url).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(error = %e, "cannot LISTEN for other processes' streaming events");
            return;
        }
    };
    if let Err(e) = listener.listen(CHANNEL).await {
        tracing::error!(error = %e, "cannot LISTEN for other processes' streaming events");
        return;
    }
    let mut batch = Vec::new();
    loop {
        tokio::select! {
            received = outgoing.recv_many(&mut batch, 64) => {
                if received == 0 {
                    break;
                }
                if let Err(e) = notify(&state.db.write, &batch).await {
                    tracing::warn!(error = %e, "cannot send streaming events to other processes");
                }
                batch.clear();
            }
            // On a lost connection the listener reconnects by itself (what was sent meanwhile
            // is lost, as with any live stream).
            notification = listener.recv() => match notification {
                Ok(n) => bus.receive(n.payload(), shared.origin),
                Err(e) => {
                    tracing::warn!(error = %e, "listening for other processes' streaming events");
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {},
                        _ = shutdown.changed() => break,
                    }
                }
            },
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
}

/// One `SELECT pg_notify(…)` for a batch of payloads.
async fn notify(db: &impl ConnectionTrait, payloads: &[String]) -> Result<(), sea_orm::DbErr> {
    if payloads.is_empty() {
        return Ok(());
    }
    let calls: Vec<String> = (0..payloads.len())
        .map(|i| format!("pg_notify($1, ${})", i + 2))
        .collect();
    let mut values: Vec<sea_orm::Value> = vec![CHANNEL.into()];
    values.extend(payloads.iter().map(|p| sea_orm::Value::from(p.clone())));
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {}", calls.join(", ")),
        values,
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn staged_events_go_out_on_flush_only() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe();
        bus.stage(Event::post(EventKind::Update, 7, 1, true));
        assert!(rx.try_recv().is_err());
        bus.flush();
        let event = rx.recv().await.unwrap();
        assert_eq!(event.id, 7);
        assert_eq!(event.kind.name(), "update");
        assert!(rx.try_recv().is_err());
    }

    fn post_event(tags: usize, direct: usize) -> Event {
        Event {
            public: true,
            home: true,
            tags: (0..tags).map(|i| format!("tag{i:04}")).collect(),
            direct_to: (0..direct as i64).map(|i| 1_000_000_000_000 + i).collect(),
            ..Event::post(EventKind::Update, 42, 7, true)
        }
    }

    #[test]
    fn small_events_travel_whole_and_come_back_equal() {
        let event = post_event(3, 2);
        let payloads = event.payloads(9);
        assert_eq!(payloads.len(), 1);
        let wire: Wire = serde_json::from_str(&payloads[0]).unwrap();
        assert_eq!((wire.origin, wire.event), (9, event));
        assert!(
            payloads[0].contains(r#""kind":"update""#),
            "{}",
            payloads[0]
        );
    }

    #[test]
    fn big_events_split_so_each_destination_is_in_exactly_one_part() {
        let event = post_event(2000, 600);
        let payloads = event.payloads(1);
        assert!(payloads.len() > 2, "{}", payloads.len());
        assert!(payloads.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let parts: Vec<Event> = payloads
            .iter()
            .map(|p| serde_json::from_str::<Wire>(p).unwrap().event)
            .collect();
        let tags: Vec<String> = parts.iter().flat_map(|p| p.tags.clone()).collect();
        let direct: Vec<i64> = parts.iter().flat_map(|p| p.direct_to.clone()).collect();
        assert_eq!(
            (tags, direct),
            (event.tags.clone(), event.direct_to.clone())
        );
        assert!(parts[0].public && parts[0].home);
        assert!(
            parts[1..]
                .iter()
                .all(|p| !p.public && !p.home && p.recipient.is_none())
        );
        assert!(
            parts
                .iter()
                .all(|p| p.id == 42 && p.kind == EventKind::Update)
        );
    }

    #[test]
    fn a_bus_skips_its_own_events_coming_back() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe();
        let payload = post_event(1, 0).payloads(5).remove(0);
        bus.receive(&payload, 5);
        assert!(rx.try_recv().is_err());
        bus.receive(&payload, 6);
        assert_eq!(rx.try_recv().unwrap().id, 42);
        bus.receive("not json", 6);
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn nothing_is_kept_without_subscribers() {
        let bus = EventBus::default();
        bus.stage(Event::post(EventKind::Delete, 1, 1, true));
        assert!(bus.staged.lock().unwrap().is_empty());
    }
}
