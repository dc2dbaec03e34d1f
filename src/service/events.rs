//! The in-process event bus behind the streaming API. Services *stage* small events (a kind, a
//! post or notification id, and where it may be shown) while their transaction runs;
//! [`crate::service::commit`] *flushes* them after the commit, onto a tokio broadcast channel.
//! Each streaming connection renders the events it is subscribed to with its own viewer, so an
//! event never carries rendered JSON. One process only: several `halqa serve` processes would
//! carry these events over PostgreSQL `LISTEN/NOTIFY` (see `docs/decisions.md`).
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// How many events a slow subscriber may fall behind before it skips some.
const CAPACITY: usize = 1024;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
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

/// The bus: staged events and the broadcast channel they are flushed to.
pub struct EventBus {
    sender: broadcast::Sender<Arc<Event>>,
    staged: Mutex<Vec<Event>>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        EventBus {
            sender,
            staged: Mutex::new(Vec::new()),
        }
    }
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("subscribers", &self.sender.receiver_count())
            .finish()
    }
}

impl EventBus {
    /// Keeps `event` until the next [`EventBus::flush`] (after the surrounding commit).
    pub fn stage(&self, event: Event) {
        if self.sender.receiver_count() == 0 {
            // Nobody listens: don't even keep it.
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
            // An error only means there is no subscriber left.
            let _ = self.sender.send(Arc::new(event));
        }
    }

    /// Publishes one event now (for changes made outside a transaction, already durable).
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(Arc::new(event));
    }

    /// A new subscription to every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }
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

    #[test]
    fn nothing_is_kept_without_subscribers() {
        let bus = EventBus::default();
        bus.stage(Event::post(EventKind::Delete, 1, 1, true));
        assert!(bus.staged.lock().unwrap().is_empty());
    }
}
