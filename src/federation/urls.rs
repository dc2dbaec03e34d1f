//! Every URL this node mints for its actors, objects and activities is built (and parsed back)
//! here, and nowhere else.
use url::Url;

/// URL builder for one node, from its base URL (`https://domain`).
#[derive(Debug, Clone)]
pub struct Urls {
    base: String,
}

impl Urls {
    /// `base` is `scheme://domain` without a trailing slash.
    pub fn new(base: &str) -> Self {
        Urls {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// The node's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn actor(&self, username: &str) -> String {
        format!("{}/users/{username}", self.base)
    }
    pub fn actor_key(&self, username: &str) -> String {
        format!("{}/users/{username}#main-key", self.base)
    }
    pub fn inbox(&self, username: &str) -> String {
        format!("{}/users/{username}/inbox", self.base)
    }
    pub fn outbox(&self, username: &str) -> String {
        format!("{}/users/{username}/outbox", self.base)
    }
    pub fn followers(&self, username: &str) -> String {
        format!("{}/users/{username}/followers", self.base)
    }
    pub fn following(&self, username: &str) -> String {
        format!("{}/users/{username}/following", self.base)
    }
    /// The `featured` collection (pinned statuses), at Mastodon's path.
    pub fn featured(&self, username: &str) -> String {
        featured_of(&self.actor(username))
    }
    pub fn profile_page(&self, username: &str) -> String {
        format!("{}/@{username}", self.base)
    }
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.base)
    }
    pub fn instance_actor(&self) -> String {
        format!("{}/actor", self.base)
    }
    pub fn instance_actor_key(&self) -> String {
        format!("{}/actor#main-key", self.base)
    }
    pub fn post(&self, username: &str, id: i64) -> String {
        format!("{}/users/{username}/statuses/{id}", self.base)
    }
    pub fn post_page(&self, username: &str, id: i64) -> String {
        format!("{}/@{username}/{id}", self.base)
    }
    pub fn activity(&self, id: i64) -> String {
        format!("{}/activities/{id}", self.base)
    }
    /// A stored media file (original or preview) under `media.dir`.
    pub fn media(&self, file_name: &str) -> String {
        format!("{}/media/{file_name}", self.base)
    }
    /// The image shown for accounts without an avatar (clients crash on a missing one).
    pub fn default_avatar(&self) -> String {
        format!("{}/avatars/original/missing.png", self.base)
    }
    /// The image shown for accounts without a header.
    pub fn default_header(&self) -> String {
        format!("{}/headers/original/missing.png", self.base)
    }
    /// The streaming API's base (`ws://` or `wss://` + domain), as clients expect it.
    pub fn streaming(&self) -> String {
        self.base
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1)
    }
    pub fn tag(&self, name: &str) -> String {
        format!("{}/tags/{name}", self.base)
    }
    pub fn nodeinfo(&self, version: &str) -> String {
        format!("{}/nodeinfo/{version}", self.base)
    }
    /// A mentorship offer (its `Proposal` and, for browsers, its page).
    pub fn offer(&self, id: i64) -> String {
        format!("{}/mentorship/offers/{id}", self.base)
    }
    /// A mentorship request (the id of its `Offer` activity).
    pub fn mentorship_request(&self, id: i64) -> String {
        format!("{}/mentorship/requests/{id}", self.base)
    }
    /// A mentorship (the id of its `Agreement`).
    pub fn mentorship(&self, id: i64) -> String {
        format!("{}/mentorships/{id}", self.base)
    }
    /// A goal, meeting note or message of a mentorship (`kind`: goals, meetings, messages).
    pub fn mentorship_item(&self, kind: &str, id: i64) -> String {
        format!("{}/mentorship/{kind}/{id}", self.base)
    }

    /// A teaching resource (its `Page` and, for browsers, its page).
    pub fn resource(&self, id: i64) -> String {
        format!("{}/resources/{id}", self.base)
    }
    /// The local resource id in a URL minted by [`Urls::resource`], if it is one of ours.
    pub fn parse_resource(&self, url: &str) -> Option<i64> {
        let rest = url.strip_prefix(&self.base)?.strip_prefix("/resources/")?;
        rest.parse().ok()
    }

    /// A resource collection (its `OrderedCollection` and, for browsers, its page).
    pub fn collection(&self, id: i64) -> String {
        format!("{}/collections/{id}", self.base)
    }
    /// The followers of a resource collection.
    pub fn collection_followers(&self, id: i64) -> String {
        format!("{}/collections/{id}/followers", self.base)
    }
    /// The local collection id in a URL minted by [`Urls::collection`], if it is one of ours.
    pub fn parse_collection(&self, url: &str) -> Option<i64> {
        let rest = url
            .strip_prefix(&self.base)?
            .strip_prefix("/collections/")?;
        rest.parse().ok()
    }

    /// The local offer id in a URL minted by [`Urls::offer`], if it is one of ours.
    pub fn parse_offer(&self, url: &str) -> Option<i64> {
        let rest = url
            .strip_prefix(&self.base)?
            .strip_prefix("/mentorship/offers/")?;
        rest.parse().ok()
    }

    /// The local post id in a URL minted by [`Urls::post`], if it is one of ours.
    pub fn parse_post(&self, url: &str) -> Option<i64> {
        let rest = url.strip_prefix(&self.base)?.strip_prefix("/users/")?;
        let (_, id) = rest.split_once("/statuses/")?;
        id.parse().ok()
    }

    /// The local username in an actor URL minted by [`Urls::actor`], if it is one of ours.
    pub fn parse_actor(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(&self.base)?.strip_prefix("/users/")?;
        let name = rest.split(['#', '/', '?']).next()?;
        (!name.is_empty() && name.len() == rest.len()).then(|| name.to_string())
    }

    /// Whether `url` belongs to this node.
    pub fn is_local(&self, url: &Url) -> bool {
        url.as_str().starts_with(&format!("{}/", self.base)) || url.as_str() == self.base
    }
}

