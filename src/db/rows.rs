//! Positional decoding of the rows every timeline page reads (posts, actors, the token's user):
//! columns are selected in a fixed order and read by position straight from the sqlx row, on
//! SQLite and PostgreSQL alike. sea-orm's derived decoding looks every column up by name and
//! builds an error string for each NULL it meets (then drops it); on a home-timeline page that
//! was about a tenth of the request's instructions (docs/benchmarks.md, session 8).
//!
//! [`positional!`] declares a decoder from the model's field list: the same list gives the
//! `SELECT` columns and the order they are read in, so the two cannot drift apart, and a field
//! added to the model stops the build until it is listed here.
use sea_orm::{
    DbErr, QueryResult,
    sqlx::{self, Decode, Postgres, Row, Sqlite, Type},
};

/// A value a column can be read as on both backends.
pub trait ColumnValue:
    Sized + for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl<T> ColumnValue for T where
    T: Sized
        + for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
{
}

/// A cursor over one result row's columns, read left to right.
pub struct Columns<'r> {
    row: &'r QueryResult,
    next: usize,
}

impl<'r> Columns<'r> {
    /// Reads `row` from column `start` (0 for the first).
    pub fn new(row: &'r QueryResult, start: usize) -> Self {
        Columns { row, next: start }
    }

    /// The next column's value (`Option<T>` for a nullable column).
    pub fn value<T: ColumnValue>(&mut self) -> Result<T, DbErr> {
        let index = self.next;
        self.next += 1;
        let read = if let Some(row) = self.row.try_as_sqlite_row() {
            row.try_get::<T, usize>(index)
        } else if let Some(row) = self.row.try_as_pg_row() {
            row.try_get::<T, usize>(index)
        } else {
            return Err(DbErr::Type("positional decoding needs a sqlx row".into()));
        };
        read.map_err(|e: sqlx::Error| DbErr::Type(format!("column {index}: {e}")))
    }

    /// The position of the next column to read.
    pub fn position(&self) -> usize {
        self.next
    }
}

