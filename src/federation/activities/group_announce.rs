//! FEP-1b12: an `Announce` whose object is an activity (what Lemmy-style groups send: the
//! group announces its member's `Create`, or a moderator's `Delete`), as opposed to a boost of
//! a post. Only `Group` actors are believed here; the announced activity's object is read from
//! its origin, never from the embedded copy the group's signature does not vouch for.
use crate::{
    AppState, db,
    error::AppResult,
    federation::{objects::note::DbPost, wire},
    service,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

/// Activity types a group may announce.
const ACTIVITY_TYPES: [&str; 14] = [
    "Create", "Update", "Delete", "Remove", "Add", "Like", "Dislike", "Undo", "Block", "Follow",
    "Announce", "Lock", "Flag", "Move",
];

/// What an announced activity does, as far as this node cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    /// A member's new post (`Create`), by the id of its object.
    Create { object: Url },
    /// An edit of a post.
    Update { object: Url },
    /// A deletion or a moderator's removal of a post (`Delete`, Lemmy's `Remove`).
    Delete { object: Url },
    /// A ban of `object` (a person) from the circle `target` (Lemmy's `Block` with a target).
    Ban { object: Url, target: Url },
    /// Anything else (votes, moderator changes, …): accepted and ignored.
    Other(String),
}

/// The announced activity in `object`, or `None` when the object is not an activity (a post,
/// or a post's id: a plain boost). An activity without an object id is `Other`.
pub fn announced_activity(object: &Value) -> Option<Announced> {
    let kinds = wire::types_of(object);
    let kind = kinds
        .iter()
        .find(|k| ACTIVITY_TYPES.contains(&k.as_str()))?
        .clone();
    let target = wire::first_url(object.get("target"));
    let inner = wire::first_url(object.get("object"));
    Some(match (kind.as_str(), inner) {
        ("Create", Some(object)) => Announced::Create { object },
        ("Update", Some(object)) => Announced::Update { object },
        ("Delete" | "Remove", Some(object)) => Announced::Delete { object },
        ("Block", Some(object)) => match target {
            Some(target) => Announced::Ban { object, target },
            None => Announced::Other(kind),
        },
        _ => Announced::Other(kind),
    })
}

