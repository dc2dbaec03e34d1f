//! PLN API: `GET /api/v1/pln/search` — search and browse across nodes over resources,
//! mentorship offers and circles this node knows (local and federated), answered as
//! `{resources: [...], offers: [...], circles: [...]}` in the shapes of their own endpoints.
//! Public objects only, so no sign-in is needed. Paging with `max_id`/`since_id`/`min_id`/`limit`
//! per kind (pass `type` to page one kind).
use crate::{
    AppState,
    api::{
        auth::MaybeAuth,
        form::{ApiQuery, de},
        pagination::PageParams,
        pln::{
            circles::entities::{self as circle_entities, Circle},
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
    #[serde(flatten)]
    page: PageParams,
}

/// What a search answers: every kind searched, newest first.
#[derive(Debug, Serialize)]
struct SearchResults {
    resources: Vec<Resource>,
    offers: Vec<Offer>,
    circles: Vec<Circle>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `GET /api/v1/pln/search?q=&type=resources|offers&subject=&level=&language=&license=&resource_type=&format=&region=&open=`.
async fn search(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> AppResult<Json<SearchResults>> {
    let query = PlnQuery {
        q: p.q.unwrap_or_default(),
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
    let (mut resources, mut offers, mut found_circles) = (Vec::new(), Vec::new(), Vec::new());
    for hit in pln_search::search(&data, query).await? {
        match hit {
            Hit::Resource(r) => resources.push(r),
            Hit::Offer(o) => offers.push(o),
            Hit::Circle(c) => found_circles.push(c),
        }
    }
    Ok(Json(SearchResults {
        resources: resource_entities::resources(&data, &resources).await?,
        offers: offer_entities::offers(&data, auth.actor_id(), &offers).await?,
        circles: {
            let views = crate::service::circles::views(&data, found_circles).await?;
            let viewer = auth.0.as_ref().map(|a| &a.actor);
            circle_entities::circles(&data, viewer, views).await?
        },
    }))
}