/// Declares a positional decoder `$decoder` for `entity::$module::Model` with its fields in
/// `SELECT` order: `$decoder::select(alias)` is the column list (`p."id", p."ap_id", …`) and
/// `$decoder::read(columns)` reads them back in the same order. Fields listed after `unread`
/// are not selected and read as their type's default (empty text, `None`): a decoder for
/// display that leaves keys and endpoints in the database.
macro_rules! positional {
    ($decoder:ident, $module:ident, [$($field:ident),* $(,)?]) => {
        positional!($decoder, $module, [$($field),*], unread []);
    };
    ($decoder:ident, $module:ident, [$($field:ident),* $(,)?], unread [$($unread:ident),* $(,)?]) => {
        #[doc = concat!("Positional decoder of `", stringify!($module), "` rows (see the module).")]
        pub struct $decoder;

        impl $decoder {
            /// The column names in reading order.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// `alias."column", …` in reading order, for a `SELECT` list.
            pub fn select(alias: &str) -> String {
                Self::COLUMNS
                    .iter()
                    .map(|c| format!("{alias}.\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            }

            /// One model from the columns at the cursor.
            pub fn read(
                columns: &mut Columns<'_>,
            ) -> Result<crate::db::entity::$module::Model, DbErr> {
                Ok(crate::db::entity::$module::Model {
                    $($field: columns.value()?,)*
                    $($unread: Default::default(),)*
                })
            }
        }
    };
}

positional!(
    PostRow,
    post,
    [
        id,
        ap_id,
        local,
        author_id,
        url,
        content,
        source,
        summary,
        sensitive,
        visibility,
        language,
        in_reply_to_ap_id,
        in_reply_to_id,
        reblog_of_id,
        published_at,
        edited_at,
        created_at,
        deleted_at,
        application_id,
    ]
);

positional!(
    ActorRow,
    actor,
    [
        id,
        ap_id,
        local,
        kind,
        username,
        domain,
        display_name,
        summary,
        url,
        inbox,
        shared_inbox,
        outbox,
        followers_url,
        following_url,
        public_key_id,
        public_key_pem,
        private_key_pem,
        manually_approves_followers,
        discoverable,
        avatar_url,
        header_url,
        stage,
        subjects,
        levels,
        languages,
        region,
        open_to_mentor,
        seeking_mentor,
        created_at,
        updated_at,
        last_fetched_at,
        deleted_at,
        fields,
        bot,
        silenced_at,
        suspended_at,
        also_known_as,
        moved_to_ap_id,
        moved_at,
        hide_collections,
    ]
);

positional!(
    ActorDisplayRow,
    actor,
    [
        id,
        ap_id,
        local,
        kind,
        username,
        domain,
        display_name,
        summary,
        url,
        manually_approves_followers,
        discoverable,
        avatar_url,
        header_url,
        stage,
        subjects,
        levels,
        languages,
        region,
        open_to_mentor,
        seeking_mentor,
        created_at,
        deleted_at,
        fields,
        bot,
        silenced_at,
        suspended_at,
        moved_to_ap_id,
        hide_collections,
    ],
    // Keys (a local actor's private key is 1.7 KB) and endpoints, what signing and delivery
    // read, and times no account shows (each read would parse a timestamp).
    unread [
        inbox,
        shared_inbox,
        outbox,
        followers_url,
        following_url,
        public_key_id,
        public_key_pem,
        private_key_pem,
        also_known_as,
        updated_at,
        last_fetched_at,
        moved_at,
    ]
);

positional!(
    UserRow,
    local_user,
    [
        id,
        actor_id,
        email,
        password_hash,
        role,
        locale,
        must_change_password,
        created_at,
        note_source,
        default_visibility,
        default_sensitive,
        default_language,
        default_license,
        approval,
        registration_reason,
        invite_id,
        disabled,
        hide_counts,
    ]
);

positional!(
    TokenRow,
    oauth_token,
    [
        id,
        token_hash,
        refresh_token_hash,
        app_id,
        user_id,
        scopes,
        created_at,
        last_used_at,
        revoked_at,
        code_id,
    ]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entity::{actor, local_user, oauth_token, post};
    use chrono::{Duration, Utc};
    use migration::MigratorTrait;
    use sea_orm::{
        ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait,
        IntoActiveModel, Statement,
    };

    async fn migrated() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        migration::Migrator::up(&db, None).await.unwrap();
        db
    }

    /// Every column of `table` row `id` through `read`, as the positional decoder sees it.
    async fn positional<M>(
        db: &DatabaseConnection,
        select: String,
        table: &str,
        id: i64,
        read: impl Fn(&mut Columns<'_>) -> Result<M, DbErr>,
    ) -> M {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                format!("SELECT {select} FROM {table} x WHERE x.id = ?"),
                [id.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        let mut columns = Columns::new(&row, 0);
        let model = read(&mut columns).unwrap();
        assert_eq!(
            columns.position(),
            row.column_names().len(),
            "every column read"
        );
        model
    }

    /// An actor with every optional field set, each text distinct, so a swapped pair of
    /// columns would show.
    fn full_actor(id: i64) -> actor::Model {
        let at = |days| Utc::now() - Duration::days(days);
        actor::Model {
            url: Some("url".into()),
            shared_inbox: Some("shared_inbox".into()),
            outbox: Some("outbox".into()),
            followers_url: Some("followers_url".into()),
            following_url: Some("following_url".into()),
            public_key_id: "public_key_id".into(),
            public_key_pem: "public_key_pem".into(),
            private_key_pem: Some("private_key_pem".into()),
            display_name: "display_name".into(),
            summary: "summary".into(),
            manually_approves_followers: true,
            discoverable: false,
            avatar_url: Some("avatar_url".into()),
            header_url: Some("header_url".into()),
            stage: Some("stage".into()),
            subjects: "[\"subjects\"]".into(),
            levels: "[\"levels\"]".into(),
            languages: "[\"languages\"]".into(),
            region: Some("region".into()),
            open_to_mentor: true,
            seeking_mentor: true,
            created_at: at(1),
            updated_at: at(2),
            last_fetched_at: Some(at(3)),
            deleted_at: Some(at(4)),
            fields: "[{\"name\":\"fields\"}]".into(),
            bot: true,
            silenced_at: Some(at(5)),
            suspended_at: Some(at(6)),
            also_known_as: "[\"also_known_as\"]".into(),
            moved_to_ap_id: Some("moved_to_ap_id".into()),
            moved_at: Some(at(7)),
            hide_collections: true,
            ..actor::Model::sample(id, "full")
        }
    }

    #[tokio::test]
    async fn positional_rows_read_what_sea_orm_reads() {
        let db = migrated().await;
        for actor in [actor::Model::sample(1, "bare"), full_actor(2)] {
            actor.into_active_model().insert(&db).await.unwrap();
        }
        let now = Utc::now();
        let bare_post = post::Model {
            id: 10,
            ap_id: "https://a.example/notes/10".into(),
            local: true,
            author_id: 1,
            url: None,
            content: "content".into(),
            source: None,
            summary: None,
            sensitive: false,
            visibility: "public".into(),
            language: None,
            in_reply_to_ap_id: None,
            in_reply_to_id: None,
            reblog_of_id: None,
            published_at: now,
            edited_at: None,
            created_at: now,
            deleted_at: None,
            application_id: None,
        };
        let full_post = post::Model {
            id: 11,
            ap_id: "https://a.example/notes/11".into(),
            local: false,
            author_id: 2,
            url: Some("url".into()),
            source: Some("source".into()),
            summary: Some("summary".into()),
            sensitive: true,
            visibility: "unlisted".into(),
            language: Some("ar".into()),
            in_reply_to_ap_id: Some("in_reply_to_ap_id".into()),
            in_reply_to_id: Some(10),
            reblog_of_id: Some(10),
            published_at: now - Duration::hours(1),
            edited_at: Some(now - Duration::hours(2)),
            created_at: now - Duration::hours(3),
            deleted_at: Some(now - Duration::hours(4)),
            application_id: None,
            ..bare_post.clone()
        };
        for p in [bare_post, full_post] {
            p.into_active_model().insert(&db).await.unwrap();
        }
        for id in [1, 2] {
            let derived = actor::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let read = positional(&db, ActorRow::select("x"), "actor", id, ActorRow::read).await;
            assert_eq!(read, derived);
            let shown = positional(
                &db,
                ActorDisplayRow::select("x"),
                "actor",
                id,
                ActorDisplayRow::read,
            )
            .await;
            assert_eq!(shown.private_key_pem, None);
            assert_eq!(shown.public_key_pem, "");
            assert_eq!(shown.inbox, "");
            let unread = actor::Model {
                inbox: String::new(),
                shared_inbox: None,
                outbox: None,
                followers_url: None,
                following_url: None,
                public_key_id: String::new(),
                public_key_pem: String::new(),
                private_key_pem: None,
                also_known_as: String::new(),
                updated_at: Default::default(),
                last_fetched_at: None,
                moved_at: None,
                ..derived
            };
            assert_eq!(shown, unread);
        }
        for id in [10, 11] {
            let derived = post::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let read = positional(&db, PostRow::select("x"), "post", id, PostRow::read).await;
            assert_eq!(read, derived);
        }
        let user = local_user::Model {
            id: 20,
            actor_id: 2,
            email: "email".into(),
            password_hash: "password_hash".into(),
            role: "admin".into(),
            locale: Some("fr".into()),
            must_change_password: true,
            created_at: now,
            note_source: Some("note_source".into()),
            default_visibility: "private".into(),
            default_sensitive: true,
            default_language: Some("ar".into()),
            default_license: Some("CC-BY-4.0".into()),
            approval: "approved".into(),
            registration_reason: Some("registration_reason".into()),
            invite_id: None,
            disabled: true,
            hide_counts: true,
        };
        user.into_active_model().insert(&db).await.unwrap();
        let token = oauth_token::Model {
            id: 30,
            token_hash: "token_hash".into(),
            refresh_token_hash: Some("refresh_token_hash".into()),
            app_id: None,
            user_id: Some(20),
            scopes: "read write".into(),
            created_at: now,
            last_used_at: Some(now - Duration::minutes(1)),
            revoked_at: Some(now - Duration::minutes(2)),
            code_id: None,
        };
        token.into_active_model().insert(&db).await.unwrap();
        let derived = local_user::Entity::find_by_id(20)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let read = positional(&db, UserRow::select("x"), "local_user", 20, UserRow::read).await;
        assert_eq!(read, derived);
        let derived = oauth_token::Entity::find_by_id(30)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let read = positional(
            &db,
            TokenRow::select("x"),
            "oauth_token",
            30,
            TokenRow::read,
        )
        .await;
        assert_eq!(read, derived);
    }

    #[tokio::test]
    async fn a_column_of_the_wrong_type_is_an_error_not_a_panic() {
        let db = migrated().await;
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT 'text' AS a",
            ))
            .await
            .unwrap()
            .unwrap();
        let mut columns = Columns::new(&row, 0);
        assert!(columns.value::<i64>().is_err());
        assert!(columns.value::<String>().is_err(), "past the last column");
    }
}
