//! The ActivityStreams documents of an account archive: `actor.json` (the `Person` as other
//! servers fetch it, PLN facets included) and `outbox.json` (an `OrderedCollection` of the
//! account's `Create(Note)` activities, as in Mastodon's archive).
use crate::{
    AppState,
    db::entity::{actor, post},
    error::AppResult,
    federation::{actors::person::Person, context::default_context, objects::note::note_for_post},
};
use activitypub_federation::config::Data;
use serde_json::{Value, json};

fn with_context(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("@context".into(), default_context());
    }
    value
}

/// `actor.json`: the account's `Person`.
pub fn actor_document(data: &Data<AppState>, me: &actor::Model) -> AppResult<Value> {
    let person = Person::from_model(me, &data.config.instance.default_language)?;
    Ok(with_context(
        serde_json::to_value(person).map_err(anyhow::Error::from)?,
    ))
}

/// `outbox.json`: `posts` (the account's own, oldest first) as `Create(Note)` activities.
pub async fn outbox_document(
    data: &Data<AppState>,
    me: &actor::Model,
    posts: &[post::Model],
) -> AppResult<Value> {
    let mut items = Vec::with_capacity(posts.len());
    for p in posts {
        let note = note_for_post(data, &data.db.read, p).await?;
        let to = note.to.clone();
        let cc = note.cc.clone();
        items.push(json!({
            "id": format!("{}/activity", p.ap_id),
            "type": "Create",
            "actor": me.ap_id,
            "published": p.published_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "to": to,
            "cc": cc,
            "object": note,
        }));
    }
    Ok(with_context(json!({
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}
