//! `local_user`: login data for a local actor (email, argon2id hash, role).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "local_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    #[sea_orm(unique)]
    pub actor_id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    /// admin, moderator or user.
    pub role: String,
    pub locale: Option<String>,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    /// The bio as typed (plain text); the actor holds the rendered HTML.
    pub note_source: Option<String>,
    /// Posting defaults (Mastodon preferences): public, unlisted, private or direct.
    pub default_visibility: String,
    pub default_sensitive: bool,
    pub default_language: Option<String>,
    /// Licence id given to new resources when none is chosen (`service::resources::licenses`).
    pub default_license: Option<String>,
    /// Registration state: approved, pending (waiting for staff) or rejected.
    pub approval: String,
    /// What the applicant wrote when registrations need approval.
    pub registration_reason: Option<String>,
    /// The invite the account signed up with.
    pub invite_id: Option<i64>,
    /// Staff turned its logins off (Mastodon's `disable`); reversible.
    pub disabled: bool,
    /// The user does not want to see follower, following, favourite and boost counts on the
    /// web pages (anyone's; migration 000025).
    pub hide_counts: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// An approved user (role `user`) of actor `actor_id`, for unit tests (change what a test
    /// needs with `..`).
    #[cfg(test)]
    pub fn sample(actor_id: i64) -> Model {
        Model {
            id: actor_id + 1000,
            actor_id,
            email: format!("u{actor_id}@a.example"),
            password_hash: String::new(),
            role: "user".into(),
            locale: None,
            must_change_password: false,
            created_at: Utc::now(),
            note_source: None,
            default_visibility: "public".into(),
            default_sensitive: false,
            default_language: None,
            default_license: None,
            approval: "approved".into(),
            registration_reason: None,
            invite_id: None,
            disabled: false,
            hide_counts: false,
        }
    }
}
