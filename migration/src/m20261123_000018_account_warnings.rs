//! Moderation warnings (issue 7): the message staff send a local user with a moderation action
//! (Mastodon's AccountWarning). A warning's id is also the id of the `moderation_warning`
//! notification that delivers it, so the notification table needs no new column.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountWarning {
    Table,
    Id,
    TargetId,
    Action,
    Text,
    ReportId,
    StatusIds,
    CreatedById,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountWarning::Table)
                    .col(
                        ColumnDef::new(AccountWarning::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AccountWarning::TargetId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountWarning::Action)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AccountWarning::Text).text().not_null())
                    .col(
                        ColumnDef::new(AccountWarning::ReportId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AccountWarning::StatusIds)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .col(
                        ColumnDef::new(AccountWarning::CreatedById)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AccountWarning::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_warning_target")
                    .table(AccountWarning::Table)
                    .col(AccountWarning::TargetId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccountWarning::Table).to_owned())
            .await
    }
}
