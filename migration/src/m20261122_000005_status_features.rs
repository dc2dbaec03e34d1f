//! The status-side features of the client API: pinned statuses, muted conversations, private
//! notes on accounts, endorsed accounts, scheduled statuses, the media and poll of each edit
//! revision, and the two poll markers the status jobs work from (a pending `Update(Question)`
//! and "closing handled").
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusPin {
    Table,
    Id,
    ActorId,
    PostId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConversationMute {
    Table,
    ActorId,
    RootPostId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AccountNote {
    Table,
    ActorId,
    TargetId,
    Comment,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountPin {
    Table,
    Id,
    ActorId,
    TargetId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ScheduledStatus {
    Table,
    Id,
    ActorId,
    ScheduledAt,
    Params,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PostEdit {
    Table,
    Media,
    Poll,
}

#[derive(DeriveIden)]
enum Poll {
    Table,
    ExpiresAt,
    UpdateDueAt,
    ClosedAt,
}

fn id_pk(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .primary_key()
        .to_owned()
}

fn fk_id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
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

fn index(
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    mut col: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Pinned statuses (own posts only, at most 5): the profile's and `featured`'s list.
        manager
            .create_table(
                Table::create()
                    .table(StatusPin::Table)
                    .col(id_pk(StatusPin::Id))
                    .col(fk_id(StatusPin::ActorId))
                    .col(fk_id(StatusPin::PostId))
                    .col(ts(StatusPin::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_status_pin_actor_post",
                StatusPin::Table,
                vec![
                    StatusPin::ActorId.into_iden(),
                    StatusPin::PostId.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_status_pin_post",
                StatusPin::Table,
                vec![StatusPin::PostId.into_iden()],
                false,
            ))
            .await?;

        // Muted conversations, keyed by the thread's root post.
        manager
            .create_table(
                Table::create()
                    .table(ConversationMute::Table)
                    .col(fk_id(ConversationMute::ActorId))
                    .col(fk_id(ConversationMute::RootPostId))
                    .col(ts(ConversationMute::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ConversationMute::ActorId)
                            .col(ConversationMute::RootPostId),
                    )
                    .to_owned(),
            )
            .await?;

        // Private notes on accounts.
        manager
            .create_table(
                Table::create()
                    .table(AccountNote::Table)
                    .col(fk_id(AccountNote::ActorId))
                    .col(fk_id(AccountNote::TargetId))
                    .col(text(AccountNote::Comment))
                    .col(ts(AccountNote::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(AccountNote::ActorId)
                            .col(AccountNote::TargetId),
                    )
                    .to_owned(),
            )
            .await?;

        // Endorsed (featured) accounts, paged over their own ids.
        manager
            .create_table(
                Table::create()
                    .table(AccountPin::Table)
                    .col(id_pk(AccountPin::Id))
                    .col(fk_id(AccountPin::ActorId))
                    .col(fk_id(AccountPin::TargetId))
                    .col(ts(AccountPin::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_account_pin_actor_target",
                AccountPin::Table,
                vec![
                    AccountPin::ActorId.into_iden(),
                    AccountPin::TargetId.into_iden(),
                ],
                true,
            ))
            .await?;

        // Scheduled statuses: the create parameters as JSON, published by a job when due.
        manager
            .create_table(
                Table::create()
                    .table(ScheduledStatus::Table)
                    .col(id_pk(ScheduledStatus::Id))
                    .col(fk_id(ScheduledStatus::ActorId))
                    .col(ts(ScheduledStatus::ScheduledAt))
                    .col(text(ScheduledStatus::Params))
                    .col(ts(ScheduledStatus::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_scheduled_status_due",
                ScheduledStatus::Table,
                vec![ScheduledStatus::ScheduledAt.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_scheduled_status_actor",
                ScheduledStatus::Table,
                vec![
                    ScheduledStatus::ActorId.into_iden(),
                    ScheduledStatus::Id.into_iden(),
                ],
                false,
            ))
            .await?;

        // Each revision keeps its own attachments (`[{id, description}]`) and poll options.
        add_column(
            manager,
            PostEdit::Table,
            text(PostEdit::Media).default("[]").to_owned(),
        )
        .await?;
        add_column(
            manager,
            PostEdit::Table,
            ColumnDef::new(PostEdit::Poll).text().null().to_owned(),
        )
        .await?;

        // Polls: a coalesced `Update(Question)` waiting to go, and the closing handled.
        add_column(manager, Poll::Table, ts_null(Poll::UpdateDueAt)).await?;
        add_column(manager, Poll::Table, ts_null(Poll::ClosedAt)).await?;
        manager
            .create_index(index(
                "idx_poll_update_due",
                Poll::Table,
                vec![Poll::UpdateDueAt.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_poll_closing",
                Poll::Table,
                vec![Poll::ClosedAt.into_iden(), Poll::ExpiresAt.into_iden()],
                false,
            ))
            .await?;
        // Polls that ended before this migration are not announced as closing now.
        manager
            .exec_stmt(
                Query::update()
                    .table(Poll::Table)
                    .value(Poll::ClosedAt, Expr::col(Poll::ExpiresAt))
                    .and_where(Expr::col(Poll::ExpiresAt).is_not_null())
                    .and_where(Expr::col(Poll::ExpiresAt).lt(Expr::current_timestamp()))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_poll_closing", Poll::Table.into_iden()),
            ("idx_poll_update_due", Poll::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for (table, col) in [
            (Poll::Table.into_iden(), Poll::ClosedAt.into_iden()),
            (Poll::Table.into_iden(), Poll::UpdateDueAt.into_iden()),
            (PostEdit::Table.into_iden(), PostEdit::Poll.into_iden()),
            (PostEdit::Table.into_iden(), PostEdit::Media.into_iden()),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(col).to_owned())
                .await?;
        }
        for table in [
            ScheduledStatus::Table.into_iden(),
            AccountPin::Table.into_iden(),
            AccountNote::Table.into_iden(),
            ConversationMute::Table.into_iden(),
            StatusPin::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
