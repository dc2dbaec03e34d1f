//! Account migration (Move, FEP-7628): each actor gets `also_known_as` (a JSON array of actor
//! ids: for local accounts the aliases their owner declared, for remote ones what their
//! document says), `moved_to_ap_id` (the account it moved to, from a verified `Move` or its
//! document's `movedTo`) and `moved_at` (when it moved: the cooldown before moving again).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actor {
    Table,
    AlsoKnownAs,
    MovedToApId,
    MovedAt,
}

/// One column per `ALTER TABLE` (SQLite adds and drops one at a time).
async fn alter(manager: &SchemaManager<'_>, change: TableAlterStatement) -> Result<(), DbErr> {
    manager.alter_table(change).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(Actor::AlsoKnownAs)
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
            ColumnDef::new(Actor::MovedToApId).text().null().to_owned(),
            ColumnDef::new(Actor::MovedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ];
        for column in columns {
            alter(
                manager,
                Table::alter()
                    .table(Actor::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Actor::MovedAt, Actor::MovedToApId, Actor::AlsoKnownAs] {
            alter(
                manager,
                Table::alter()
                    .table(Actor::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
