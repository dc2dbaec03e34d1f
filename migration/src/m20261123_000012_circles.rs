//! Circles (issue 5, part 4: FEP-1b12 groups). A circle is an `actor` row of kind `Group`; this
//! migration adds what actors don't have: `circle` (a local circle's visibility, creator,
//! moderators and rules), `circle_post` (which posts were shared to which local circle, the
//! circle's boost of each, and moderator removals), and full-text search over every known
//! `Group` actor (local and remote) by name, handle, description and region:
//! - SQLite: an FTS5 table `circle_search` (rowid = the actor's id) with triggers on `actor`.
//! - PostgreSQL: a generated `circle_search_vector` column on `actor` with a partial GIN index
//!   over `Group` rows, folded as migration 10 folds (the same `translate` table).
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Circle {
    Table,
    ActorId,
    CreatorId,
    Visibility,
    Rules,
    Moderators,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CirclePost {
    Table,
    CircleId,
    PostId,
    BoostId,
    RemovedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Actor {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// Accented Latin letters and Arabic marks folded away, as in migration 10 (copied: a landed
/// migration never changes, and neither does this one).
const FOLD_FROM: &str =
    "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ\u{64B}\u{64C}\u{64D}\u{64E}\u{64F}\u{650}\u{651}\u{652}\u{640}";
const FOLD_TO: &str = "aaaaaaceeeeiiiinooooouuuuyy";

/// The indexed text of an actor row (`{row}` is `NEW`, `OLD` or `actor`).
fn title(row: &str) -> String {
    format!("{row}.display_name || ' ' || {row}.username")
}
fn body(row: &str) -> String {
    format!("{row}.summary || ' ' || COALESCE({row}.region, '')")
}
fn indexed(row: &str) -> String {
    format!("{row}.kind = 'Group' AND {row}.deleted_at IS NULL")
}

fn sqlite_statements() -> Vec<String> {
    vec![
        "CREATE VIRTUAL TABLE circle_search USING fts5(title, body, \
         tokenize = 'unicode61 remove_diacritics 2')"
            .to_string(),
        format!(
            "INSERT INTO circle_search(rowid, title, body) SELECT actor.id, {}, {} FROM actor \
             WHERE {}",
            title("actor"),
            body("actor"),
            indexed("actor")
        ),
        format!(
            "CREATE TRIGGER circle_search_insert AFTER INSERT ON actor WHEN {} BEGIN \
             INSERT INTO circle_search(rowid, title, body) VALUES (NEW.id, {}, {}); END",
            indexed("NEW"),
            title("NEW"),
            body("NEW")
        ),
        format!(
            "CREATE TRIGGER circle_search_update AFTER UPDATE OF kind, display_name, username, \
             summary, region, deleted_at ON actor BEGIN \
             DELETE FROM circle_search WHERE rowid = OLD.id; \
             INSERT INTO circle_search(rowid, title, body) SELECT NEW.id, {}, {} WHERE {}; END",
            title("NEW"),
            body("NEW"),
            indexed("NEW")
        ),
        "CREATE TRIGGER circle_search_delete AFTER DELETE ON actor BEGIN \
         DELETE FROM circle_search WHERE rowid = OLD.id; END"
            .to_string(),
    ]
}

fn postgres_statements() -> Vec<String> {
    vec![
        format!(
            "ALTER TABLE actor ADD COLUMN circle_search_vector tsvector GENERATED ALWAYS AS \
             (to_tsvector('simple'::regconfig, translate(lower({} || ' ' || {}), \
             '{FOLD_FROM}', '{FOLD_TO}'))) STORED",
            title("actor"),
            body("actor")
        ),
        "CREATE INDEX idx_actor_circle_search ON actor USING GIN (circle_search_vector) \
         WHERE kind = 'Group'"
            .to_string(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Circle as C;
        use CirclePost as P;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(
                        ColumnDef::new(C::ActorId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(C::CreatorId).big_integer().not_null())
                    .col(ColumnDef::new(C::Visibility).string().not_null())
                    .col(ColumnDef::new(C::Rules).text().not_null())
                    .col(ColumnDef::new(C::Moderators).text().not_null())
                    .col(ts(C::CreatedAt))
                    .col(ts(C::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(C::Table, C::ActorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(C::Table, C::CreatorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(ColumnDef::new(P::CircleId).big_integer().not_null())
                    .col(ColumnDef::new(P::PostId).big_integer().not_null())
                    .col(ColumnDef::new(P::BoostId).big_integer().null())
                    .col(
                        ColumnDef::new(P::RemovedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ts(P::CreatedAt))
                    .primary_key(Index::create().col(P::CircleId).col(P::PostId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::CircleId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_circle_post_post")
                    .table(P::Table)
                    .col(P::PostId)
                    .to_owned(),
            )
            .await?;
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_statements(),
            _ => sqlite_statements(),
        };
        let db = manager.get_connection();
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => vec![
                "DROP INDEX IF EXISTS idx_actor_circle_search",
                "ALTER TABLE actor DROP COLUMN IF EXISTS circle_search_vector",
            ],
            _ => vec![
                "DROP TRIGGER IF EXISTS circle_search_insert",
                "DROP TRIGGER IF EXISTS circle_search_update",
                "DROP TRIGGER IF EXISTS circle_search_delete",
                "DROP TABLE IF EXISTS circle_search",
            ],
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        manager
            .drop_table(Table::drop().table(CirclePost::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Circle::Table).to_owned())
            .await
    }
}
