//! Database migrations for Halqa: one change per file, never edited once landed, portable to
//! SQLite and PostgreSQL: sea-query builders, except the counter triggers of migration 4, which
//! are raw SQL written once per backend (sea-query has no trigger builder).
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_client_api;
mod m20261122_000003_counter_indexes;
mod m20261122_000004_counter_columns;
mod m20261122_000005_status_features;
mod m20261122_000006_server_gaps;
mod m20261122_000007_institutions;
mod m20261122_000008_mentorship;
mod m20261122_000009_resources;
mod m20261122_000010_pln_search;
mod m20261123_000011_collections;
mod m20261123_000012_circles;
mod m20261123_000013_registration_moderation;
mod m20261123_000014_federation_policy;
mod m20261123_000015_web_sessions;
mod m20261123_000016_remote_media_cache;
mod m20261123_000018_account_warnings;
mod m20261123_000021_remote_featured;
mod m20261123_000022_password_resets;
mod m20261206_000023_account_moves;
mod m20261206_000024_account_archives;
mod m20261206_000025_hide_counts;
mod m20261207_000026_held_activities;
mod m20261207_000027_notification_groups;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_client_api::Migration),
            Box::new(m20261122_000003_counter_indexes::Migration),
            Box::new(m20261122_000004_counter_columns::Migration),
            Box::new(m20261122_000005_status_features::Migration),
            Box::new(m20261122_000006_server_gaps::Migration),
            Box::new(m20261122_000007_institutions::Migration),
            Box::new(m20261122_000008_mentorship::Migration),
            Box::new(m20261122_000009_resources::Migration),
            Box::new(m20261122_000010_pln_search::Migration),
            Box::new(m20261123_000011_collections::Migration),
            Box::new(m20261123_000012_circles::Migration),
            Box::new(m20261123_000013_registration_moderation::Migration),
            Box::new(m20261123_000014_federation_policy::Migration),
            Box::new(m20261123_000015_web_sessions::Migration),
            Box::new(m20261123_000016_remote_media_cache::Migration),
            Box::new(m20261123_000018_account_warnings::Migration),
            Box::new(m20261123_000021_remote_featured::Migration),
            Box::new(m20261123_000022_password_resets::Migration),
            Box::new(m20261206_000023_account_moves::Migration),
            Box::new(m20261206_000024_account_archives::Migration),
            Box::new(m20261206_000025_hide_counts::Migration),
            Box::new(m20261207_000026_held_activities::Migration),
            Box::new(m20261207_000027_notification_groups::Migration),
        ]
    }
}
