//! The Mastodon admin API (`/api/v1/admin/…`): one module per group of the Mastodon docs'
//! admin methods, each with its own `routes()`.
pub mod domains;

use axum::Router;

/// Every Mastodon admin API route.
pub fn routes() -> Router {
    Router::new().merge(domains::routes())
}
