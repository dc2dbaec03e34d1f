//! Aggregate counts for the admin dashboard (no personal data): PLN activity, known nodes by
//! institution kind, delivery queue health.
use crate::{
    db::entity::{
        institution, mentorship_agreement, mentorship_offer, mentorship_request, post, resource,
    },
    error::AppResult,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use std::collections::BTreeMap;

/// Counts over the whole node.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Totals {
    pub local_posts: u64,
    pub mentorship_offers_open: u64,
    pub mentorship_requests_pending: u64,
    pub mentorships_active: u64,
    pub resources_shared: u64,
    /// Remote hosts known, by institution kind (`unknown` when not a Halqa node or not said).
    pub nodes_by_kind: BTreeMap<String, u64>,
}

pub async fn totals(db: &impl ConnectionTrait) -> AppResult<Totals> {
    let local_posts = post::Entity::find()
        .filter(post::Column::Local.eq(true))
        .filter(post::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    let mentorship_offers_open = mentorship_offer::Entity::find()
        .filter(mentorship_offer::Column::Local.eq(true))
        .filter(mentorship_offer::Column::State.eq("open"))
        .count(db)
        .await?;
    let mentorship_requests_pending = mentorship_request::Entity::find()
        .filter(mentorship_request::Column::State.eq("pending"))
        .count(db)
        .await?;
    let mentorships_active = mentorship_agreement::Entity::find()
        .filter(mentorship_agreement::Column::State.eq("active"))
        .count(db)
        .await?;
    let resources_shared = resource::Entity::find()
        .filter(resource::Column::Local.eq(true))
        .filter(resource::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    let kinds: Vec<Option<String>> = institution::Entity::find()
        .select_only()
        .column(institution::Column::Kind)
        .filter(institution::Column::Local.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    let mut nodes_by_kind = BTreeMap::new();
    for kind in kinds {
        *nodes_by_kind
            .entry(kind.unwrap_or_else(|| "unknown".into()))
            .or_insert(0) += 1;
    }
    Ok(Totals {
        local_posts,
        mentorship_offers_open,
        mentorship_requests_pending,
        mentorships_active,
        resources_shared,
        nodes_by_kind,
    })
}
