//! The streams a connection can subscribe to ([`Sub`]): Mastodon's stream names with their
//! `tag`/`list` parameter, the `stream` array events carry, and who may subscribe.
use crate::{AppState, api::auth::Auth, db};
use activitypub_federation::config::Data;

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

    pub(super) fn needs_user(&self) -> bool {
        matches!(
            self,
            Sub::User | Sub::UserNotification | Sub::List(_) | Sub::Direct
        )
    }
}

/// Checks that `viewer` may subscribe to `sub` (a user for personal streams; owns the list).
pub(super) async fn authorize(
    data: &Data<AppState>,
    viewer: Option<&Auth>,
    sub: &Sub,
) -> Result<(), String> {
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
}
