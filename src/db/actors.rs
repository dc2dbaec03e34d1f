//! Queries on `actor`: lookups by id, ap_id and handle, inserting local actors, upserting remote
//! ones, and the follower inbox lists deliveries go to.
use crate::{
    db::entity::{actor, follow},
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QuerySelect, RelationTrait, Set, sea_query::Expr,
};

/// An actor by primary key, or 404.
pub async fn get_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<actor::Model> {
    actor::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("account not found"))
}

/// An actor by its ActivityPub id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<actor::Model>> {
    Ok(actor::Entity::find()
        .filter(actor::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// A live local actor by username (case-insensitive).
pub async fn find_local(
    db: &impl ConnectionTrait,
    username: &str,
) -> AppResult<Option<actor::Model>> {
    Ok(find_local_any(db, username)
        .await?
        .filter(|a| a.deleted_at.is_none()))
}

/// Whether a local actor awaits approval (its sign-up is pending): such accounts are not
/// served over ActivityPub or WebFinger until staff approve them.
pub async fn is_pending_approval(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<bool> {
    use crate::db::entity::local_user;
    Ok(local_user::Entity::find()
        .filter(local_user::Column::ActorId.eq(actor_id))
        .filter(local_user::Column::Approval.eq("pending"))
        .one(db)
        .await?
        .is_some())
}

/// A live local actor by username that other servers may see: not deleted, not pending.
pub async fn find_local_served(
    db: &impl ConnectionTrait,
    username: &str,
) -> AppResult<Option<actor::Model>> {
    match find_local(db, username).await? {
        Some(a) if is_pending_approval(db, a.id).await? => Ok(None),
        other => Ok(other),
    }
}

/// An actor by `username@domain`, local or remote.
pub async fn find_by_handle(
    db: &impl ConnectionTrait,
    username: &str,
    domain: &str,
) -> AppResult<Option<actor::Model>> {
    Ok(actor::Entity::find()
        .filter(actor::Column::Username.eq(username))
        .filter(actor::Column::Domain.eq(domain.to_lowercase()))
        .one(db)
        .await?)
}

/// Inserts a new actor row.
pub async fn insert(
    db: &impl ConnectionTrait,
    model: actor::ActiveModel,
) -> AppResult<actor::Model> {
    model.insert(db).await.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::Conflict("that username is taken".into())
        } else {
            e.into()
        }
    })
}

