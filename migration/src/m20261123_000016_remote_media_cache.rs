//! Remote media cached on this node (issue 3): `media_attachment.cache_attempts` (how many times
//! the cacher tried to download a remote file; it gives up after a few) and `cached_at` (when the
//! local copy was made; copies older than the retention are removed and the remote URL is served
//! again), with a partial index on the rows still waiting to be cached.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediaAttachment {
    Table,
    CacheAttempts,
    CachedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER TABLE (SQLite adds one at a time).
        manager
            .alter_table(
                Table::alter()
                    .table(MediaAttachment::Table)
                    .add_column(
                        ColumnDef::new(MediaAttachment::CacheAttempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MediaAttachment::Table)
                    .add_column(
                        ColumnDef::new(MediaAttachment::CachedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Partial indexes: same syntax on SQLite and PostgreSQL. Rows waiting for the cacher,
        // and cached copies (for the retention sweep).
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_media_uncached ON media_attachment (id) \
             WHERE remote_url IS NOT NULL AND file_name IS NULL AND cache_attempts < 3",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_media_cached_at ON media_attachment (cached_at) \
             WHERE cached_at IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_media_cached_at")
            .await?;
        db.execute_unprepared("DROP INDEX idx_media_uncached")
            .await?;
        for column in [MediaAttachment::CachedAt, MediaAttachment::CacheAttempts] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MediaAttachment::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
