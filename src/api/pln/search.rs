//! PLN API: `GET /api/v1/pln/search` — search and browse across nodes over resources,
//! mentorship offers and resource collections this node knows (local and federated), answered
//! as `{resources: [...], offers: [...], collections: [...]}` in the shapes of their own
//! endpoints. A resource or collection URL as `q` (with `resolve=true`) is fetched and stored.
//! Public objects only, so no sign-in is needed. Paging with `max_id`/`since_id`/`min_id`/`limit`
//! per kind (pass `type` to page one kind).
use crate::{
    AppState,
    api::{
        auth::MaybeAuth,
        form::{ApiQuery, de},
        pagination::PageParams,
        pln::{
            collections::entities::{self as collection_entities, Collection},
            mentorship::entities::{self as offer_entities, Offer},
            resources::entities::{self as resource_entities, Resource},
        },
    },
    error::AppResult,
    service::pln_search::{self, Hit, PlnQuery, SearchKind},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::get};
use serde::{Deserialize, Serialize};

/// Items per kind and page (20 by default, at most 40).
const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 40;

/// The search route.
pub fn routes() -> Router {
    Router::new().route("/api/v1/pln/search", get(search))
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    level: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    license: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    resource_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    format: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    /// `true`: only offers that take requests.
    #[serde(default, deserialize_with = "de::opt_bool")]
    open: Option<bool>,
    /// `true`: a resource or collection URL in `q` is fetched from its server when unknown.
    #[serde(default, deserialize_with = "de::opt_bool")]
    resolve: Option<bool>,
    #[serde(flatten)]
    page: PageParams,
}

/// What a search answers: every kind searched, newest first.
#[derive(Debug, Serialize)]
struct SearchResults {
    resources: Vec<Resource>,
    offers: Vec<Offer>,
    collections: Vec<Collection>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `GET /api/v1/pln/search?q=&type=resources|offers|collections&resolve=&subject=&level=&language=&license=&resource_type=&format=&region=&open=`.
async fn search(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> AppResult<Json<SearchResults>> {
    let q = p.q.unwrap_or_default();
    let (mut resources, mut offers, mut collections) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(url) = crate::service::search::as_url(&q) {
        // A pasted URL: the resource or collection it names, nothing else.
        match pln_search::resolve(&data, &url, p.resolve.unwrap_or(false)).await? {
            Some(Hit::Resource(r)) => resources.push(r),
            Some(Hit::Collection(c)) => collections.push(c),
            Some(Hit::Offer(o)) => offers.push(o),
            None => {}
        }
        return results(&data, auth.actor_id(), resources, offers, collections).await;
    }
    let query = PlnQuery {
        q,
        kind: non_empty(p.kind)
            .map(|k| SearchKind::parse(&k))
            .transpose()?,
        subject: non_empty(p.subject),
        level: non_empty(p.level),
        language: non_empty(p.language),
        license: non_empty(p.license),
        resource_type: non_empty(p.resource_type),
        format: non_empty(p.format),
        region: non_empty(p.region),
        open: p.open,
        cursor: p.page.cursor(DEFAULT_LIMIT, MAX_LIMIT),
    };
    for hit in pln_search::search(&data, query).await? {
        match hit {
            Hit::Resource(r) => resources.push(r),
            Hit::Offer(o) => offers.push(o),
            Hit::Collection(c) => collections.push(c),
        }
    }
    results(&data, auth.actor_id(), resources, offers, collections).await
}

async fn results(
    data: &Data<AppState>,
    viewer: Option<i64>,
    resources: Vec<crate::db::entity::resource::Model>,
    offers: Vec<crate::db::entity::mentorship_offer::Model>,
    collections: Vec<crate::db::entity::collection::Model>,
) -> AppResult<Json<SearchResults>> {
    Ok(Json(SearchResults {
        resources: resource_entities::resources(data, &resources).await?,
        offers: offer_entities::offers(data, viewer, &offers).await?,
        collections: collection_entities::collections(data, viewer, &collections).await?,
    }))
}
