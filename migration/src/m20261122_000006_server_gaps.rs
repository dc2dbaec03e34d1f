//! Server-side gaps of the client API: which authorization code issued a token (`oauth_token.code_id`)
//! and when a code was redeemed (`oauth_code.used_at`), so a replayed code revokes what it issued;
//! a persisted per-host circuit breaker on `remote_host` (`consecutive_failures`,
//! `cooldown_until`), so a restarted process keeps cooling dead hosts down; and the index the
//! pruning job picks old inbound activity ids by (`received_activity.received_at`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthToken {
    Table,
    CodeId,
}

#[derive(DeriveIden)]
enum OauthCode {
    Table,
    UsedAt,
}

#[derive(DeriveIden)]
enum RemoteHost {
    Table,
    ConsecutiveFailures,
    CooldownUntil,
}

#[derive(DeriveIden)]
enum ReceivedActivity {
    Table,
    ReceivedAt,
}

/// One column per `ALTER TABLE` (SQLite adds one at a time).
async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(column.to_owned())
                .to_owned(),
        )
        .await
}

async fn drop_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            OauthToken::Table,
            ColumnDef::new(OauthToken::CodeId)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_token_code")
                    .table(OauthToken::Table)
                    .col(OauthToken::CodeId)
                    .to_owned(),
            )
            .await?;
        add_column(
            manager,
            OauthCode::Table,
            ColumnDef::new(OauthCode::UsedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            RemoteHost::Table,
            ColumnDef::new(RemoteHost::ConsecutiveFailures)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            RemoteHost::Table,
            ColumnDef::new(RemoteHost::CooldownUntil)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_received_activity_received_at")
                    .table(ReceivedActivity::Table)
                    .col(ReceivedActivity::ReceivedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_received_activity_received_at")
                    .table(ReceivedActivity::Table)
                    .to_owned(),
            )
            .await?;
        drop_column(manager, RemoteHost::Table, RemoteHost::CooldownUntil).await?;
        drop_column(manager, RemoteHost::Table, RemoteHost::ConsecutiveFailures).await?;
        drop_column(manager, OauthCode::Table, OauthCode::UsedAt).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_oauth_token_code")
                    .table(OauthToken::Table)
                    .to_owned(),
            )
            .await?;
        drop_column(manager, OauthToken::Table, OauthToken::CodeId).await?;
        Ok(())
    }
}
