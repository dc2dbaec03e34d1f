//! Outbound teaching-resource activities (issue 5): Create/Update of a resource's `Page` and its
//! Delete, to the author's followers on Halqa nodes (everyone gets the readable Note through
//! `posts`).
use super::{Envelope, enqueue, url};
use crate::{
    AppState,
    db::entity::{actor, resource},
    error::AppResult,
    federation::{
        activities::resources::{DeleteResource, PageActivity},
        context::PUBLIC,
        objects::resource_page,
    },
};
use activitypub_federation::config::Data;
use sea_orm::DatabaseTransaction;
use serde_json::json;

/// A local resource was published or changed: Create/Update(Page) to `inboxes`.
pub async fn resource_published(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    r: &resource::Model,
    kind: &str,
    inboxes: Vec<String>,
) -> AppResult<()> {
    let files = crate::db::resources::attachments_of(txn, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    let object = resource_page::page_for_resource(data, author, r, &files)?;
    let id = data.ids.next();
    let activity = PageActivity {
        kind: kind.to_string(),
        id: url(&data.urls.activity(id))?,
        actor: url(&author.ap_id)?,
        to: object.to.clone(),
        cc: object.cc.clone(),
        object,
    };
    enqueue(
        txn,
        data,
        author,
        Envelope {
            id,
            kind,
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}

/// A local resource was deleted: Delete(Tombstone) to `inboxes`.
pub async fn resource_deleted(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    r: &resource::Model,
    inboxes: Vec<String>,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = DeleteResource {
        kind: "Delete".into(),
        id: url(&data.urls.activity(id))?,
        actor: url(&author.ap_id)?,
        object: json!({"type": "Tombstone", "id": r.ap_id, "formerType": "Page"}),
        to: vec![url(PUBLIC)?],
        cc: author
            .followers_url
            .as_deref()
            .map(url)
            .transpose()?
            .into_iter()
            .collect(),
    };
    enqueue(
        txn,
        data,
        author,
        Envelope {
            id,
            kind: "Delete",
            public: true,
        },
        activity,
        inboxes,
    )
    .await
}
