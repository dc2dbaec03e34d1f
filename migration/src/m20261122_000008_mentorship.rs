//! Federated mentorship (issue 4): offers (local and remote `Proposal`s), requests (FEP-0837
//! `Offer` of an `Agreement`), agreements (the mentorship itself), its goals, meeting log and
//! private messages, and the PLN notifications of the two parties.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MentorshipOffer {
    Table,
    Id,
    ApId,
    Local,
    AuthorId,
    NoteApId,
    Url,
    Title,
    Description,
    Subjects,
    Levels,
    Languages,
    Format,
    Region,
    Capacity,
    Available,
    State,
    StartsAt,
    EndsAt,
    PublishedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MentorshipRequest {
    Table,
    Id,
    ApId,
    OfferId,
    MenteeId,
    MentorId,
    Message,
    Goals,
    State,
    Reason,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum MentorshipAgreement {
    Table,
    Id,
    ApId,
    RequestId,
    OfferId,
    MentorId,
    MenteeId,
    State,
    Reflection,
    EndedById,
    CreatedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum MentorshipGoal {
    Table,
    Id,
    ApId,
    AgreementId,
    AuthorId,
    Title,
    Done,
    DoneAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MentorshipMeeting {
    Table,
    Id,
    ApId,
    AgreementId,
    AuthorId,
    HeldOn,
    Notes,
    NextSteps,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MentorshipMessage {
    Table,
    Id,
    ApId,
    AgreementId,
    AuthorId,
    Content,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MentorshipEvent {
    Table,
    Id,
    RecipientId,
    Kind,
    FromActorId,
    OfferId,
    RequestId,
    AgreementId,
    CreatedAt,
}

fn id_pk(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .primary_key()
        .to_owned()
}

fn id_col(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn id_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn unique_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(2048)
        .not_null()
        .unique_key()
        .to_owned()
}

fn int(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().to_owned()
}

fn flag(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use MentorshipAgreement as Ag;
        use MentorshipOffer as Of;
        use MentorshipRequest as Rq;
        manager
            .create_table(
                Table::create()
                    .table(Of::Table)
                    .col(id_pk(Of::Id))
                    .col(unique_text(Of::ApId))
                    .col(flag(Of::Local))
                    .col(id_col(Of::AuthorId))
                    .col(ColumnDef::new(Of::NoteApId).string_len(2048).null())
                    .col(text_null(Of::Url))
                    .col(text(Of::Title))
                    .col(text(Of::Description))
                    .col(text(Of::Subjects))
                    .col(text(Of::Levels))
                    .col(text(Of::Languages))
                    .col(text(Of::Format))
                    .col(text_null(Of::Region))
                    .col(int(Of::Capacity))
                    .col(int(Of::Available))
                    .col(text(Of::State))
                    .col(ts_null(Of::StartsAt))
                    .col(ts_null(Of::EndsAt))
                    .col(ts(Of::PublishedAt))
                    .col(ts(Of::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_mentorship_offer_author",
                Of::Table,
                vec![Of::AuthorId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_mentorship_offer_note",
                Of::Table,
                vec![Of::NoteApId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_mentorship_offer_state",
                Of::Table,
                vec![Of::State.into_iden(), Of::Id.into_iden()],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Rq::Table)
                    .col(id_pk(Rq::Id))
                    .col(unique_text(Rq::ApId))
                    .col(id_col(Rq::OfferId))
                    .col(id_col(Rq::MenteeId))
                    .col(id_col(Rq::MentorId))
                    .col(text(Rq::Message))
                    .col(text(Rq::Goals))
                    .col(text(Rq::State))
                    .col(text_null(Rq::Reason))
                    .col(ts(Rq::CreatedAt))
                    .col(ts_null(Rq::DecidedAt))
                    .to_owned(),
            )
            .await?;
        // One pending request per mentee and offer (a partial unique index, same SQL on SQLite
        // and PostgreSQL): after a decline, a withdrawal or an ended mentorship they may ask again.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_mentorship_request_offer_mentee \
                 ON mentorship_request (offer_id, mentee_id) WHERE state = 'pending'",
            )
            .await?;
        manager
            .create_index(index(
                "idx_mentorship_request_mentor",
                Rq::Table,
                vec![Rq::MentorId.into_iden(), Rq::Id.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_mentorship_request_mentee",
                Rq::Table,
                vec![Rq::MenteeId.into_iden(), Rq::Id.into_iden()],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Ag::Table)
                    .col(id_pk(Ag::Id))
                    .col(unique_text(Ag::ApId))
                    .col(
                        ColumnDef::new(Ag::RequestId)
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(id_col(Ag::OfferId))
                    .col(id_col(Ag::MentorId))
                    .col(id_col(Ag::MenteeId))
                    .col(text(Ag::State))
                    .col(text_null(Ag::Reflection))
                    .col(id_null(Ag::EndedById))
                    .col(ts(Ag::CreatedAt))
                    .col(ts_null(Ag::EndedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_mentorship_agreement_offer", Ag::OfferId),
            ("idx_mentorship_agreement_mentor", Ag::MentorId),
            ("idx_mentorship_agreement_mentee", Ag::MenteeId),
        ] {
            manager
                .create_index(index(name, Ag::Table, vec![col.into_iden()], false))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(MentorshipGoal::Table)
                    .col(id_pk(MentorshipGoal::Id))
                    .col(unique_text(MentorshipGoal::ApId))
                    .col(id_col(MentorshipGoal::AgreementId))
                    .col(id_col(MentorshipGoal::AuthorId))
                    .col(text(MentorshipGoal::Title))
                    .col(flag(MentorshipGoal::Done))
                    .col(ts_null(MentorshipGoal::DoneAt))
                    .col(ts(MentorshipGoal::CreatedAt))
                    .col(ts(MentorshipGoal::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MentorshipMeeting::Table)
                    .col(id_pk(MentorshipMeeting::Id))
                    .col(unique_text(MentorshipMeeting::ApId))
                    .col(id_col(MentorshipMeeting::AgreementId))
                    .col(id_col(MentorshipMeeting::AuthorId))
                    .col(text(MentorshipMeeting::HeldOn))
                    .col(text(MentorshipMeeting::Notes))
                    .col(text(MentorshipMeeting::NextSteps))
                    .col(ts(MentorshipMeeting::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MentorshipMessage::Table)
                    .col(id_pk(MentorshipMessage::Id))
                    .col(unique_text(MentorshipMessage::ApId))
                    .col(id_col(MentorshipMessage::AgreementId))
                    .col(id_col(MentorshipMessage::AuthorId))
                    .col(text(MentorshipMessage::Content))
                    .col(ts(MentorshipMessage::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "idx_mentorship_goal_agreement",
                MentorshipGoal::Table.into_iden(),
                MentorshipGoal::AgreementId.into_iden(),
            ),
            (
                "idx_mentorship_meeting_agreement",
                MentorshipMeeting::Table.into_iden(),
                MentorshipMeeting::AgreementId.into_iden(),
            ),
            (
                "idx_mentorship_message_agreement",
                MentorshipMessage::Table.into_iden(),
                MentorshipMessage::AgreementId.into_iden(),
            ),
        ] {
            manager
                .create_index(index(name, table, vec![col], false))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(MentorshipEvent::Table)
                    .col(id_pk(MentorshipEvent::Id))
                    .col(id_col(MentorshipEvent::RecipientId))
                    .col(text(MentorshipEvent::Kind))
                    .col(id_col(MentorshipEvent::FromActorId))
                    .col(id_null(MentorshipEvent::OfferId))
                    .col(id_null(MentorshipEvent::RequestId))
                    .col(id_null(MentorshipEvent::AgreementId))
                    .col(ts(MentorshipEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_mentorship_event_recipient",
                MentorshipEvent::Table,
                vec![
                    MentorshipEvent::RecipientId.into_iden(),
                    MentorshipEvent::Id.into_iden(),
                ],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MentorshipEvent::Table.into_iden(),
            MentorshipMessage::Table.into_iden(),
            MentorshipMeeting::Table.into_iden(),
            MentorshipGoal::Table.into_iden(),
            MentorshipAgreement::Table.into_iden(),
            MentorshipRequest::Table.into_iden(),
            MentorshipOffer::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
