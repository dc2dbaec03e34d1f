//! Teaching resources (issue 5): `resource` (a lesson plan, worksheet, … local or remote, with
//! its licence and LRMI facets; collections will reference it by id), `resource_attachment`
//! (its files: an upload here or a remote document) and the user's default licence.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

// `ResourceType` is the column `resource_type`, not a kind of resource.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
enum Resource {
    Table,
    Id,
    ApId,
    Local,
    AuthorId,
    NoteApId,
    Url,
    Title,
    Description,
    BodySource,
    BodyHtml,
    License,
    ResourceType,
    Subjects,
    Levels,
    Languages,
    Duration,
    Prerequisites,
    Links,
    BasedOn,
    PublishedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum ResourceAttachment {
    Table,
    Id,
    ResourceId,
    Position,
    MediaId,
    Url,
    MediaType,
    SizeBytes,
    Name,
}

#[derive(DeriveIden)]
enum LocalUser {
    Table,
    DefaultLicense,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Resource as R;
        use ResourceAttachment as A;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::Id).big_integer().not_null().primary_key())
                    .col(
                        ColumnDef::new(R::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(R::Local).boolean().not_null().default(false))
                    .col(ColumnDef::new(R::AuthorId).big_integer().not_null())
                    .col(text_null(R::NoteApId))
                    .col(text_null(R::Url))
                    .col(text(R::Title))
                    .col(text(R::Description))
                    .col(text(R::BodySource))
                    .col(text(R::BodyHtml))
                    .col(text(R::License))
                    .col(text(R::ResourceType))
                    .col(text(R::Subjects))
                    .col(text(R::Levels))
                    .col(text(R::Languages))
                    .col(text_null(R::Duration))
                    .col(text(R::Prerequisites))
                    .col(text(R::Links))
                    .col(text_null(R::BasedOn))
                    .col(ts(R::PublishedAt))
                    .col(ts(R::UpdatedAt))
                    .col(
                        ColumnDef::new(R::DeletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_resource_author")
                    .table(R::Table)
                    .col(R::AuthorId)
                    .col(R::Id)
                    .to_owned(),
            )
            .await?;
        // The readable Note's id is looked up for every page of statuses and every Note served.
        manager
            .create_index(
                Index::create()
                    .name("idx_resource_note")
                    .table(R::Table)
                    .col(R::NoteApId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(ColumnDef::new(A::Id).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(A::ResourceId).big_integer().not_null())
                    .col(ColumnDef::new(A::Position).integer().not_null())
                    .col(ColumnDef::new(A::MediaId).big_integer().null())
                    .col(text(A::Url))
                    .col(text(A::MediaType))
                    .col(ColumnDef::new(A::SizeBytes).big_integer().null())
                    .col(text(A::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_resource_attachment_resource")
                    .table(A::Table)
                    .col(A::ResourceId)
                    .col(A::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LocalUser::Table)
                    .add_column(text_null(LocalUser::DefaultLicense))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LocalUser::Table)
                    .drop_column(LocalUser::DefaultLicense)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ResourceAttachment::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Resource::Table).to_owned())
            .await
    }
}
