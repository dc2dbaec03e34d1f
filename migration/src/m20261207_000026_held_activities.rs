//! `held_activity`: a mentorship activity (a goal, meeting, message or leave) that arrived for
//! a local account which moved here before its archive was imported: the agreement it belongs
//! to comes with the import, which replays what was held for it. Pruned after 30 days.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HeldActivity {
    Table,
    Id,
    RecipientId,
    Context,
    Body,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HeldActivity::Table)
                    .col(
                        ColumnDef::new(HeldActivity::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(HeldActivity::RecipientId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(HeldActivity::Context).string().not_null())
                    .col(ColumnDef::new(HeldActivity::Body).text().not_null())
                    .col(
                        ColumnDef::new(HeldActivity::ReceivedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_held_activity_context")
                    .table(HeldActivity::Table)
                    .col(HeldActivity::Context)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HeldActivity::Table).to_owned())
            .await
    }
}
