//! Counter columns kept by the database itself: `actor.statuses_count`, `followers_count`,
//! `following_count`, `last_status_at` and `post.replies_count`, `reblogs_count`,
//! `favourites_count`, each maintained by row triggers on `post`, `follow` and `favourite` (SQLite
//! triggers, PostgreSQL trigger functions) and backfilled here. Pages then read counters from the
//! rows they load instead of counting per request. Whatever path writes a row (services, inbox,
//! jobs, cascades, raw SQL), the triggers see it, so the counters cannot drift.
//!
//! What is counted (the definitions the per-page `COUNT` queries used before):
//! - statuses: the author's posts and boosts that are not deleted (`deleted_at IS NULL`) and not
//!   `direct`; `last_status_at` is the newest `published_at` among them;
//! - followers / following: accepted follows to / from the actor;
//! - replies / reblogs: live posts whose `in_reply_to_id` / `reblog_of_id` is the post;
//! - favourites: favourite rows of the post.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actor {
    Table,
    StatusesCount,
    FollowersCount,
    FollowingCount,
    LastStatusAt,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    RepliesCount,
    ReblogsCount,
    FavouritesCount,
}

/// Sets every counter from the rows as they are (run before the triggers exist).
const BACKFILL: &[&str] = &[
    "UPDATE actor SET \
     statuses_count = (SELECT COUNT(*) FROM post p WHERE p.author_id = actor.id \
       AND p.deleted_at IS NULL AND p.visibility <> 'direct'), \
     last_status_at = (SELECT MAX(p.published_at) FROM post p WHERE p.author_id = actor.id \
       AND p.deleted_at IS NULL AND p.visibility <> 'direct'), \
     followers_count = (SELECT COUNT(*) FROM follow f WHERE f.followee_id = actor.id \
       AND f.accepted = TRUE), \
     following_count = (SELECT COUNT(*) FROM follow f WHERE f.follower_id = actor.id \
       AND f.accepted = TRUE)",
    "UPDATE post SET \
     replies_count = (SELECT COUNT(*) FROM post r WHERE r.in_reply_to_id = post.id \
       AND r.deleted_at IS NULL), \
     reblogs_count = (SELECT COUNT(*) FROM post r WHERE r.reblog_of_id = post.id \
       AND r.deleted_at IS NULL), \
     favourites_count = (SELECT COUNT(*) FROM favourite f WHERE f.post_id = post.id) \
     WHERE id IN (SELECT in_reply_to_id FROM post WHERE in_reply_to_id IS NOT NULL) \
     OR id IN (SELECT reblog_of_id FROM post WHERE reblog_of_id IS NOT NULL) \
     OR id IN (SELECT post_id FROM favourite)",
];

/// The newest counted status of `actor.id` (through `idx_post_author_counters`, which keeps
/// deleted rows out of the `deleted_at IS NULL` range).
const LATEST_STATUS: &str = "(SELECT MAX(p.published_at) FROM post p WHERE p.author_id = actor.id \
     AND p.deleted_at IS NULL AND p.visibility <> 'direct')";

