//! Database migrations for Halqa: one change per file, never edited once landed, portable to
//! SQLite and PostgreSQL (sea-query builders only, no backend-specific SQL).
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_client_api;
mod m20261122_000003_counter_indexes;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_client_api::Migration),
            Box::new(m20261122_000003_counter_indexes::Migration),
        ]
    }
}
