//! The Mastodon client API (`/api/v1`, `/api/v2`): one module per group of the Mastodon docs'
//! methods, with the JSON entities in `entities`.
pub mod accounts;
pub mod admin;
pub mod blocks;
pub mod bookmarks;
pub mod endorsements;
pub mod entities;
pub mod filtering;
pub mod filters;
pub mod follow_requests;
pub mod instance;
pub mod lists;
pub mod markers;
pub mod media;
pub mod misc;
pub mod notifications;
pub mod polls;
pub mod reports;
pub mod scheduled_statuses;
pub mod search;
pub mod statuses;
pub mod streaming;
pub mod tags;
pub mod timelines;

use axum::Router;

/// Every Mastodon API route.
pub fn routes() -> Router {
    Router::new()
        .merge(accounts::routes())
        .merge(blocks::routes())
        .merge(follow_requests::routes())
        .merge(statuses::routes())
        .merge(scheduled_statuses::routes())
        .merge(endorsements::routes())
        .merge(media::routes())
        .merge(polls::routes())
        .merge(bookmarks::routes())
        .merge(filters::routes())
        .merge(instance::routes())
        .merge(lists::routes())
        .merge(misc::routes())
        .merge(reports::routes())
        .merge(search::routes())
        .merge(tags::routes())
        .merge(timelines::routes())
        .merge(notifications::routes())
        .merge(markers::routes())
        .merge(streaming::routes())
        .merge(admin::routes())
}
