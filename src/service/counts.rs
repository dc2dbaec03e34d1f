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

    fn sample_actor(id: i64) -> actor::Model {
        actor::Model::sample(id, &format!("u{id}"))
    }

    fn sample_user(actor_id: i64, hide_counts: bool) -> local_user::Model {
        local_user::Model {
            hide_counts,
            ..local_user::Model::sample(actor_id)
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
