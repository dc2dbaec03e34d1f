//! Federation policy (issue 7, part 2): the node's mode (`open` with a blocklist, or `allowlist`),
//! per-domain entries (`block` with a severity and media/report flags, or `allow`), local or
//! brought in by a subscription, and the subscriptions to block/allow lists published elsewhere.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FederationSetting {
    Table,
    Id,
    Mode,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DomainPermission {
    Table,
    Id,
    Domain,
    Kind,
    Severity,
    RejectMedia,
    RejectReports,
    Obfuscate,
    PrivateComment,
    PublicComment,
    SubscriptionId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DomainSubscription {
    Table,
    Id,
    Url,
    Kind,
    Priority,
    Title,
    FetchedAt,
    SucceededAt,
    LastError,
    EntryCount,
    CreatedAt,
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_default(col: impl IntoIden, default: &str) -> ColumnDef {
    ColumnDef::new(col)
        .text()
        .not_null()
        .default(default)
        .to_owned()
}

fn flag(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FederationSetting::Table)
                    .col(id(FederationSetting::Id))
                    .col(text(FederationSetting::Mode))
                    .col(ts(FederationSetting::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DomainSubscription::Table)
                    .col(id(DomainSubscription::Id))
                    .col(text(DomainSubscription::Url))
                    .col(text(DomainSubscription::Kind))
                    .col(
                        ColumnDef::new(DomainSubscription::Priority)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(text_default(DomainSubscription::Title, ""))
                    .col(ts_null(DomainSubscription::FetchedAt))
                    .col(ts_null(DomainSubscription::SucceededAt))
                    .col(ColumnDef::new(DomainSubscription::LastError).text().null())
                    .col(
                        ColumnDef::new(DomainSubscription::EntryCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts(DomainSubscription::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("domain_subscription_url_kind")
                    .table(DomainSubscription::Table)
                    .col(DomainSubscription::Url)
                    .col(DomainSubscription::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DomainPermission::Table)
                    .col(id(DomainPermission::Id))
                    .col(text(DomainPermission::Domain))
                    .col(text(DomainPermission::Kind))
                    .col(text_default(DomainPermission::Severity, "suspend"))
                    .col(flag(DomainPermission::RejectMedia))
                    .col(flag(DomainPermission::RejectReports))
                    .col(flag(DomainPermission::Obfuscate))
                    .col(text_default(DomainPermission::PrivateComment, ""))
                    .col(text_default(DomainPermission::PublicComment, ""))
                    .col(
                        ColumnDef::new(DomainPermission::SubscriptionId)
                            .big_integer()
                            .null(),
                    )
                    .col(ts(DomainPermission::CreatedAt))
                    .col(ts(DomainPermission::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DomainPermission::Table, DomainPermission::SubscriptionId)
                            .to(DomainSubscription::Table, DomainSubscription::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("domain_permission_kind_domain")
                    .table(DomainPermission::Table)
                    .col(DomainPermission::Kind)
                    .col(DomainPermission::Domain)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("domain_permission_subscription")
                    .table(DomainPermission::Table)
                    .col(DomainPermission::SubscriptionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DomainPermission::Table.into_iden(),
            DomainSubscription::Table.into_iden(),
            FederationSetting::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
