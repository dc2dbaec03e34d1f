//! Bans from remote circles: Lemmy bans a person from a community with a `Block` whose
//! `target` is the community (sent to the person's server directly by the moderator's server,
//! and announced by the community to its members' servers). Halqa reads it as the end of the
//! person's membership: their follow of the Group goes, as when a circle sends `Reject(Follow)`.
//! A circle's ban does not become a personal block between the moderator and the person.
use crate::{
    AppState, db,
    db::entity::actor,
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use url::Url;

/// Whether `sender` may ban people from remote circle `group`: the group itself, or an actor
/// of the group's own server (its moderators act from there).
pub fn may_ban(sender: &actor::Model, group: &actor::Model) -> bool {
    sender.id == group.id || same_server(&sender.ap_id, &group.ap_id)
}

/// Whether two ids are on the same host and port.
fn same_server(a: &str, b: &str) -> bool {
    let server = |id: &str| {
        Url::parse(id)
            .ok()
            .map(|u| (u.host_str().map(str::to_string), u.port_or_known_default()))
    };
    server(a).is_some_and(|s| Some(s) == server(b))
}

/// `sender` banned local account `banned` from the circle `target` names (a `Block` with a
/// `target`): the membership (or the pending request) is dropped. A circle this node does not
/// know is nothing to act on.
pub async fn receive_ban(
    data: &Data<AppState>,
    sender: &actor::Model,
    target: &Url,
    banned: &actor::Model,
) -> AppResult<()> {
    let Some(group) = db::actors::find_by_ap_id(&data.db.read, target.as_str()).await? else {
        return Ok(());
    };
    if group.kind != "Group" || group.local {
        return Err(AppError::BadRequest(
            "a ban's target must be a circle of the sending server".into(),
        ));
    }
    if !may_ban(sender, &group) {
        return Err(AppError::Forbidden(
            "only the circle or its server's moderators can ban from it".into(),
        ));
    }
    let Some(row) = db::follows::find(&data.db.read, banned.id, group.id).await? else {
        return Ok(());
    };
    db::follows::delete(&data.db.write, row.id).await?;
    crate::service::timelines::unfollowed(&data.db.write, data, banned.id, group.id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_groups_own_server_may_ban() {
        let group = "https://lemmy.example/c/maths";
        assert!(same_server("https://lemmy.example/u/mod", group));
        assert!(same_server("https://lemmy.example:443/u/mod", group));
        assert!(!same_server("https://evil.example/u/mod", group));
        assert!(!same_server("https://lemmy.example:8443/u/mod", group));
        assert!(!same_server("not a url", group));
    }
}