/// Applies an activity announced by `group` (the signed actor of the Announce `announce_id`).
pub async fn receive(
    data: &Data<AppState>,
    group: &crate::db::entity::actor::Model,
    announce_id: &Url,
    published: Option<DateTime<Utc>>,
    announced: Announced,
) -> AppResult<()> {
    if group.kind != "Group" {
        // Only groups forward their members' activities; others are ignored, as Mastodon does.
        tracing::debug!(actor = %group.ap_id, "an Announce of an activity by a non-group is ignored");
        return Ok(());
    }
    match announced {
        Announced::Create { object } => {
            let post = ObjectId::<DbPost>::from(object).dereference(data).await?;
            service::posts::receive_announce(
                data,
                group,
                &post.model,
                announce_id.as_str(),
                published,
            )
            .await
        }
        Announced::Update { object } => {
            if db::posts::find_by_ap_id(&data.db.read, object.as_str())
                .await?
                .is_some()
            {
                ObjectId::<DbPost>::from(object)
                    .dereference_forced(data)
                    .await?;
            }
            Ok(())
        }
        Announced::Delete { object } => {
            service::circles::posts::receive_removal(data, group, &object).await
        }
        Announced::Ban { object, target } => {
            // Only a ban of one of our accounts from the announcing circle itself.
            if target.as_str() != group.ap_id || !data.urls.is_local(&object) {
                return Ok(());
            }
            let Some(banned) = db::actors::find_by_ap_id(&data.db.read, object.as_str()).await?
            else {
                return Ok(());
            };
            service::circles::receive_ban(data, group, &target, &banned).await
        }
        Announced::Other(kind) => {
            tracing::debug!(%kind, "an announced activity of this kind is ignored");
            Ok(())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::federation::{actors::person::Person, objects::note::Note};
    use serde_json::json;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/tests/fixtures/activitypub/fep/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn fep_1b12_announce_of_create_names_the_post() {
        let announce = fixture("1b12_group_federation_announce_create");
        let inner = announced_activity(&announce["object"]).unwrap();
        assert_eq!(
            inner,
            Announced::Create {
                object: Url::parse("https://sally.example.org/p/1").unwrap()
            }
        );
        // The embedded Page has no `attributedTo` (it is the Create's actor): it is never taken
        // as it is, but fetched from its origin, which names its author.
        let embedded = &announce["object"]["object"];
        assert!(serde_json::from_value::<Note>(embedded.clone()).is_err());
        let mut page = embedded.clone();
        page["attributedTo"] = announce["object"]["actor"].clone();
        let page: Note = serde_json::from_value(page).unwrap();
        assert_eq!(page.kind, "Page");
        assert_eq!(
            wire::first_url(page.audience.as_ref()).unwrap().as_str(),
            "https://example.org/my-forum"
        );
        // The fixture's own Announce id is not an absolute URL: such an Announce is refused.
        assert!(serde_json::from_value::<super::super::Announce>(announce).is_err());
    }

    #[test]
    fn fep_1b12_moderator_and_other_activities_are_recognised() {
        let add = fixture("1b12_group_federation_announce_add_moderator");
        assert_eq!(
            announced_activity(&add["object"]),
            Some(Announced::Other("Add".into()))
        );
        // A plain boost (a post or its id) is not an announced activity.
        assert_eq!(announced_activity(&json!("https://a.example/p/1")), None);
        assert_eq!(
            announced_activity(&json!({"type": "Note", "id": "https://a.example/p/1"})),
            None
        );
        assert_eq!(
            announced_activity(
                &json!({"type": "Delete", "object": {"type": "Tombstone", "id": "https://a.example/p/1"}})
            ),
            Some(Announced::Delete {
                object: Url::parse("https://a.example/p/1").unwrap()
            })
        );
    }

    #[test]
    fn a_lemmy_style_ban_names_the_person_and_the_circle() {
        // Lemmy's community ban: a moderator's Block with the community as target, announced
        // by the community.
        let ban = json!({
            "type": "Block",
            "id": "https://forum.example/activities/block/1",
            "actor": "https://forum.example/u/mod",
            "object": "https://halqa.example/users/amina",
            "target": "https://forum.example/c/maths",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": ["https://forum.example/c/maths"],
            "removeData": false,
            "summary": "hors sujet"
        });
        assert_eq!(
            announced_activity(&ban),
            Some(Announced::Ban {
                object: Url::parse("https://halqa.example/users/amina").unwrap(),
                target: Url::parse("https://forum.example/c/maths").unwrap(),
            })
        );
        let block: super::super::Block = serde_json::from_value(ban.clone()).unwrap();
        assert_eq!(
            block.target.as_ref().map(Url::as_str),
            Some("https://forum.example/c/maths")
        );
        // A person's own Block has no target and stays a personal block.
        let mut personal = ban;
        personal.as_object_mut().unwrap().remove("target");
        assert_eq!(
            announced_activity(&personal),
            Some(Announced::Other("Block".into()))
        );
        let block: super::super::Block = serde_json::from_value(personal).unwrap();
        assert!(block.target.is_none());
    }

    #[test]
    fn fep_1b12_group_actor_moderators_and_threads_parse() {
        let group: Person =
            serde_json::from_value(fixture("1b12_group_federation_group_actor")).unwrap();
        assert_eq!(group.kind, "Group");
        assert_eq!(
            wire::first_url(group.attributed_to.as_ref())
                .unwrap()
                .as_str(),
            "https://example.org/my-forum/moderators"
        );
        let moderators = fixture("1b12_group_federation_moderators_collection");
        assert_eq!(wire::urls_in(moderators.get("orderedItems")).len(), 2);
        for name in [
            "1b12_group_federation_reply_note",
            "1b12_group_federation_thread_page",
        ] {
            let note: Note = serde_json::from_value(fixture(name)).unwrap();
            assert_eq!(
                wire::first_url(note.audience.as_ref()).unwrap().as_str(),
                "https://example.org/my-forum"
            );
        }
    }
}