/// SQLite: one trigger per table and operation. `AFTER UPDATE OF` lists the columns the counters
/// depend on, so the triggers' own counter updates never fire them again.
fn sqlite_triggers() -> Vec<String> {
    let counted = |row: &str| format!("{row}.deleted_at IS NULL AND {row}.visibility <> 'direct'");
    // Statuses and last_status_at, for a row leaving (OLD) or entering (NEW) the counted set.
    let leave_author = format!(
        "UPDATE actor SET statuses_count = statuses_count - 1 \
         WHERE id = OLD.author_id AND {old}; \
         UPDATE actor SET last_status_at = {LATEST_STATUS} \
         WHERE id = OLD.author_id AND {old} \
         AND (last_status_at IS NULL OR last_status_at <= OLD.published_at);",
        old = counted("OLD")
    );
    let enter_author = format!(
        "UPDATE actor SET statuses_count = statuses_count + 1, \
         last_status_at = CASE WHEN last_status_at IS NULL OR last_status_at < NEW.published_at \
         THEN NEW.published_at ELSE last_status_at END \
         WHERE id = NEW.author_id AND {new};",
        new = counted("NEW")
    );
    let leave_parent = "UPDATE post SET replies_count = replies_count - 1 \
         WHERE id = OLD.in_reply_to_id AND OLD.deleted_at IS NULL; \
         UPDATE post SET reblogs_count = reblogs_count - 1 \
         WHERE id = OLD.reblog_of_id AND OLD.deleted_at IS NULL;";
    let enter_parent = "UPDATE post SET replies_count = replies_count + 1 \
         WHERE id = NEW.in_reply_to_id AND NEW.deleted_at IS NULL; \
         UPDATE post SET reblogs_count = reblogs_count + 1 \
         WHERE id = NEW.reblog_of_id AND NEW.deleted_at IS NULL;";
    // Follows: both ends in one statement.
    let follow = |row: &str, sign: &str| {
        format!(
            "UPDATE actor SET \
             following_count = following_count {sign} CASE WHEN id = {row}.follower_id THEN 1 ELSE 0 END, \
             followers_count = followers_count {sign} CASE WHEN id = {row}.followee_id THEN 1 ELSE 0 END \
             WHERE id IN ({row}.follower_id, {row}.followee_id) AND {row}.accepted;"
        )
    };
    let favourite = |row: &str, sign: &str| {
        format!(
            "UPDATE post SET favourites_count = favourites_count {sign} 1 WHERE id = {row}.post_id;"
        )
    };
    vec![
        format!(
            "CREATE TRIGGER counters_post_insert AFTER INSERT ON post BEGIN \
             {enter_author} {enter_parent} END"
        ),
        format!(
            "CREATE TRIGGER counters_post_delete AFTER DELETE ON post BEGIN \
             {leave_author} {leave_parent} END"
        ),
        format!(
            "CREATE TRIGGER counters_post_update AFTER UPDATE OF author_id, deleted_at, \
             visibility, published_at, in_reply_to_id, reblog_of_id ON post BEGIN \
             {leave_author} {enter_author} {leave_parent} {enter_parent} END"
        ),
        format!(
            "CREATE TRIGGER counters_follow_insert AFTER INSERT ON follow BEGIN {} END",
            follow("NEW", "+")
        ),
        format!(
            "CREATE TRIGGER counters_follow_delete AFTER DELETE ON follow BEGIN {} END",
            follow("OLD", "-")
        ),
        format!(
            "CREATE TRIGGER counters_follow_update AFTER UPDATE OF accepted, follower_id, \
             followee_id ON follow BEGIN {} {} END",
            follow("OLD", "-"),
            follow("NEW", "+")
        ),
        format!(
            "CREATE TRIGGER counters_favourite_insert AFTER INSERT ON favourite BEGIN {} END",
            favourite("NEW", "+")
        ),
        format!(
            "CREATE TRIGGER counters_favourite_delete AFTER DELETE ON favourite BEGIN {} END",
            favourite("OLD", "-")
        ),
        format!(
            "CREATE TRIGGER counters_favourite_update AFTER UPDATE OF post_id ON favourite \
             BEGIN {} {} END",
            favourite("OLD", "-"),
            favourite("NEW", "+")
        ),
    ]
}

const SQLITE_TRIGGER_NAMES: &[&str] = &[
    "counters_post_insert",
    "counters_post_delete",
    "counters_post_update",
    "counters_follow_insert",
    "counters_follow_delete",
    "counters_follow_update",
    "counters_favourite_insert",
    "counters_favourite_delete",
    "counters_favourite_update",
];

