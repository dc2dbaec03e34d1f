//! Who sees an account's numbers (non-evaluative spaces): follower, following, favourite and
//! boost counts are hidden node-wide by the admin's `hide_counts`, by a viewer who chose not to
//! see counts, and from everyone but the account itself when it hides its collections
//! (Mastodon's `hide_collections`).
use crate::{
    AppState,
    db::entity::{actor, local_user},
    error::AppResult,
    service::settings,
};
use activitypub_federation::config::Data;

/// Whether `viewer` (none: a visitor) may see the counts of `owner`'s profile and posts, given
/// whether the node hides counts for everyone.
pub fn visible(
    node_hides: bool,
    owner: &actor::Model,
    viewer: Option<(&local_user::Model, &actor::Model)>,
) -> bool {
    if node_hides || viewer.is_some_and(|(user, _)| user.hide_counts) {
        return false;
    }
    let own = viewer.is_some_and(|(_, a)| a.id == owner.id);
    own || !owner.hide_collections
}

/// [`visible`] with the node's current setting.
pub async fn visible_now(
    data: &Data<AppState>,
    owner: &actor::Model,
    viewer: Option<(&local_user::Model, &actor::Model)>,
) -> AppResult<bool> {
    let node = settings::current(&data.db.read, &data.config).await?;
    Ok(visible(node.hide_counts, owner, viewer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn sample_actor(id: i64) -> actor::Model {
        actor::Model {
            id,
            ap_id: format!("https://a.example/users/u{id}"),
            local: true,
            kind: "Person".into(),
            username: format!("u{id}"),
            domain: "a.example".into(),
            display_name: String::new(),
            summary: String::new(),
            url: None,
            inbox: String::new(),
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
            created_at: Utc::now(),
            updated_at: Utc::now(),
            last_fetched_at: None,
            deleted_at: None,
            fields: "[]".into(),
            bot: false,
            silenced_at: None,
            suspended_at: None,
            hide_collections: false,
        }
    }

    fn sample_user(actor_id: i64, hide_counts: bool) -> local_user::Model {
        local_user::Model {
            id: actor_id + 100,
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
            hide_counts,
        }
    }

    #[test]
    fn counts_follow_the_node_the_owner_and_the_viewer() {
        let mut owner = sample_actor(1);
        let viewer_actor = sample_actor(2);
        let viewer_user = sample_user(2, false);
        let viewer = Some((&viewer_user, &viewer_actor));
        assert!(visible(false, &owner, None));
        assert!(visible(false, &owner, viewer));
        assert!(!visible(true, &owner, viewer), "the node hides counts");
        owner.hide_collections = true;
        assert!(!visible(false, &owner, None), "hidden from visitors");
        assert!(!visible(false, &owner, viewer), "hidden from others");
        let owner_user = sample_user(1, false);
        assert!(
            visible(false, &owner, Some((&owner_user, &owner))),
            "not from itself"
        );
        let shy_viewer = sample_user(2, true);
        owner.hide_collections = false;
        assert!(!visible(false, &owner, Some((&shy_viewer, &viewer_actor))));
    }
}
