//! Mastodon API entities (the JSON shapes clients parse) and their batched construction from
//! the database. Every spec field is always serialised (`null` where allowed), ids are strings,
//! dates carry milliseconds and `Z`.
pub mod account;
pub mod media;
pub mod notification;
pub mod notification_group;
pub mod poll;
pub mod relationship;
pub mod scheduled_status;
pub mod status;

pub use account::{Account, CredentialAccount};
pub use media::MediaAttachment;
pub use poll::Poll;
pub use relationship::Relationship;
pub use status::Status;

use chrono::{DateTime, SecondsFormat, Utc};

/// `2024-01-02T03:04:05.000Z`, the only datetime form every client accepts.
pub fn datetime(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Optional [`datetime`].
pub fn opt_datetime(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(datetime)
}

/// An empty list of custom emojis (Halqa has none yet; the field must be present).
pub type Emojis = Vec<serde_json::Value>;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn datetimes_have_millis_and_z() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(datetime(&t), "2024-01-02T03:04:05.000Z");
    }
}