/// PostgreSQL: one trigger function per table, run after each row change. Row triggers that
/// are AFTER fire at the end of the statement, so a bulk update (e.g. every post of a deleted
/// actor) never meets rows it is still changing.
fn postgres_triggers() -> Vec<String> {
    vec![
        format!(
            "CREATE OR REPLACE FUNCTION halqa_counters_post() RETURNS trigger \
             LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP <> 'INSERT' THEN \
                 IF OLD.deleted_at IS NULL AND OLD.visibility <> 'direct' THEN \
                   UPDATE actor SET statuses_count = statuses_count - 1 WHERE id = OLD.author_id; \
                   UPDATE actor SET last_status_at = {LATEST_STATUS} WHERE id = OLD.author_id \
                     AND (last_status_at IS NULL OR last_status_at <= OLD.published_at); \
                 END IF; \
                 IF OLD.deleted_at IS NULL THEN \
                   UPDATE post SET replies_count = replies_count - 1 WHERE id = OLD.in_reply_to_id; \
                   UPDATE post SET reblogs_count = reblogs_count - 1 WHERE id = OLD.reblog_of_id; \
                 END IF; \
               END IF; \
               IF TG_OP <> 'DELETE' THEN \
                 IF NEW.deleted_at IS NULL AND NEW.visibility <> 'direct' THEN \
                   UPDATE actor SET statuses_count = statuses_count + 1, \
                     last_status_at = GREATEST(last_status_at, NEW.published_at) \
                     WHERE id = NEW.author_id; \
                 END IF; \
                 IF NEW.deleted_at IS NULL THEN \
                   UPDATE post SET replies_count = replies_count + 1 WHERE id = NEW.in_reply_to_id; \
                   UPDATE post SET reblogs_count = reblogs_count + 1 WHERE id = NEW.reblog_of_id; \
                 END IF; \
               END IF; \
               RETURN NULL; \
             END $$"
        ),
        "CREATE TRIGGER counters_post AFTER INSERT OR DELETE OR UPDATE OF author_id, deleted_at, \
         visibility, published_at, in_reply_to_id, reblog_of_id ON post \
         FOR EACH ROW EXECUTE FUNCTION halqa_counters_post()"
            .into(),
        // Both ends of a follow in one statement, so two opposite follows lock the two actor
        // rows in the same order (no deadlock between them).
        "CREATE OR REPLACE FUNCTION halqa_counters_follow() RETURNS trigger \
         LANGUAGE plpgsql AS $$ \
         BEGIN \
           IF TG_OP <> 'INSERT' AND OLD.accepted THEN \
             UPDATE actor SET \
               following_count = following_count - CASE WHEN id = OLD.follower_id THEN 1 ELSE 0 END, \
               followers_count = followers_count - CASE WHEN id = OLD.followee_id THEN 1 ELSE 0 END \
               WHERE id IN (OLD.follower_id, OLD.followee_id); \
           END IF; \
           IF TG_OP <> 'DELETE' AND NEW.accepted THEN \
             UPDATE actor SET \
               following_count = following_count + CASE WHEN id = NEW.follower_id THEN 1 ELSE 0 END, \
               followers_count = followers_count + CASE WHEN id = NEW.followee_id THEN 1 ELSE 0 END \
               WHERE id IN (NEW.follower_id, NEW.followee_id); \
           END IF; \
           RETURN NULL; \
         END $$"
            .into(),
        "CREATE TRIGGER counters_follow AFTER INSERT OR DELETE OR UPDATE OF accepted, \
         follower_id, followee_id ON follow \
         FOR EACH ROW EXECUTE FUNCTION halqa_counters_follow()"
            .into(),
        "CREATE OR REPLACE FUNCTION halqa_counters_favourite() RETURNS trigger \
         LANGUAGE plpgsql AS $$ \
         BEGIN \
           IF TG_OP <> 'INSERT' THEN \
             UPDATE post SET favourites_count = favourites_count - 1 WHERE id = OLD.post_id; \
           END IF; \
           IF TG_OP <> 'DELETE' THEN \
             UPDATE post SET favourites_count = favourites_count + 1 WHERE id = NEW.post_id; \
           END IF; \
           RETURN NULL; \
         END $$"
            .into(),
        "CREATE TRIGGER counters_favourite AFTER INSERT OR DELETE OR UPDATE OF post_id \
         ON favourite FOR EACH ROW EXECUTE FUNCTION halqa_counters_favourite()"
            .into(),
    ]
}

const POSTGRES_DROP: &[&str] = &[
    "DROP TRIGGER IF EXISTS counters_post ON post",
    "DROP TRIGGER IF EXISTS counters_follow ON follow",
    "DROP TRIGGER IF EXISTS counters_favourite ON favourite",
    "DROP FUNCTION IF EXISTS halqa_counters_post()",
    "DROP FUNCTION IF EXISTS halqa_counters_follow()",
    "DROP FUNCTION IF EXISTS halqa_counters_favourite()",
];

fn counter(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn columns() -> Vec<(DynIden, ColumnDef)> {
    vec![
        (Actor::Table.into_iden(), counter(Actor::StatusesCount)),
        (Actor::Table.into_iden(), counter(Actor::FollowersCount)),
        (Actor::Table.into_iden(), counter(Actor::FollowingCount)),
        (
            Actor::Table.into_iden(),
            ColumnDef::new(Actor::LastStatusAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ),
        (Post::Table.into_iden(), counter(Post::RepliesCount)),
        (Post::Table.into_iden(), counter(Post::ReblogsCount)),
        (Post::Table.into_iden(), counter(Post::FavouritesCount)),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER: SQLite adds one at a time.
        for (table, mut col) in columns() {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
                .await?;
        }
        let db = manager.get_connection();
        for sql in BACKFILL {
            db.execute_unprepared(sql).await?;
        }
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        for sql in triggers {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for sql in POSTGRES_DROP {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {
                for name in SQLITE_TRIGGER_NAMES {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                        .await?;
                }
            }
        }
        for (table, col) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(col.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
