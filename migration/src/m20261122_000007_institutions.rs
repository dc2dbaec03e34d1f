//! Institutions: one `institution` row per host — this node's own profile (`local`) and every
//! remote host it has met, with what its NodeInfo said (software, whether it runs Halqa, the
//! institution profile of Halqa nodes) and when it was last refreshed or failed.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Institution {
    Table,
    Domain,
    Local,
    SoftwareName,
    SoftwareVersion,
    IsHalqa,
    Name,
    Kind,
    Region,
    City,
    Languages,
    Description,
    ActorUrl,
    UserCount,
    FirstSeenAt,
    RefreshedAt,
    AttemptedAt,
    LastError,
    UpdatedAt,
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

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Institution::Table)
                    .col(
                        ColumnDef::new(Institution::Domain)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(flag(Institution::Local))
                    .col(text_null(Institution::SoftwareName))
                    .col(text_null(Institution::SoftwareVersion))
                    .col(flag(Institution::IsHalqa))
                    .col(text_default(Institution::Name, ""))
                    .col(text_null(Institution::Kind))
                    .col(text_null(Institution::Region))
                    .col(text_null(Institution::City))
                    .col(text_default(Institution::Languages, "[]"))
                    .col(text_default(Institution::Description, ""))
                    .col(text_null(Institution::ActorUrl))
                    .col(ColumnDef::new(Institution::UserCount).big_integer().null())
                    .col(ts(Institution::FirstSeenAt))
                    .col(ts_null(Institution::RefreshedAt))
                    .col(ts_null(Institution::AttemptedAt))
                    .col(text_null(Institution::LastError))
                    .col(ts(Institution::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The directory lists Halqa nodes; the refresh job picks the hosts tried longest ago.
        manager
            .create_index(
                Index::create()
                    .name("idx_institution_is_halqa")
                    .table(Institution::Table)
                    .col(Institution::IsHalqa)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_institution_attempted_at")
                    .table(Institution::Table)
                    .col(Institution::AttemptedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Institution::Table).to_owned())
            .await
    }
}
