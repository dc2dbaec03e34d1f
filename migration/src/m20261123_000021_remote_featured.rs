//! Pinned statuses of remote accounts (issue 3): `remote_featured` remembers each remote
//! actor's `featured` collection URL (Mastodon's `toot:featured`) and when it was last read, so
//! a profile's pinned posts can be synchronised; the pins themselves go into `status_pin` like
//! local ones.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RemoteFeatured {
    Table,
    ActorId,
    CollectionUrl,
    SyncedAt,
}

#[derive(DeriveIden)]
enum Actor {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RemoteFeatured::Table)
                    .col(
                        ColumnDef::new(RemoteFeatured::ActorId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RemoteFeatured::CollectionUrl)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RemoteFeatured::SyncedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RemoteFeatured::Table, RemoteFeatured::ActorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RemoteFeatured::Table).to_owned())
            .await
    }
}
