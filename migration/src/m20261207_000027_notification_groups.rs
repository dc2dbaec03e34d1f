//! Grouped notifications (Mastodon 4.3, `api_versions.mastodon` 2): `notification.group_key`,
//! set when a favourite, boost, follow or sign-up notification is stored (the same key for the
//! same kind about the same status within a 12-hour span), null for the kinds never grouped;
//! an index on (recipient, group_key) for reading and dismissing a group.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notification {
    Table,
    RecipientId,
    GroupKey,
}

const INDEX: &str = "idx_notification_recipient_group";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notification::Table)
                    .add_column(ColumnDef::new(Notification::GroupKey).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Notification::Table)
                    .col(Notification::RecipientId)
                    .col(Notification::GroupKey)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(Notification::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notification::Table)
                    .drop_column(Notification::GroupKey)
                    .to_owned(),
            )
            .await
    }
}
