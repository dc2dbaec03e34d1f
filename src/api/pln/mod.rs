//! The PLN API at `/api/v1/pln/…` (advertised as `api_versions.pln`): profiles and institutions,
//! mentorship, resources and document uploads, search across nodes, and later collections and
//! circles. One module per concept; each exposes its own `routes()`, merged here.
pub mod admin;
pub mod circles;
pub mod collections;
pub mod dashboard;
pub mod federation;
pub mod institutions;
pub mod mentorship;
pub mod params;
pub mod profile;
pub mod resources;
pub mod search;
pub mod uploads;
pub mod vocabulary;

use axum::Router;

/// Every PLN API route.
pub fn routes() -> Router {
    Router::new()
        .merge(collections::routes())
        .merge(circles::routes())
        .merge(admin::routes())
        .merge(dashboard::routes())
        .merge(federation::routes())
        .merge(institutions::routes())
        .merge(mentorship::routes())
        .merge(profile::routes())
        .merge(resources::routes())
        .merge(search::routes())
        .merge(uploads::routes())
        .merge(vocabulary::routes())
}
