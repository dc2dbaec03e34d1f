//! PLN API: `GET /api/v1/pln/search` — search and browse across nodes over resources,
//! mentorship offers, resource collections and circles this node knows (local and federated),
//! answered as `{resources: [...], offers: [...], collections: [...], circles: [...]}` in the
//! shapes of their own endpoints. A resource or collection URL as `q` (with `resolve=true`) is
//! fetched and stored.
//! Public objects only, so no sign-in is needed. Paging with `max_id`/`since_id`/`min_id`/`limit`
//! per kind (pass `type` to page one kind).
use crate::{
    AppState,
    api::pln::params::{DEFAULT_LIMIT, MAX_LIMIT, non_empty},
    api::{
        auth::MaybeAuth,
        form::{ApiQuery, de},
        pagination::PageParams,
        pln::{
            circles::entities::{self as circle_entities, Circle},
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
    circles: Vec<Circle>,
}

/// What a search found, before it is rendered.
#[derive(Default)]
struct Found {
    resources: Vec<crate::db::entity::resource::Model>,
    offers: Vec<crate::db::entity::mentorship_offer::Model>,
    collections: Vec<crate::db::entity::collection::Model>,
    circles: Vec<crate::db::entity::actor::Model>,
}

impl Found {
    fn add(&mut self, hit: Hit) {
        match hit {
            Hit::Resource(r) => self.resources.push(r),
            Hit::Offer(o) => self.offers.push(o),
            Hit::Collection(c) => self.collections.push(c),
            Hit::Circle(c) => self.circles.push(*c),
        }
    }
}

/// `GET /api/v1/pln/search?q=&type=resources|offers|collections|circles&resolve=&subject=&level=&language=&license=&resource_type=&format=&region=&open=`.
async fn search(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> AppResult<Json<SearchResults>> {
    let q = p.q.unwrap_or_default();
    let mut found = Found::default();
    if let Some(url) = crate::service::search::as_url(&q) {
        // A pasted URL: the resource or collection it names, nothing else.
        if let Some(hit) = pln_search::resolve(&data, &url, p.resolve.unwrap_or(false)).await? {
            found.add(hit);
        }
        return results(&data, &auth, found).await;
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
        found.add(hit);
    }
    results(&data, &auth, found).await
}

/// Renders each kind in the shape of its own endpoint.
async fn results(
    data: &Data<AppState>,
    auth: &MaybeAuth,
    found: Found,
) -> AppResult<Json<SearchResults>> {
    let viewer = auth.actor_id();
    let circle_views = crate::service::circles::views(data, found.circles).await?;
    let viewer_actor = auth.0.as_ref().map(|a| &a.actor);
    Ok(Json(SearchResults {
        resources: resource_entities::resources(data, &found.resources).await?,
        offers: offer_entities::offers(data, viewer, &found.offers).await?,
        collections: collection_entities::collections(data, viewer, &found.collections).await?,
        circles: circle_entities::circles(data, viewer_actor, circle_views).await?,
    }))
}
