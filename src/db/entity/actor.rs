//! `actor`: every ActivityPub actor we know, local (with a private key) or remote.
//! The table also has `statuses_count`, `followers_count`, `following_count` and
//! `last_status_at`, kept by database triggers (migration 4) and left off this model so no code
//! writes them; they are read through `db::views::{ActorWithStats, account_stats}`.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub local: bool,
    /// AS2 type: Person, Application, Group, Service, Organization.
    pub kind: String,
    pub username: String,
    pub domain: String,
    pub display_name: String,
    /// Sanitised HTML.
    pub summary: String,
    pub url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub outbox: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub public_key_id: String,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    /// PLN facet: trainee, novice, teacher, teacher_educator.
    pub stage: Option<String>,
    /// PLN facets stored as JSON arrays of strings.
    pub subjects: String,
    pub levels: String,
    pub languages: String,
    pub region: Option<String>,
    pub open_to_mentor: bool,
    pub seeking_mentor: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// JSON array of profile fields `[{"name","value"(HTML),"verified_at"}]`.
    pub fields: String,
    /// Automated account (`Service`/`Application`).
    pub bot: bool,
    /// Moderators limited the account (Mastodon's silence): kept off public timelines.
    pub silenced_at: Option<DateTime<Utc>>,
    /// Moderators suspended the account (permanent: see `service::moderation`).
    pub suspended_at: Option<DateTime<Utc>>,
    /// JSON array of actor ids this account is also known as (`alsoKnownAs`): for a local
    /// account the aliases its owner declared (the accounts it may move *from*).
    pub also_known_as: String,
    /// The actor id this account moved to (`movedTo`), once a move is done or verified.
    pub moved_to_ap_id: Option<String>,
    /// When it moved (the cooldown before it may move again).
    pub moved_at: Option<DateTime<Utc>>,
    /// Mastodon's `hide_collections`: the followers and following lists are not shown to
    /// others (the ActivityPub collections have no pages), and the web shows nobody else this
    /// account's counts. Local accounts only (migration 000025).
    pub hide_collections: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `user@domain`, the WebFinger handle.
    pub fn handle(&self) -> String {
        format!("{}@{}", self.username, self.domain)
    }

    /// Where deliveries to this actor go: the shared inbox when it has one.
    pub fn delivery_inbox(&self) -> &str {
        self.shared_inbox.as_deref().unwrap_or(&self.inbox)
    }

    /// The `alsoKnownAs` ids (an unreadable value reads as empty).
    pub fn aliases(&self) -> Vec<String> {
        serde_json::from_str(&self.also_known_as).unwrap_or_default()
    }

    /// A PLN facet list decoded from its JSON column (an unreadable value reads as empty).
    pub fn facet_list(raw: &str) -> Vec<String> {
        serde_json::from_str(raw).unwrap_or_default()
    }

    /// A local person `username` on `a.example` with id `id` and nothing else set, for unit
    /// tests (change what a test needs with `..`).
    #[cfg(test)]
    pub fn sample(id: i64, username: &str) -> Model {
        let now = Utc::now();
        Model {
            id,
            ap_id: format!("https://a.example/users/{username}"),
            local: true,
            kind: "Person".into(),
            username: username.into(),
            domain: "a.example".into(),
            display_name: String::new(),
            summary: String::new(),
            url: None,
            inbox: format!("https://a.example/users/{username}/inbox"),
            shared_inbox: None,
            outbox: None,
            followers_url: None,
            following_url: None,
            public_key_id: String::new(),
            public_key_pem: String::new(),
            private_key_pem: None,
            manually_approves_followers: false,
            discoverable: true,
            avatar_url: None,
            header_url: None,
            stage: None,
            subjects: "[]".into(),
            levels: "[]".into(),
            languages: "[]".into(),
            region: None,
            open_to_mentor: false,
            seeking_mentor: false,
            created_at: now,
            updated_at: now,
            last_fetched_at: None,
            deleted_at: None,
            fields: "[]".into(),
            bot: false,
            silenced_at: None,
            suspended_at: None,
            also_known_as: "[]".into(),
            moved_to_ap_id: None,
            moved_at: None,
            hide_collections: false,
        }
    }
}
