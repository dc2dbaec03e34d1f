//! Pinned statuses of remote accounts (Mastodon's `featured` collection): reading the collection
//! when a profile's pins are asked for and are stale, and the `Add`/`Remove` activities that pin
//! and unpin one status on it.
use crate::{
    AppState, db,
    db::entity::actor,
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, objects::note::DbPost, urls::host_of, wire},
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use chrono::{Duration, Utc};
use serde_json::Value;
use url::Url;

/// How long read pins are trusted before a profile view reads the collection again (`Add` and
/// `Remove` keep them current in between for accounts someone here follows).
const FRESH_FOR: Duration = Duration::hours(6);

/// At most this many pins are read from a collection (Mastodon allows five).
const MAX_PINS_READ: usize = 10;

/// Same scheme, host and port.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && host_of(a).is_some() && host_of(a) == host_of(b)
}

/// Starts reading `account`'s pins in the background when it is remote, publishes a `featured`
/// collection, and its pins were not read recently. Returns at once: the caller answers with the
/// pins known now (as Mastodon does), the next view shows the fresh ones.
pub async fn refresh_in_background(data: &Data<AppState>, account: &actor::Model) -> AppResult<()> {
    if account.local {
        return Ok(());
    }
    if db::posts::pins::featured_of(&data.db.read, account.id)
        .await?
        .is_none()
    {
        return Ok(());
    }
    if !db::posts::pins::claim_featured_sync(&data.db.write, account.id, Utc::now() - FRESH_FOR)
        .await?
    {
        return Ok(());
    }
    let data = data.reset_request_count();
    let account = account.clone();
    tokio::spawn(async move {
        if let Err(e) = sync(&data, &account).await {
            tracing::info!(account = %account.ap_id, error = %e, "reading pinned statuses failed");
        }
    });
    Ok(())
}

/// Reads `account`'s `featured` collection and makes its statuses (those `account` wrote, on its
/// own server) the account's pins here.
pub async fn sync(data: &Data<AppState>, account: &actor::Model) -> AppResult<()> {
    let Some(featured) = db::posts::pins::featured_of(&data.db.read, account.id).await? else {
        return Ok(());
    };
    let url = Url::parse(&featured.collection_url)
        .map_err(|e| AppError::BadRequest(format!("stored featured URL: {e}")))?;
    let owner = Url::parse(&account.ap_id)
        .map_err(|e| AppError::BadRequest(format!("stored actor id: {e}")))?;
    let fetched =
        activitypub_federation::fetch::fetch_object_http::<AppState, Value>(&url, data).await?;
    if !same_origin(&fetched.url, &owner) {
        return Err(AppError::BadRequest(
            "the featured collection is not on its owner's server".into(),
        ));
    }
    let mut items = collection_items(&fetched.object);
    // A paged collection: its first page, when it is only linked.
    if items.is_empty()
        && let Some(first) = fetched.object.get("first")
    {
        items = match first {
            Value::Object(_) => collection_items(first),
            _ => match wire::first_url(Some(first)) {
                Some(page) if same_origin(&page, &owner) => {
                    let page = activitypub_federation::fetch::fetch_object_http::<AppState, Value>(
                        &page, data,
                    )
                    .await?;
                    collection_items(&page.object)
                }
                _ => Vec::new(),
            },
        };
    }
    let mut post_ids = Vec::new();
    for item in items.into_iter().take(MAX_PINS_READ) {
        if !same_origin(&item, &owner) {
            continue;
        }
        match ObjectId::<DbPost>::from(item.clone())
            .dereference(data)
            .await
        {
            Ok(post) if post.model.author_id == account.id => post_ids.push(post.model.id),
            Ok(_) => {}
            Err(e) => tracing::debug!(item = %item, error = %e, "a pinned status is unreadable"),
        }
    }
    db::posts::pins::replace(&data.db.write, account.id, &post_ids, || data.ids.next()).await
}

/// The ids of a collection's (or page's) items, in order.
fn collection_items(collection: &Value) -> Vec<Url> {
    let items = collection
        .get("orderedItems")
        .or_else(|| collection.get("items"));
    match items {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|item| wire::first_url(Some(item)))
            .collect(),
        Some(one) => wire::first_url(Some(one)).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Whether an inbound `Add`/`Remove` targets the `featured` collection of its (remote) actor.
pub async fn claims(value: &Value, data: &Data<AppState>) -> AppResult<bool> {
    let (Some(actor), Some(target)) = (
        wire::first_url(value.get("actor")),
        wire::first_url(value.get("target")),
    ) else {
        return Ok(false);
    };
    let Some(account) = db::actors::find_by_ap_id(&data.db.read, actor.as_str()).await? else {
        return Ok(false);
    };
    Ok(db::posts::pins::featured_of(&data.db.read, account.id)
        .await?
        .is_some_and(|f| f.collection_url == target.as_str()))
}

/// Applies an `Add` (pin) or `Remove` (unpin) of one status on its author's `featured`
/// collection (already authenticated: the actor signed it, and [`claims`] matched the target).
pub async fn receive(kind: &str, value: &Value, data: &Data<AppState>) -> AppResult<()> {
    let actor_url = wire::first_url(value.get("actor"))
        .ok_or_else(|| AppError::BadRequest("the activity names no actor".into()))?;
    let object = wire::first_url(value.get("object"))
        .ok_or_else(|| AppError::BadRequest(format!("the {kind} names no object")))?;
    if !same_origin(&object, &actor_url) {
        return Err(AppError::BadRequest(
            "a pinned status must be on its author's server".into(),
        ));
    }
    let account = ObjectId::<DbActor>::from(actor_url)
        .dereference(data)
        .await?;
    if kind == "Remove" {
        if let Some(post) = db::posts::find_by_ap_id(&data.db.read, object.as_str()).await? {
            db::posts::pins::delete(&data.db.write, account.model.id, post.id).await?;
        }
        return Ok(());
    }
    // A pin of a status its server does not serve (deleted since, private) is not worth a
    // retry from the sender: accepted and dropped.
    let post = match ObjectId::<DbPost>::from(object.clone())
        .dereference(data)
        .await
    {
        Ok(post) => post,
        Err(e) => {
            tracing::debug!(object = %object, error = %e, "a pinned status is unreadable");
            return Ok(());
        }
    };
    if post.model.author_id != account.model.id {
        return Err(AppError::BadRequest(
            "only the author's own statuses can be pinned".into(),
        ));
    }
    db::posts::pins::insert(
        &data.db.write,
        data.ids.next(),
        account.model.id,
        post.model.id,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_inline_notes_and_bare_ids_in_order() {
        let collection = json!({
            "type": "OrderedCollection",
            "orderedItems": [
                {"id": "https://m.example/users/a/statuses/2", "type": "Note"},
                "https://m.example/users/a/statuses/1"
            ]
        });
        let items: Vec<String> = collection_items(&collection)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            items,
            [
                "https://m.example/users/a/statuses/2",
                "https://m.example/users/a/statuses/1"
            ]
        );
        assert!(collection_items(&json!({"type": "OrderedCollection"})).is_empty());
        assert_eq!(
            collection_items(&json!({"items": "https://m.example/s/1"})).len(),
            1
        );
    }

    #[test]
    fn origin_includes_the_port() {
        let a = Url::parse("http://localhost:3000/users/a").unwrap();
        let b = Url::parse("http://localhost:3001/users/a/statuses/1").unwrap();
        let c = Url::parse("http://localhost:3000/users/a/statuses/1").unwrap();
        assert!(!same_origin(&a, &b));
        assert!(same_origin(&a, &c));
    }
}
