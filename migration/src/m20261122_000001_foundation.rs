//! The foundation schema: actors, local users and tokens, posts with mentions and tags, follows,
//! favourites, the persistent delivery queue, remote host health and inbound de-duplication.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actor {
    Table,
    Id,
    ApId,
    Local,
    Kind,
    Username,
    Domain,
    DisplayName,
    Summary,
    Url,
    Inbox,
    SharedInbox,
    Outbox,
    FollowersUrl,
    FollowingUrl,
    PublicKeyId,
    PublicKeyPem,
    PrivateKeyPem,
    ManuallyApprovesFollowers,
    Discoverable,
    AvatarUrl,
    HeaderUrl,
    Stage,
    Subjects,
    Levels,
    Languages,
    Region,
    OpenToMentor,
    SeekingMentor,
    CreatedAt,
    UpdatedAt,
    LastFetchedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum LocalUser {
    Table,
    Id,
    ActorId,
    Email,
    PasswordHash,
    Role,
    Locale,
    MustChangePassword,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AccessToken {
    Table,
    Id,
    TokenHash,
    UserId,
    Scopes,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    ApId,
    Local,
    AuthorId,
    Url,
    Content,
    Source,
    Summary,
    Sensitive,
    Visibility,
    Language,
    InReplyToApId,
    InReplyToId,
    ReblogOfId,
    PublishedAt,
    EditedAt,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum PostMention {
    Table,
    PostId,
    ActorId,
}

#[derive(DeriveIden)]
enum PostTag {
    Table,
    PostId,
    Name,
}

#[derive(DeriveIden)]
enum Follow {
    Table,
    Id,
    ApId,
    FollowerId,
    FolloweeId,
    Accepted,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Favourite {
    Table,
    Id,
    ApId,
    ActorId,
    PostId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutgoingActivity {
    Table,
    Id,
    ApId,
    ActorId,
    Kind,
    Public,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Delivery {
    Table,
    Id,
    ActivityId,
    Inbox,
    Host,
    State,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RemoteHost {
    Table,
    Host,
    Software,
    FailureDays,
    LastFailureAt,
    LastSuccessAt,
    Unavailable,
}

#[derive(DeriveIden)]
enum ReceivedActivity {
    Table,
    ApId,
    ReceivedAt,
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

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn flag(col: impl IntoIden, default: bool) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
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
        manager
            .create_table(
                Table::create()
                    .table(Actor::Table)
                    .col(id_pk(Actor::Id))
                    .col(text(Actor::ApId).unique_key())
                    .col(flag(Actor::Local, false))
                    .col(text(Actor::Kind))
                    .col(text(Actor::Username))
                    .col(text(Actor::Domain))
                    .col(text(Actor::DisplayName))
                    .col(text(Actor::Summary))
                    .col(text_null(Actor::Url))
                    .col(text(Actor::Inbox))
                    .col(text_null(Actor::SharedInbox))
                    .col(text_null(Actor::Outbox))
                    .col(text_null(Actor::FollowersUrl))
                    .col(text_null(Actor::FollowingUrl))
                    .col(text(Actor::PublicKeyId))
                    .col(text(Actor::PublicKeyPem))
                    .col(text_null(Actor::PrivateKeyPem))
                    .col(flag(Actor::ManuallyApprovesFollowers, false))
                    .col(flag(Actor::Discoverable, true))
                    .col(text_null(Actor::AvatarUrl))
                    .col(text_null(Actor::HeaderUrl))
                    .col(text_null(Actor::Stage))
                    .col(text(Actor::Subjects).default("[]"))
                    .col(text(Actor::Levels).default("[]"))
                    .col(text(Actor::Languages).default("[]"))
                    .col(text_null(Actor::Region))
                    .col(flag(Actor::OpenToMentor, false))
                    .col(flag(Actor::SeekingMentor, false))
                    .col(ts(Actor::CreatedAt))
                    .col(ts(Actor::UpdatedAt))
                    .col(ts_null(Actor::LastFetchedAt))
                    .col(ts_null(Actor::DeletedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_actor_username_domain",
                Actor::Table,
                vec![Actor::Username.into_iden(), Actor::Domain.into_iden()],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LocalUser::Table)
                    .col(id_pk(LocalUser::Id))
                    .col(fk_id(LocalUser::ActorId).unique_key())
                    .col(text(LocalUser::Email).unique_key())
                    .col(text(LocalUser::PasswordHash))
                    .col(text(LocalUser::Role))
                    .col(text_null(LocalUser::Locale))
                    .col(flag(LocalUser::MustChangePassword, false))
                    .col(ts(LocalUser::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LocalUser::Table, LocalUser::ActorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccessToken::Table)
                    .col(id_pk(AccessToken::Id))
                    .col(text(AccessToken::TokenHash).unique_key())
                    .col(fk_id(AccessToken::UserId))
                    .col(text(AccessToken::Scopes))
                    .col(ts(AccessToken::CreatedAt))
                    .col(ts_null(AccessToken::LastUsedAt))
                    .col(ts_null(AccessToken::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccessToken::Table, AccessToken::UserId)
                            .to(LocalUser::Table, LocalUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Post::Table)
                    .col(id_pk(Post::Id))
                    .col(text(Post::ApId).unique_key())
                    .col(flag(Post::Local, false))
                    .col(fk_id(Post::AuthorId))
                    .col(text_null(Post::Url))
                    .col(text(Post::Content))
                    .col(text_null(Post::Source))
                    .col(text_null(Post::Summary))
                    .col(flag(Post::Sensitive, false))
                    .col(text(Post::Visibility))
                    .col(text_null(Post::Language))
                    .col(text_null(Post::InReplyToApId))
                    .col(ColumnDef::new(Post::InReplyToId).big_integer().null())
                    .col(ColumnDef::new(Post::ReblogOfId).big_integer().null())
                    .col(ts(Post::PublishedAt))
                    .col(ts_null(Post::EditedAt))
                    .col(ts(Post::CreatedAt))
                    .col(ts_null(Post::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Post::Table, Post::AuthorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_post_author", Post::AuthorId),
            ("idx_post_in_reply_to", Post::InReplyToId),
            ("idx_post_reblog_of", Post::ReblogOfId),
        ] {
            manager
                .create_index(index(
                    name,
                    Post::Table,
                    vec![col.into_iden(), Post::Id.into_iden()],
                    false,
                ))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(PostMention::Table)
                    .col(fk_id(PostMention::PostId))
                    .col(fk_id(PostMention::ActorId))
                    .primary_key(
                        Index::create()
                            .col(PostMention::PostId)
                            .col(PostMention::ActorId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostMention::Table, PostMention::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostMention::Table, PostMention::ActorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_post_mention_actor",
                PostMention::Table,
                vec![
                    PostMention::ActorId.into_iden(),
                    PostMention::PostId.into_iden(),
                ],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PostTag::Table)
                    .col(fk_id(PostTag::PostId))
                    .col(text(PostTag::Name))
                    .primary_key(Index::create().col(PostTag::PostId).col(PostTag::Name))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostTag::Table, PostTag::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_post_tag_name",
                PostTag::Table,
                vec![PostTag::Name.into_iden(), PostTag::PostId.into_iden()],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Follow::Table)
                    .col(id_pk(Follow::Id))
                    .col(text(Follow::ApId).unique_key())
                    .col(fk_id(Follow::FollowerId))
                    .col(fk_id(Follow::FolloweeId))
                    .col(flag(Follow::Accepted, false))
                    .col(ts(Follow::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Follow::Table, Follow::FollowerId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Follow::Table, Follow::FolloweeId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_follow_pair",
                Follow::Table,
                vec![
                    Follow::FollowerId.into_iden(),
                    Follow::FolloweeId.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_follow_followee",
                Follow::Table,
                vec![Follow::FolloweeId.into_iden(), Follow::Id.into_iden()],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Favourite::Table)
                    .col(id_pk(Favourite::Id))
                    .col(text(Favourite::ApId).unique_key())
                    .col(fk_id(Favourite::ActorId))
                    .col(fk_id(Favourite::PostId))
                    .col(ts(Favourite::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Favourite::Table, Favourite::ActorId)
                            .to(Actor::Table, Actor::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Favourite::Table, Favourite::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_favourite_pair",
                Favourite::Table,
                vec![
                    Favourite::ActorId.into_iden(),
                    Favourite::PostId.into_iden(),
                ],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutgoingActivity::Table)
                    .col(id_pk(OutgoingActivity::Id))
                    .col(text(OutgoingActivity::ApId).unique_key())
                    .col(fk_id(OutgoingActivity::ActorId))
                    .col(text(OutgoingActivity::Kind))
                    .col(flag(OutgoingActivity::Public, false))
                    .col(text(OutgoingActivity::Body))
                    .col(ts(OutgoingActivity::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Delivery::Table)
                    .col(id_pk(Delivery::Id))
                    .col(fk_id(Delivery::ActivityId))
                    .col(text(Delivery::Inbox))
                    .col(text(Delivery::Host))
                    .col(text(Delivery::State))
                    .col(
                        ColumnDef::new(Delivery::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts(Delivery::NextAttemptAt))
                    .col(ts_null(Delivery::LockedUntil))
                    .col(text_null(Delivery::LastError))
                    .col(ts(Delivery::CreatedAt))
                    .col(ts(Delivery::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Delivery::Table, Delivery::ActivityId)
                            .to(OutgoingActivity::Table, OutgoingActivity::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_delivery_activity_inbox",
                Delivery::Table,
                vec![
                    Delivery::ActivityId.into_iden(),
                    Delivery::Inbox.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_delivery_due",
                Delivery::Table,
                vec![
                    Delivery::State.into_iden(),
                    Delivery::NextAttemptAt.into_iden(),
                ],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RemoteHost::Table)
                    .col(
                        ColumnDef::new(RemoteHost::Host)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text_null(RemoteHost::Software))
                    .col(
                        ColumnDef::new(RemoteHost::FailureDays)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts_null(RemoteHost::LastFailureAt))
                    .col(ts_null(RemoteHost::LastSuccessAt))
                    .col(flag(RemoteHost::Unavailable, false))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReceivedActivity::Table)
                    .col(
                        ColumnDef::new(ReceivedActivity::ApId)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ts(ReceivedActivity::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReceivedActivity::Table.into_iden(),
            RemoteHost::Table.into_iden(),
            Delivery::Table.into_iden(),
            OutgoingActivity::Table.into_iden(),
            Favourite::Table.into_iden(),
            Follow::Table.into_iden(),
            PostTag::Table.into_iden(),
            PostMention::Table.into_iden(),
            Post::Table.into_iden(),
            AccessToken::Table.into_iden(),
            LocalUser::Table.into_iden(),
            Actor::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
