//! Activities, both directions: the wire structs (sent by `outbox`, read by `inbox`) and what
//! receiving each one does (through the same services local users call).
mod announce;
mod block;
pub mod collections;
mod create_or_update;
mod delete;
mod flag;
mod follow;
pub mod group_announce;
mod like;
pub mod mentorship;
mod move_account;
pub mod resources;
mod undo;

pub use announce::Announce;
pub use block::Block;
pub use create_or_update::{CreateOrUpdateNote, UpdatePerson};
pub use delete::Delete;
pub use flag::Flag;
pub use follow::{AcceptFollow, Follow, RejectFollow};
pub use like::Like;
pub use move_account::Move;
pub use undo::Undo;

use crate::{
    AppState,
    error::{AppError, AppResult},
};
use activitypub_federation::{config::Data, traits::Activity};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Activity types this node acts on; others are accepted and ignored (as Mastodon does).
pub const HANDLED: [&str; 16] = [
    "Follow", "Accept", "Reject", "Undo", "Create", "Update", "Delete", "Like", "Announce",
    "Block", "Flag", "Offer", "Leave", "Add", "Remove", "Move",
];

async fn run<A>(value: Value, data: &Data<AppState>) -> AppResult<()>
where
    A: Activity<DataType = AppState, Error = AppError> + DeserializeOwned,
{
    let activity: A = serde_json::from_value(value)
        .map_err(|e| AppError::BadRequest(format!("cannot read the activity: {e}")))?;
    activity.verify(data).await?;
    activity.receive(data).await
}

/// Parses, verifies and applies one inbound activity of type `kind` (already authenticated).
pub async fn dispatch(kind: &str, value: Value, data: &Data<AppState>) -> AppResult<()> {
    // Mentorship: Proposals, Offer(Agreement) and its answers, the space's items, Leave.
    if mentorship::claims(kind, &value, data).await? {
        return mentorship::dispatch(kind, value, data).await;
    }
    // Teaching resources: Create/Update of a resource Page, Delete of a known resource.
    if resources::claims(kind, &value, data).await? {
        return resources::dispatch(kind, value, data).await;
    }
    // Resource collections: the OrderedCollection, Add/Remove of resources, follows of it.
    if collections::claims(kind, &value, data).await? {
        return collections::dispatch(kind, value, data).await;
    }
    // Pins: Add/Remove of a status on its author's `featured` collection.
    if matches!(kind, "Add" | "Remove") && crate::federation::featured::claims(&value, data).await?
    {
        return crate::federation::featured::receive(kind, &value, data).await;
    }
    match kind {
        "Follow" => run::<Follow>(value, data).await,
        "Accept" => run::<AcceptFollow>(value, data).await,
        "Reject" => run::<RejectFollow>(value, data).await,
        "Undo" => run::<Undo>(value, data).await,
        "Create" => run::<CreateOrUpdateNote>(value, data).await,
        "Update" => {
            let object_kinds = value
                .get("object")
                .map(crate::federation::wire::types_of)
                .unwrap_or_default();
            if object_kinds
                .iter()
                .any(|k| crate::federation::actors::person::ACTOR_TYPES.contains(&k.as_str()))
            {
                run::<UpdatePerson>(value, data).await
            } else {
                run::<CreateOrUpdateNote>(value, data).await
            }
        }
        "Delete" => run::<Delete>(value, data).await,
        "Like" => run::<Like>(value, data).await,
        "Announce" => run::<Announce>(value, data).await,
        "Block" => run::<Block>(value, data).await,
        "Flag" => run::<Flag>(value, data).await,
        "Move" => run::<Move>(value, data).await,
        _ => Ok(()),
    }
}
