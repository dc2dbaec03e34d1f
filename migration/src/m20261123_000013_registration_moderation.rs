//! Registration, roles and moderation: node settings changed at runtime (`node_setting`,
//! key → JSON value), invites (`invite`), the moderation audit log (`audit_log`), a local user's
//! registration state (`approval`: approved | pending | rejected, with the applicant's
//! `registration_reason`, the `invite_id` used and `disabled` logins), an account's sanctions
//! (`actor.silenced_at`, `actor.suspended_at`) and the report queue's state (`report.assigned_id`,
//! `report.action_taken_by_id`, `report.updated_at`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NodeSetting {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Invite {
    Table,
    Id,
    Code,
    CreatedById,
    MaxUses,
    Uses,
    ExpiresAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    TargetKind,
    TargetId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LocalUser {
    Table,
    Approval,
    RegistrationReason,
    InviteId,
    Disabled,
}

#[derive(DeriveIden)]
enum Actor {
    Table,
    SilencedAt,
    SuspendedAt,
}

#[derive(DeriveIden)]
enum Report {
    Table,
    AssignedId,
    ActionTakenById,
    UpdatedAt,
}

/// One column per `ALTER TABLE` (SQLite adds one at a time).
async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(column.to_owned())
                .to_owned(),
        )
        .await
}

async fn drop_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

fn moment(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NodeSetting::Table)
                    .col(
                        ColumnDef::new(NodeSetting::Key)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(NodeSetting::Value).text().not_null())
                    .col(
                        ColumnDef::new(NodeSetting::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invite::Table)
                    .col(
                        ColumnDef::new(Invite::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Invite::Code)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Invite::CreatedById).big_integer().null())
                    .col(ColumnDef::new(Invite::MaxUses).integer().null())
                    .col(ColumnDef::new(Invite::Uses).integer().not_null().default(0))
                    .col(moment(Invite::ExpiresAt))
                    .col(moment(Invite::RevokedAt))
                    .col(
                        ColumnDef::new(Invite::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(
                        ColumnDef::new(AuditLog::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuditLog::ActorId).big_integer().null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(
                        ColumnDef::new(AuditLog::TargetKind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::TargetId).text().not_null())
                    .col(ColumnDef::new(AuditLog::Note).text().not_null())
                    .col(
                        ColumnDef::new(AuditLog::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        add_column(
            manager,
            LocalUser::Table,
            ColumnDef::new(LocalUser::Approval)
                .string_len(16)
                .not_null()
                .default("approved")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LocalUser::Table,
            ColumnDef::new(LocalUser::RegistrationReason)
                .text()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LocalUser::Table,
            ColumnDef::new(LocalUser::InviteId)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LocalUser::Table,
            ColumnDef::new(LocalUser::Disabled)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        )
        .await?;
        add_column(manager, Actor::Table, moment(Actor::SilencedAt)).await?;
        add_column(manager, Actor::Table, moment(Actor::SuspendedAt)).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_actor_silenced_at")
                    .table(Actor::Table)
                    .col(Actor::SilencedAt)
                    .to_owned(),
            )
            .await?;
        add_column(
            manager,
            Report::Table,
            ColumnDef::new(Report::AssignedId)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Report::Table,
            ColumnDef::new(Report::ActionTakenById)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(manager, Report::Table, moment(Report::UpdatedAt)).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, Report::Table, Report::UpdatedAt).await?;
        drop_column(manager, Report::Table, Report::ActionTakenById).await?;
        drop_column(manager, Report::Table, Report::AssignedId).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_actor_silenced_at")
                    .table(Actor::Table)
                    .to_owned(),
            )
            .await?;
        drop_column(manager, Actor::Table, Actor::SuspendedAt).await?;
        drop_column(manager, Actor::Table, Actor::SilencedAt).await?;
        drop_column(manager, LocalUser::Table, LocalUser::Disabled).await?;
        drop_column(manager, LocalUser::Table, LocalUser::InviteId).await?;
        drop_column(manager, LocalUser::Table, LocalUser::RegistrationReason).await?;
        drop_column(manager, LocalUser::Table, LocalUser::Approval).await?;
        for table in [
            AuditLog::Table.into_iden(),
            Invite::Table.into_iden(),
            NodeSetting::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