/// Marks an actor deleted (its posts and follows are removed by the caller's service).
pub async fn mark_deleted(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    actor::Entity::update_many()
        .col_expr(actor::Column::DeletedAt, Expr::value(Utc::now()))
        .filter(actor::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Brings back an actor marked deleted (a lifted suspension).
pub async fn clear_deleted(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    actor::Entity::update_many()
        .col_expr(
            actor::Column::DeletedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(actor::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// What we keep of a remote actor document.
#[derive(Debug, Clone)]
pub struct RemoteActor {
    pub ap_id: String,
    pub kind: String,
    pub username: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub outbox: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub public_key_id: String,
    pub public_key_pem: String,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub stage: Option<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub region: Option<String>,
    pub open_to_mentor: bool,
    pub seeking_mentor: bool,
    pub published: Option<DateTime<Utc>>,
    /// `alsoKnownAs` ids.
    pub also_known_as: Vec<String>,
    /// `movedTo`.
    pub moved_to: Option<String>,
}

/// Profile fields as stored in `actor.fields`.
pub fn fields_json(fields: &[(String, String)]) -> String {
    let list: Vec<serde_json::Value> = fields
        .iter()
        .map(|(name, value)| serde_json::json!({"name": name, "value": value, "verified_at": null}))
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// Replaces an actor's profile fields (`(name, HTML value)` pairs); returns the stored JSON.
pub async fn set_fields(
    db: &impl ConnectionTrait,
    id: i64,
    fields: &[(String, String)],
) -> AppResult<String> {
    let json = fields_json(fields);
    actor::Entity::update_many()
        .col_expr(actor::Column::Fields, Expr::value(json.clone()))
        .filter(actor::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(json)
}

fn json_list(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Inserts or refreshes a remote actor by `ap_id`. If another row already holds the same
/// `username@domain` (an account re-created under a new id), that older row is renamed.
pub async fn upsert_remote(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    remote: RemoteActor,
) -> AppResult<actor::Model> {
    let now = Utc::now();
    let existing = find_by_ap_id(db, &remote.ap_id).await?;
    if let Some(clash) = find_by_handle(db, &remote.username, &remote.domain).await?
        && Some(clash.id) != existing.as_ref().map(|e| e.id)
    {
        actor::Entity::update_many()
            .col_expr(
                actor::Column::Username,
                Expr::value(format!("{}~{}", clash.username, clash.id)),
            )
            .filter(actor::Column::Id.eq(clash.id))
            .exec(db)
            .await?;
    }
    let mut row = match &existing {
        Some(model) => actor::ActiveModel::from(model.clone()),
        None => actor::ActiveModel {
            id: Set(ids.for_time(remote.published.unwrap_or(now))),
            ap_id: Set(remote.ap_id.clone()),
            local: Set(false),
            private_key_pem: Set(None),
            created_at: Set(remote.published.unwrap_or(now)),
            deleted_at: Set(None),
            ..Default::default()
        },
    };
    // The server serves the actor again (e.g. after a domain block was lifted): it comes back,
    // unless moderators here suspended it.
    if existing.as_ref().is_some_and(|e| e.suspended_at.is_none()) {
        row.deleted_at = Set(None);
    }
    row.kind = Set(remote.kind);
    row.username = Set(remote.username);
    row.domain = Set(remote.domain.to_lowercase());
    row.display_name = Set(remote.display_name);
    row.summary = Set(remote.summary);
    row.url = Set(remote.url);
    row.inbox = Set(remote.inbox);
    row.shared_inbox = Set(remote.shared_inbox);
    row.outbox = Set(remote.outbox);
    row.followers_url = Set(remote.followers_url);
    row.following_url = Set(remote.following_url);
    row.public_key_id = Set(remote.public_key_id);
    row.public_key_pem = Set(remote.public_key_pem);
    row.manually_approves_followers = Set(remote.manually_approves_followers);
    row.discoverable = Set(remote.discoverable);
    row.avatar_url = Set(remote.avatar_url);
    row.header_url = Set(remote.header_url);
    row.stage = Set(remote.stage);
    row.subjects = Set(json_list(&remote.subjects));
    row.levels = Set(json_list(&remote.levels));
    row.languages = Set(json_list(&remote.languages));
    row.region = Set(remote.region);
    row.open_to_mentor = Set(remote.open_to_mentor);
    row.seeking_mentor = Set(remote.seeking_mentor);
    row.bot = Set(matches!(
        row.kind.as_ref().as_str(),
        "Service" | "Application"
    ));
    row.also_known_as = Set(json_list(&remote.also_known_as));
    // The document says where the account moved; the first time it says so is when it moved.
    if remote.moved_to.is_none() {
        row.moved_at = Set(None);
    } else if existing.as_ref().and_then(|e| e.moved_to_ap_id.as_ref()) != remote.moved_to.as_ref()
    {
        row.moved_at = Set(Some(now));
    }
    row.moved_to_ap_id = Set(remote.moved_to);
    row.updated_at = Set(now);
    row.last_fetched_at = Set(Some(now));
    if existing.is_some() {
        return Ok(row.update(db).await?);
    }
    // A concurrent fetch of the same actor may have stored it first: that row stands.
    crate::db::insert_unless_taken(db, row).await?;
    find_by_ap_id(db, &remote.ap_id).await?.ok_or_else(|| {
        AppError::Conflict(format!(
            "another account already holds the handle of {}",
            remote.ap_id
        ))
    })
}

/// Which side of the follow relation to collect inboxes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The actor's accepted followers.
    Followers,
    /// The accounts the actor follows (accepted or pending).
    Following,
}

/// The distinct delivery inboxes (shared inbox when known) of an actor's remote followers or
/// followees.
pub async fn remote_inboxes(
    db: &impl ConnectionTrait,
    actor_id: i64,
    side: Side,
) -> AppResult<Vec<String>> {
    let mut query = actor::Entity::find()
        .select_only()
        .column(actor::Column::SharedInbox)
        .column(actor::Column::Inbox)
        .filter(actor::Column::Local.eq(false))
        .filter(actor::Column::DeletedAt.is_null());
    query = match side {
        Side::Followers => query
            .join_rev(JoinType::InnerJoin, follow::Relation::Follower.def())
            .filter(follow::Column::FolloweeId.eq(actor_id))
            .filter(follow::Column::Accepted.eq(true)),
        Side::Following => query
            .join_rev(JoinType::InnerJoin, follow::Relation::Followee.def())
            .filter(follow::Column::FollowerId.eq(actor_id)),
    };
    let rows: Vec<(Option<String>, String)> = query.into_tuple().all(db).await?;
    let mut inboxes: Vec<String> = rows
        .into_iter()
        .map(|(shared, inbox)| shared.unwrap_or(inbox))
        .collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// The delivery inboxes of an actor's accepted remote followers.
pub async fn follower_inboxes(
    db: &impl ConnectionTrait,
    followee_id: i64,
) -> AppResult<Vec<String>> {
    remote_inboxes(db, followee_id, Side::Followers).await
}

/// A local actor by username (case-insensitive), deleted or not.
pub async fn find_local_any(
    db: &impl ConnectionTrait,
    username: &str,
) -> AppResult<Option<actor::Model>> {
    Ok(actor::Entity::find()
        .filter(actor::Column::Local.eq(true))
        .filter(actor::Column::Username.eq(username.to_lowercase()))
        .one(db)
        .await?)
}

/// Local actors (with their user rows) for the admin listing, oldest first.
pub async fn list_local(db: &impl ConnectionTrait) -> AppResult<Vec<actor::Model>> {
    use sea_orm::QueryOrder;
    Ok(actor::Entity::find()
        .filter(actor::Column::Local.eq(true))
        .filter(actor::Column::Kind.eq("Person"))
        .order_by_asc(actor::Column::Id)
        .all(db)
        .await?)
}

/// The actor whose public key has id `key_id`.
pub async fn find_by_key_id(
    db: &impl ConnectionTrait,
    key_id: &str,
) -> AppResult<Option<actor::Model>> {
    Ok(actor::Entity::find()
        .filter(actor::Column::PublicKeyId.eq(key_id))
        .one(db)
        .await?)
}

/// Which of an account's statuses a profile listing shows.
#[derive(Debug, Clone, Default)]
pub struct StatusFilter {
    /// Visibilities the viewer may see (`public`, `unlisted`, `private`).
    pub visibilities: Vec<&'static str>,
    /// Only statuses with media attachments.
    pub only_media: bool,
    /// No replies, except replies to the account's own statuses (threads).
    pub exclude_replies: bool,
    /// No boosts.
    pub exclude_reblogs: bool,
    /// Only statuses with this hashtag (lowercase, without `#`).
    pub tagged: Option<String>,
}

/// A page of an account's statuses (boosts included unless excluded), newest first.
pub async fn statuses_page(
    db: &impl ConnectionTrait,
    author_id: i64,
    filter: &StatusFilter,
    cursor: crate::db::paging::Cursor,
) -> AppResult<Vec<crate::db::entity::post::Model>> {
    use crate::db::entity::{media_attachment, post, post_tag};
    use sea_orm::{Condition, sea_query::Query};
    if filter.visibilities.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = post::Entity::find()
        .filter(post::Column::AuthorId.eq(author_id))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Visibility.is_in(filter.visibilities.iter().copied()));
    if filter.only_media {
        query = query.filter(
            post::Column::Id.in_subquery(
                Query::select()
                    .column(media_attachment::Column::PostId)
                    .from(media_attachment::Entity)
                    .and_where(media_attachment::Column::PostId.is_not_null())
                    .to_owned(),
            ),
        );
    }
    if filter.exclude_replies {
        let own_posts = Query::select()
            .column(post::Column::Id)
            .from(post::Entity)
            .and_where(post::Column::AuthorId.eq(author_id))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(post::Column::InReplyToId.is_null())
                        .add(post::Column::InReplyToApId.is_null()),
                )
                .add(post::Column::InReplyToId.in_subquery(own_posts)),
        );
    }
    if filter.exclude_reblogs {
        query = query.filter(post::Column::ReblogOfId.is_null());
    }
    if let Some(tag) = &filter.tagged {
        query = query.filter(
            post::Column::Id.in_subquery(
                Query::select()
                    .column(post_tag::Column::PostId)
                    .from(post_tag::Entity)
                    .and_where(post_tag::Column::Name.eq(tag.to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    let rows = cursor.apply(query, post::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

/// Known live accounts (not the instance actor) whose username or display name starts with
/// `prefix` (case-insensitive), on `domain` when given (a prefix too); only accounts
/// `following_of` follows when given. Exact username matches and local accounts come first.
pub async fn search(
    db: &impl ConnectionTrait,
    prefix: &str,
    domain: Option<&str>,
    following_of: Option<i64>,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<actor::Model>> {
    use sea_orm::{
        Condition, ExprTrait, QueryOrder,
        sea_query::{Func, Query},
    };
    let escaped: String = prefix
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("{escaped}%");
    let like = |column: actor::Column| {
        Expr::expr(Func::lower(Expr::col(column)))
            .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
    };
    let mut query = actor::Entity::find()
        .filter(actor::Column::DeletedAt.is_null())
        .filter(actor::Column::Kind.ne("Application"))
        .filter(
            Condition::any()
                .add(like(actor::Column::Username))
                .add(like(actor::Column::DisplayName)),
        );
    if let Some(domain) = domain.filter(|d| !d.is_empty()) {
        query = query.filter(actor::Column::Domain.starts_with(domain.to_lowercase()));
    }
    if let Some(viewer) = following_of {
        query = query.filter(
            actor::Column::Id.in_subquery(
                Query::select()
                    .column(follow::Column::FolloweeId)
                    .from(follow::Entity)
                    .and_where(follow::Column::FollowerId.eq(viewer))
                    .and_where(follow::Column::Accepted.eq(true))
                    .to_owned(),
            ),
        );
    }
    let exact =
        Expr::expr(Func::lower(Expr::col(actor::Column::Username))).eq(prefix.to_lowercase());
    Ok(query
        .order_by_desc(exact)
        .order_by_desc(actor::Column::Local)
        .order_by_asc(actor::Column::Username)
        .order_by_asc(actor::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?)
}
