//! Hiding counts per account (issue 6, web leftovers): `actor.hide_collections` (Mastodon's:
//! the account's followers and following lists are not shown to others, and the web shows
//! nobody else its follower, following, favourite and boost counts) and `local_user.hide_counts`
//! (the viewer's own choice not to see any counts on the web pages).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actor {
    Table,
    HideCollections,
}

#[derive(DeriveIden)]
enum LocalUser {
    Table,
    HideCounts,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER TABLE (SQLite adds one at a time).
        manager
            .alter_table(
                Table::alter()
                    .table(Actor::Table)
                    .add_column(
                        ColumnDef::new(Actor::HideCollections)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LocalUser::Table)
                    .add_column(
                        ColumnDef::new(LocalUser::HideCounts)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LocalUser::Table)
                    .drop_column(LocalUser::HideCounts)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Actor::Table)
                    .drop_column(Actor::HideCollections)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
