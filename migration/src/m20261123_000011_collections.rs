//! Resource collections (issue 5, part 2): `collection` (an ordered, curated set of resources
//! owned by an actor — a person now, a circle later — local or remote, with its visibility),
//! `collection_item` (a resource in a collection, with its position and note),
//! `collection_follow` (who follows a collection, accepted or pending), the collection and
//! resource a PLN notification is about (`mentorship_event`), and full-text search over
//! collections the way migration 10 does it for resources (SQLite FTS5 table with triggers;
//! PostgreSQL generated `search_vector` with a GIN index).
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Collection {
    Table,
    Id,
    ApId,
    Local,
    OwnerId,
    NoteApId,
    Url,
    Title,
    Description,
    Subjects,
    Levels,
    Languages,
    Visibility,
    PublishedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum CollectionItem {
    Table,
    Id,
    CollectionId,
    ResourceId,
    Position,
    Note,
    AddedAt,
}

#[derive(DeriveIden)]
enum CollectionFollow {
    Table,
    Id,
    ApId,
    CollectionId,
    FollowerId,
    Accepted,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MentorshipEvent {
    Table,
    CollectionId,
    ResourceId,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// Folding of search text, the same table as migration 10 (copied: migrations never change).
const FOLD_FROM: &str =
    "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ\u{64B}\u{64C}\u{64D}\u{64E}\u{64F}\u{650}\u{651}\u{652}\u{640}";
const FOLD_TO: &str = "aaaaaaceeeeiiiinooooouuuuyy";

fn sqlite_search() -> Vec<String> {
    vec![
        "CREATE VIRTUAL TABLE collection_search USING fts5(title, body, \
         tokenize = 'unicode61 remove_diacritics 2')"
            .into(),
        "CREATE TRIGGER collection_search_insert AFTER INSERT ON collection \
         WHEN NEW.deleted_at IS NULL BEGIN \
         INSERT INTO collection_search(rowid, title, body) \
         VALUES (NEW.id, NEW.title, NEW.description); END"
            .into(),
        "CREATE TRIGGER collection_search_update AFTER UPDATE OF title, description, deleted_at \
         ON collection BEGIN DELETE FROM collection_search WHERE rowid = OLD.id; \
         INSERT INTO collection_search(rowid, title, body) \
         SELECT NEW.id, NEW.title, NEW.description WHERE NEW.deleted_at IS NULL; END"
            .into(),
        "CREATE TRIGGER collection_search_delete AFTER DELETE ON collection BEGIN \
         DELETE FROM collection_search WHERE rowid = OLD.id; END"
            .into(),
    ]
}

fn postgres_search() -> Vec<String> {
    vec![
        format!(
            "ALTER TABLE collection ADD COLUMN search_vector tsvector GENERATED ALWAYS AS \
             (to_tsvector('simple'::regconfig, translate(lower(collection.title || ' ' || \
             collection.description), '{FOLD_FROM}', '{FOLD_TO}'))) STORED"
        ),
        "CREATE INDEX idx_collection_search ON collection USING GIN (search_vector)".into(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Collection as C;
        use CollectionFollow as F;
        use CollectionItem as I;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::Id).big_integer().not_null().primary_key())
                    .col(
                        ColumnDef::new(C::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(C::Local).boolean().not_null().default(false))
                    .col(ColumnDef::new(C::OwnerId).big_integer().not_null())
                    .col(ColumnDef::new(C::NoteApId).text().null())
                    .col(ColumnDef::new(C::Url).text().null())
                    .col(text(C::Title))
                    .col(text(C::Description))
                    .col(text(C::Subjects))
                    .col(text(C::Levels))
                    .col(text(C::Languages))
                    .col(text(C::Visibility))
                    .col(ts(C::PublishedAt))
                    .col(ts(C::UpdatedAt))
                    .col(
                        ColumnDef::new(C::DeletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_collection_owner")
                    .table(C::Table)
                    .col(C::OwnerId)
                    .col(C::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_collection_note")
                    .table(C::Table)
                    .col(C::NoteApId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(ColumnDef::new(I::Id).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(I::CollectionId).big_integer().not_null())
                    .col(ColumnDef::new(I::ResourceId).big_integer().not_null())
                    .col(ColumnDef::new(I::Position).big_integer().not_null())
                    .col(text(I::Note))
                    .col(ts(I::AddedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_collection_item_unique")
                    .table(I::Table)
                    .col(I::CollectionId)
                    .col(I::ResourceId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_collection_item_position")
                    .table(I::Table)
                    .col(I::CollectionId)
                    .col(I::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(ColumnDef::new(F::Id).big_integer().not_null().primary_key())
                    .col(
                        ColumnDef::new(F::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(F::CollectionId).big_integer().not_null())
                    .col(ColumnDef::new(F::FollowerId).big_integer().not_null())
                    .col(
                        ColumnDef::new(F::Accepted)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ts(F::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_collection_follow_unique")
                    .table(F::Table)
                    .col(F::CollectionId)
                    .col(F::FollowerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for col in [MentorshipEvent::CollectionId, MentorshipEvent::ResourceId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MentorshipEvent::Table)
                        .add_column(ColumnDef::new(col).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_search(),
            _ => sqlite_search(),
        };
        let db = manager.get_connection();
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() != DbBackend::Postgres {
            for sql in [
                "DROP TRIGGER IF EXISTS collection_search_insert",
                "DROP TRIGGER IF EXISTS collection_search_update",
                "DROP TRIGGER IF EXISTS collection_search_delete",
                "DROP TABLE IF EXISTS collection_search",
            ] {
                db.execute_unprepared(sql).await?;
            }
        }
        for col in [MentorshipEvent::CollectionId, MentorshipEvent::ResourceId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MentorshipEvent::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            CollectionFollow::Table.into_iden(),
            CollectionItem::Table.into_iden(),
            Collection::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