/// The moderators collection of a local circle (FEP-1b12), from its id.
pub fn moderators_of(actor_ap_id: &str) -> String {
    format!("{actor_ap_id}/moderators")
}

/// The `featured` collection of a local actor, from its id (see [`Urls::featured`]).
pub fn featured_of(actor_ap_id: &str) -> String {
    format!("{actor_ap_id}/collections/featured")
}

/// `host[:port]` of a URL, the unit of delivery health and federation policy.
pub fn host_of(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// `a` and `b` are on the same host and port: who may speak for an object. The library's
/// `verify_domains_match` ignores ports, which would let two nodes sharing a host name (tests on
/// loopback, or several nodes behind one name) vouch for each other's objects.
pub fn verify_same_host(a: &Url, b: &Url) -> crate::error::AppResult<()> {
    match (host_of(a), host_of(b)) {
        (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => Ok(()),
        _ => Err(crate::error::AppError::BadRequest(format!(
            "{a} and {b} are not on the same server"
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn same_host_means_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        let same = |a: &str, b: &str| verify_same_host(&u(a), &u(b)).is_ok();
        assert!(same(
            "https://a.example/users/x",
            "https://A.example:443/notes/1"
        ));
        assert!(same(
            "http://localhost:4001/users/x",
            "http://localhost:4001/notes/1"
        ));
        assert!(!same(
            "http://localhost:4001/users/x",
            "http://localhost:4002/notes/1"
        ));
        assert!(!same(
            "https://a.example/users/x",
            "https://a.example.evil/notes/1"
        ));
        assert!(!same(
            "https://a.example/users/x",
            "https://b.a.example/notes/1"
        ));
    }

    #[test]
    fn round_trips() {
        let urls = Urls::new("https://crmef.example/");
        let post = urls.post("amina", 42);
        assert_eq!(post, "https://crmef.example/users/amina/statuses/42");
        assert_eq!(urls.parse_post(&post), Some(42));
        assert_eq!(
            urls.parse_post("https://other.example/users/amina/statuses/42"),
            None
        );
        assert_eq!(
            urls.parse_actor(&urls.actor("amina")).as_deref(),
            Some("amina")
        );
        assert_eq!(urls.parse_actor(&urls.inbox("amina")), None);
        assert!(urls.is_local(&Url::parse(&urls.actor("amina")).unwrap()));
        assert!(!urls.is_local(&Url::parse("https://crmef.example.evil/users/a").unwrap()));
        let offer = urls.offer(7);
        assert_eq!(offer, "https://crmef.example/mentorship/offers/7");
        assert_eq!(urls.parse_offer(&offer), Some(7));
        assert_eq!(
            urls.parse_offer("https://crmef.example/mentorship/offers/7/x"),
            None
        );
    }

    #[test]
    fn host_keeps_port() {
        let url = Url::parse("http://localhost:8081/inbox").unwrap();
        assert_eq!(host_of(&url).as_deref(), Some("localhost:8081"));
    }
}
