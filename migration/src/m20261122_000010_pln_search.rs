//! Full-text search over PLN objects (issue 5, part 3) with each database's own engine, filled
//! from the rows that exist (backfill) and kept in step by the database itself:
//! - SQLite: one FTS5 table per kind (`resource_search`, `mentorship_offer_search`) whose rowid is
//!   the object's id, tokenised with `unicode61 remove_diacritics 2` (case and Latin accents
//!   folded: "évaluation" finds "evaluation"); triggers on insert, on update of the indexed
//!   columns and on delete keep it in step. Deleted resources leave the index.
//! - PostgreSQL: a generated `search_vector tsvector` column per table with a GIN index, built
//!   with the `simple` configuration (no stemming or stop words: the text mixes Arabic, French and
//!   English) over the text lower-cased, with Latin accents folded and Arabic short vowels and
//!   tatweel removed by `translate`, so both backends fold the same way.
//!
//! The query side (`src/db/pln_search.rs`) folds search terms with the same table; it is copied
//! here because a migration never changes once landed.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Accented Latin letters (lower case) and the letters they fold to, then Arabic marks
/// (tanween, harakat, shadda, sukun: U+064B–U+0652) and tatweel (U+0640), which `translate`
/// deletes because they have no counterpart.
const FOLD_FROM: &str =
    "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ\u{64B}\u{64C}\u{64D}\u{64E}\u{64F}\u{650}\u{651}\u{652}\u{640}";
const FOLD_TO: &str = "aaaaaaceeeeiiiinooooouuuuyy";

/// What each kind indexes: (table, FTS5 table, title expression, body expression), written
/// with a `{row}` placeholder for `NEW`/`OLD` or the table itself.
const KINDS: &[(&str, &str, &str, &str)] = &[
    (
        "resource",
        "resource_search",
        "{row}.title",
        "{row}.description || ' ' || {row}.body_source",
    ),
    (
        "mentorship_offer",
        "mentorship_offer_search",
        "{row}.title",
        "{row}.description || ' ' || COALESCE({row}.region, '')",
    ),
];

/// Only live rows are indexed (offers have no deletion: closed ones stay findable and the
/// `open` filter hides them).
fn live(table: &str, row: &str) -> String {
    if table == "resource" {
        format!("{row}.deleted_at IS NULL")
    } else {
        "1 = 1".into()
    }
}

fn sqlite_statements() -> Vec<String> {
    let mut out = Vec::new();
    for (table, fts, title, body) in KINDS {
        let at = |row: &str| (title.replace("{row}", row), body.replace("{row}", row));
        out.push(format!(
            "CREATE VIRTUAL TABLE {fts} USING fts5(title, body, \
             tokenize = 'unicode61 remove_diacritics 2')"
        ));
        let (t, b) = at(table);
        out.push(format!(
            "INSERT INTO {fts}(rowid, title, body) SELECT {table}.id, {t}, {b} FROM {table} \
             WHERE {}",
            live(table, table)
        ));
        let (t, b) = at("NEW");
        out.push(format!(
            "CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} WHEN {} BEGIN \
             INSERT INTO {fts}(rowid, title, body) VALUES (NEW.id, {t}, {b}); END",
            live(table, "NEW")
        ));
        let columns = if *table == "resource" {
            "title, description, body_source, deleted_at"
        } else {
            "title, description, region"
        };
        out.push(format!(
            "CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN \
             DELETE FROM {fts} WHERE rowid = OLD.id; \
             INSERT INTO {fts}(rowid, title, body) SELECT NEW.id, {t}, {b} WHERE {}; END",
            live(table, "NEW")
        ));
        out.push(format!(
            "CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN \
             DELETE FROM {fts} WHERE rowid = OLD.id; END"
        ));
    }
    out
}

fn postgres_statements() -> Vec<String> {
    let mut out = Vec::new();
    for (table, _, title, body) in KINDS {
        let (t, b) = (title.replace("{row}", table), body.replace("{row}", table));
        // A generated column is computed for the rows already there when it is added.
        out.push(format!(
            "ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS \
             (to_tsvector('simple'::regconfig, translate(lower({t} || ' ' || {b}), \
             '{FOLD_FROM}', '{FOLD_TO}'))) STORED"
        ));
        out.push(format!(
            "CREATE INDEX idx_{table}_search ON {table} USING GIN (search_vector)"
        ));
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
        for (table, fts, _, _) in KINDS {
            let statements = match manager.get_database_backend() {
                DbBackend::Postgres => vec![
                    format!("DROP INDEX IF EXISTS idx_{table}_search"),
                    format!("ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"),
                ],
                _ => vec![
                    format!("DROP TRIGGER IF EXISTS {fts}_insert"),
                    format!("DROP TRIGGER IF EXISTS {fts}_update"),
                    format!("DROP TRIGGER IF EXISTS {fts}_delete"),
                    format!("DROP TABLE IF EXISTS {fts}"),
                ],
            };
            for sql in statements {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }
}
