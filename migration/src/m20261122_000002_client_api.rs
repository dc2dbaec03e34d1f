//! The Mastodon client API schema: OAuth apps, codes and tokens (replacing `access_token`), media,
//! notifications, bookmarks, blocks, mutes, lists, markers, polls, filters, followed tags, the
//! per-user home feed, edit history, idempotency keys, reports, and the new columns on actors,
//! users, follows and posts that clients read.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthApp {
    Table,
    Id,
    ClientId,
    ClientSecretHash,
    Name,
    Website,
    RedirectUris,
    Scopes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OauthCode {
    Table,
    Id,
    CodeHash,
    AppId,
    UserId,
    RedirectUri,
    Scopes,
    CodeChallenge,
    CodeChallengeMethod,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OauthToken {
    Table,
    Id,
    TokenHash,
    RefreshTokenHash,
    AppId,
    UserId,
    Scopes,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
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
enum MediaAttachment {
    Table,
    Id,
    ActorId,
    PostId,
    Position,
    Kind,
    ContentType,
    FileName,
    PreviewFileName,
    RemoteUrl,
    Description,
    Blurhash,
    Width,
    Height,
    SmallWidth,
    SmallHeight,
    SizeBytes,
    FocusX,
    FocusY,
    Processed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    RecipientId,
    Kind,
    FromActorId,
    PostId,
    ReportId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Bookmark {
    Table,
    Id,
    ActorId,
    PostId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Block {
    Table,
    Id,
    ApId,
    ActorId,
    TargetId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Mute {
    Table,
    Id,
    ActorId,
    TargetId,
    HideNotifications,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserList {
    Table,
    Id,
    OwnerId,
    Title,
    RepliesPolicy,
    Exclusive,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ListMember {
    Table,
    ListId,
    ActorId,
}

#[derive(DeriveIden)]
enum Marker {
    Table,
    OwnerId,
    Timeline,
    LastReadId,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Poll {
    Table,
    PostId,
    Options,
    VoteCounts,
    Multiple,
    HideTotals,
    VotersCount,
    ExpiresAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PollVote {
    Table,
    Id,
    ApId,
    PostId,
    ActorId,
    Choice,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Filter {
    Table,
    Id,
    OwnerId,
    Title,
    Context,
    Action,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FilterKeyword {
    Table,
    Id,
    FilterId,
    Keyword,
    WholeWord,
}

#[derive(DeriveIden)]
enum FilterStatus {
    Table,
    Id,
    FilterId,
    PostId,
}

#[derive(DeriveIden)]
enum FollowedTag {
    Table,
    Id,
    ActorId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum HomeFeed {
    Table,
    OwnerId,
    PostId,
    AuthorId,
}

#[derive(DeriveIden)]
enum PostEdit {
    Table,
    Id,
    PostId,
    Content,
    Summary,
    Sensitive,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    ActorId,
    Key,
    PostId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Report {
    Table,
    Id,
    ApId,
    ReporterId,
    TargetId,
    StatusIds,
    Comment,
    Category,
    RuleIds,
    Forwarded,
    ActionTakenAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Actor {
    Table,
    Fields,
    Bot,
}

#[derive(DeriveIden)]
enum LocalUser {
    Table,
    NoteSource,
    DefaultVisibility,
    DefaultSensitive,
    DefaultLanguage,
}

#[derive(DeriveIden)]
enum Follow {
    Table,
    ShowReblogs,
    Notify,
    Languages,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    ApplicationId,
}

#[derive(DeriveIden)]
enum Favourite {
    Table,
    Id,
    PostId,
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

fn int(col: impl IntoIden, default: i32) -> ColumnDef {
    ColumnDef::new(col)
        .integer()
        .not_null()
        .default(default)
        .to_owned()
}

fn int_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().null().to_owned()
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

fn fk_id_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
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
    col: ColumnDef,
) -> Result<(), DbErr> {
    let mut col = col;
    manager
        .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // OAuth: apps, authorization codes, tokens.
        manager
            .create_table(
                Table::create()
                    .table(OauthApp::Table)
                    .col(id_pk(OauthApp::Id))
                    .col(text(OauthApp::ClientId).unique_key())
                    .col(text(OauthApp::ClientSecretHash))
                    .col(text(OauthApp::Name))
                    .col(text_null(OauthApp::Website))
                    .col(text(OauthApp::RedirectUris))
                    .col(text(OauthApp::Scopes))
                    .col(ts(OauthApp::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthCode::Table)
                    .col(id_pk(OauthCode::Id))
                    .col(text(OauthCode::CodeHash).unique_key())
                    .col(fk_id(OauthCode::AppId))
                    .col(fk_id(OauthCode::UserId))
                    .col(text(OauthCode::RedirectUri))
                    .col(text(OauthCode::Scopes))
                    .col(text_null(OauthCode::CodeChallenge))
                    .col(text_null(OauthCode::CodeChallengeMethod))
                    .col(ts(OauthCode::ExpiresAt))
                    .col(ts(OauthCode::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthToken::Table)
                    .col(id_pk(OauthToken::Id))
                    .col(text(OauthToken::TokenHash).unique_key())
                    .col(text_null(OauthToken::RefreshTokenHash).unique_key())
                    .col(fk_id_null(OauthToken::AppId))
                    // Null for client-credentials tokens (an app acting as itself).
                    .col(fk_id_null(OauthToken::UserId))
                    .col(text(OauthToken::Scopes))
                    .col(ts(OauthToken::CreatedAt))
                    .col(ts_null(OauthToken::LastUsedAt))
                    .col(ts_null(OauthToken::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_oauth_token_user",
                OauthToken::Table,
                vec![OauthToken::UserId.into_iden()],
                false,
            ))
            .await?;
        // Tokens minted by the CLI before this migration keep working.
        let copy = Query::insert()
            .into_table(OauthToken::Table)
            .columns([
                OauthToken::Id,
                OauthToken::TokenHash,
                OauthToken::UserId,
                OauthToken::Scopes,
                OauthToken::CreatedAt,
                OauthToken::LastUsedAt,
                OauthToken::RevokedAt,
            ])
            .select_from(
                Query::select()
                    .columns([
                        AccessToken::Id,
                        AccessToken::TokenHash,
                        AccessToken::UserId,
                        AccessToken::Scopes,
                        AccessToken::CreatedAt,
                        AccessToken::LastUsedAt,
                        AccessToken::RevokedAt,
                    ])
                    .from(AccessToken::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.exec_stmt(copy).await?;
        manager
            .drop_table(Table::drop().table(AccessToken::Table).to_owned())
            .await?;

        // Media.
        manager
            .create_table(
                Table::create()
                    .table(MediaAttachment::Table)
                    .col(id_pk(MediaAttachment::Id))
                    .col(fk_id(MediaAttachment::ActorId))
                    .col(fk_id_null(MediaAttachment::PostId))
                    .col(int(MediaAttachment::Position, 0))
                    // image, gifv, video, audio or unknown.
                    .col(text(MediaAttachment::Kind))
                    .col(text_null(MediaAttachment::ContentType))
                    .col(text_null(MediaAttachment::FileName))
                    .col(text_null(MediaAttachment::PreviewFileName))
                    .col(text_null(MediaAttachment::RemoteUrl))
                    .col(text_null(MediaAttachment::Description))
                    .col(text_null(MediaAttachment::Blurhash))
                    .col(int_null(MediaAttachment::Width))
                    .col(int_null(MediaAttachment::Height))
                    .col(int_null(MediaAttachment::SmallWidth))
                    .col(int_null(MediaAttachment::SmallHeight))
                    .col(
                        ColumnDef::new(MediaAttachment::SizeBytes)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(MediaAttachment::FocusX).double().null())
                    .col(ColumnDef::new(MediaAttachment::FocusY).double().null())
                    .col(flag(MediaAttachment::Processed, false))
                    .col(ts(MediaAttachment::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_media_post",
                MediaAttachment::Table,
                vec![
                    MediaAttachment::PostId.into_iden(),
                    MediaAttachment::Position.into_iden(),
                ],
                false,
            ))
            .await?;

        // Notifications, newest first per recipient.
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(id_pk(Notification::Id))
                    .col(fk_id(Notification::RecipientId))
                    // Mastodon's notification type: mention, status, reblog, follow, …
                    .col(text(Notification::Kind))
                    .col(fk_id(Notification::FromActorId))
                    .col(fk_id_null(Notification::PostId))
                    .col(fk_id_null(Notification::ReportId))
                    .col(ts(Notification::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_notification_recipient",
                Notification::Table,
                vec![
                    Notification::RecipientId.into_iden(),
                    Notification::Id.into_iden(),
                ],
                false,
            ))
            .await?;

        // Bookmarks, blocks, mutes: one row per (actor, target).
        manager
            .create_table(
                Table::create()
                    .table(Bookmark::Table)
                    .col(id_pk(Bookmark::Id))
                    .col(fk_id(Bookmark::ActorId))
                    .col(fk_id(Bookmark::PostId))
                    .col(ts(Bookmark::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_bookmark_pair",
                Bookmark::Table,
                vec![Bookmark::ActorId.into_iden(), Bookmark::PostId.into_iden()],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Block::Table)
                    .col(id_pk(Block::Id))
                    .col(text(Block::ApId).unique_key())
                    .col(fk_id(Block::ActorId))
                    .col(fk_id(Block::TargetId))
                    .col(ts(Block::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_block_pair",
                Block::Table,
                vec![Block::ActorId.into_iden(), Block::TargetId.into_iden()],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_block_target",
                Block::Table,
                vec![Block::TargetId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Mute::Table)
                    .col(id_pk(Mute::Id))
                    .col(fk_id(Mute::ActorId))
                    .col(fk_id(Mute::TargetId))
                    .col(flag(Mute::HideNotifications, true))
                    .col(ts_null(Mute::ExpiresAt))
                    .col(ts(Mute::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_mute_pair",
                Mute::Table,
                vec![Mute::ActorId.into_iden(), Mute::TargetId.into_iden()],
                true,
            ))
            .await?;

        // Lists.
        manager
            .create_table(
                Table::create()
                    .table(UserList::Table)
                    .col(id_pk(UserList::Id))
                    .col(fk_id(UserList::OwnerId))
                    .col(text(UserList::Title))
                    .col(text(UserList::RepliesPolicy).default("list"))
                    .col(flag(UserList::Exclusive, false))
                    .col(ts(UserList::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_user_list_owner",
                UserList::Table,
                vec![UserList::OwnerId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ListMember::Table)
                    .col(fk_id(ListMember::ListId))
                    .col(fk_id(ListMember::ActorId))
                    .primary_key(
                        Index::create()
                            .col(ListMember::ListId)
                            .col(ListMember::ActorId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_list_member_actor",
                ListMember::Table,
                vec![ListMember::ActorId.into_iden()],
                false,
            ))
            .await?;

        // Markers (reading positions).
        manager
            .create_table(
                Table::create()
                    .table(Marker::Table)
                    .col(fk_id(Marker::OwnerId))
                    .col(text(Marker::Timeline))
                    .col(text(Marker::LastReadId))
                    .col(int(Marker::Version, 0))
                    .col(ts(Marker::UpdatedAt))
                    .primary_key(Index::create().col(Marker::OwnerId).col(Marker::Timeline))
                    .to_owned(),
            )
            .await?;

        // Polls: one per post; options and counts as JSON arrays.
        manager
            .create_table(
                Table::create()
                    .table(Poll::Table)
                    .col(id_pk(Poll::PostId))
                    .col(text(Poll::Options))
                    .col(text(Poll::VoteCounts))
                    .col(flag(Poll::Multiple, false))
                    .col(flag(Poll::HideTotals, false))
                    .col(int(Poll::VotersCount, 0))
                    .col(ts_null(Poll::ExpiresAt))
                    .col(ts(Poll::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PollVote::Table)
                    .col(id_pk(PollVote::Id))
                    .col(text(PollVote::ApId).unique_key())
                    .col(fk_id(PollVote::PostId))
                    .col(fk_id(PollVote::ActorId))
                    .col(int(PollVote::Choice, 0))
                    .col(ts(PollVote::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_poll_vote_choice",
                PollVote::Table,
                vec![
                    PollVote::PostId.into_iden(),
                    PollVote::ActorId.into_iden(),
                    PollVote::Choice.into_iden(),
                ],
                true,
            ))
            .await?;

        // Filters (v2 shape; v1 filters are one keyword each).
        manager
            .create_table(
                Table::create()
                    .table(Filter::Table)
                    .col(id_pk(Filter::Id))
                    .col(fk_id(Filter::OwnerId))
                    .col(text(Filter::Title))
                    // JSON array: home, notifications, public, thread, account.
                    .col(text(Filter::Context))
                    // warn, hide or blur.
                    .col(text(Filter::Action))
                    .col(ts_null(Filter::ExpiresAt))
                    .col(ts(Filter::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_filter_owner",
                Filter::Table,
                vec![Filter::OwnerId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FilterKeyword::Table)
                    .col(id_pk(FilterKeyword::Id))
                    .col(fk_id(FilterKeyword::FilterId))
                    .col(text(FilterKeyword::Keyword))
                    .col(flag(FilterKeyword::WholeWord, true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_filter_keyword_filter",
                FilterKeyword::Table,
                vec![FilterKeyword::FilterId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FilterStatus::Table)
                    .col(id_pk(FilterStatus::Id))
                    .col(fk_id(FilterStatus::FilterId))
                    .col(fk_id(FilterStatus::PostId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_filter_status_filter",
                FilterStatus::Table,
                vec![FilterStatus::FilterId.into_iden()],
                false,
            ))
            .await?;

        // Followed hashtags.
        manager
            .create_table(
                Table::create()
                    .table(FollowedTag::Table)
                    .col(id_pk(FollowedTag::Id))
                    .col(fk_id(FollowedTag::ActorId))
                    .col(text(FollowedTag::Name))
                    .col(ts(FollowedTag::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_followed_tag_pair",
                FollowedTag::Table,
                vec![
                    FollowedTag::ActorId.into_iden(),
                    FollowedTag::Name.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_followed_tag_name",
                FollowedTag::Table,
                vec![FollowedTag::Name.into_iden()],
                false,
            ))
            .await?;

        // The materialised home feed: one row per (owner, status) written at delivery time.
        manager
            .create_table(
                Table::create()
                    .table(HomeFeed::Table)
                    .col(fk_id(HomeFeed::OwnerId))
                    .col(fk_id(HomeFeed::PostId))
                    // Who put it there (the author, or the booster for a boost).
                    .col(fk_id(HomeFeed::AuthorId))
                    .primary_key(Index::create().col(HomeFeed::OwnerId).col(HomeFeed::PostId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_home_feed_post",
                HomeFeed::Table,
                vec![HomeFeed::PostId.into_iden()],
                false,
            ))
            .await?;

        // Edit history: one row per earlier revision.
        manager
            .create_table(
                Table::create()
                    .table(PostEdit::Table)
                    .col(id_pk(PostEdit::Id))
                    .col(fk_id(PostEdit::PostId))
                    .col(text(PostEdit::Content))
                    .col(text_null(PostEdit::Summary))
                    .col(flag(PostEdit::Sensitive, false))
                    .col(ts(PostEdit::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_post_edit_post",
                PostEdit::Table,
                vec![PostEdit::PostId.into_iden(), PostEdit::Id.into_iden()],
                false,
            ))
            .await?;

        // Idempotency-Key → the status it created (kept for a day).
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(fk_id(IdempotencyKey::ActorId))
                    .col(text(IdempotencyKey::Key))
                    .col(fk_id(IdempotencyKey::PostId))
                    .col(ts(IdempotencyKey::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKey::ActorId)
                            .col(IdempotencyKey::Key),
                    )
                    .to_owned(),
            )
            .await?;

        // Reports (local and received as Flag).
        manager
            .create_table(
                Table::create()
                    .table(Report::Table)
                    .col(id_pk(Report::Id))
                    .col(text(Report::ApId).unique_key())
                    .col(fk_id(Report::ReporterId))
                    .col(fk_id(Report::TargetId))
                    .col(text(Report::StatusIds).default("[]"))
                    .col(text(Report::Comment).default(""))
                    .col(text(Report::Category).default("other"))
                    .col(text(Report::RuleIds).default("[]"))
                    .col(flag(Report::Forwarded, false))
                    .col(ts_null(Report::ActionTakenAt))
                    .col(ts(Report::CreatedAt))
                    .to_owned(),
            )
            .await?;

        // New columns on existing tables.
        add_column(
            manager,
            Actor::Table,
            text(Actor::Fields).default("[]").to_owned(),
        )
        .await?;
        add_column(manager, Actor::Table, flag(Actor::Bot, false)).await?;
        add_column(manager, LocalUser::Table, text_null(LocalUser::NoteSource)).await?;
        add_column(
            manager,
            LocalUser::Table,
            text(LocalUser::DefaultVisibility)
                .default("public")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            LocalUser::Table,
            flag(LocalUser::DefaultSensitive, false),
        )
        .await?;
        add_column(
            manager,
            LocalUser::Table,
            text_null(LocalUser::DefaultLanguage),
        )
        .await?;
        add_column(manager, Follow::Table, flag(Follow::ShowReblogs, true)).await?;
        add_column(manager, Follow::Table, flag(Follow::Notify, false)).await?;
        add_column(manager, Follow::Table, text_null(Follow::Languages)).await?;
        add_column(manager, Post::Table, fk_id_null(Post::ApplicationId)).await?;
        manager
            .create_index(index(
                "idx_favourite_post",
                Favourite::Table,
                vec![Favourite::PostId.into_iden(), Favourite::Id.into_iden()],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // `access_token` was merged into `oauth_token` and columns were added to existing
        // tables; restore from a backup instead of pretending to undo that.
        Err(DbErr::Migration(
            "the client API migration is irreversible; restore a backup instead".into(),
        ))
    }
}
