//! Queries on posts and their mentions and tags: lookups, local inserts, remote upserts,
//! soft deletes, favourites and the author's public post list for the outbox.
//! Edit revisions live in [`revisions`], pins in [`pins`], thread roots and muted
//! conversations in [`threads`], statuses waiting to be published in [`scheduled`].
pub mod pins;
pub mod revisions;
pub mod scheduled;
pub mod threads;

pub use revisions::{
    RevisionMedia, RevisionPoll, media_by_ids, revision_media, revision_poll, revisions,
    save_revision,
};

use crate::{
    db::entity::{actor, bookmark, favourite, idempotency_key, post, post_mention, post_tag},
    db::paging::Cursor,
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};

/// A post by primary key, or 404.
pub async fn get_by_id(db: &impl ConnectionTrait, id: i64) -> AppResult<post::Model> {
    post::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("post not found"))
}

/// A post by its ActivityPub id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// The actors a post mentions.
pub async fn mentioned_actors(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> AppResult<Vec<actor::Model>> {
    let ids: Vec<i64> = post_mention::Entity::find()
        .select_only()
        .column(post_mention::Column::ActorId)
        .filter(post_mention::Column::PostId.eq(post_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// The hashtags of a post.
pub async fn tags(db: &impl ConnectionTrait, post_id: i64) -> AppResult<Vec<String>> {
    Ok(post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::Name)
        .filter(post_tag::Column::PostId.eq(post_id))
        .into_tuple()
        .all(db)
        .await?)
}

async fn replace_mentions_and_tags(
    db: &impl ConnectionTrait,
    post_id: i64,
    mention_ids: &[i64],
    hashtags: &[String],
) -> AppResult<()> {
    post_mention::Entity::delete_many()
        .filter(post_mention::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    post_tag::Entity::delete_many()
        .filter(post_tag::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    let mut mention_ids = mention_ids.to_vec();
    mention_ids.sort_unstable();
    mention_ids.dedup();
    if !mention_ids.is_empty() {
        post_mention::Entity::insert_many(mention_ids.iter().map(|&actor_id| {
            post_mention::ActiveModel {
                post_id: Set(post_id),
                actor_id: Set(actor_id),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    let mut hashtags = hashtags.to_vec();
    hashtags.sort();
    hashtags.dedup();
    if !hashtags.is_empty() {
        post_tag::Entity::insert_many(hashtags.iter().map(|name| post_tag::ActiveModel {
            post_id: Set(post_id),
            name: Set(name.clone()),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Inserts a local post with its mentions and tags (in the caller's transaction).
pub async fn insert_local(
    db: &impl ConnectionTrait,
    model: post::ActiveModel,
    mention_ids: &[i64],
    hashtags: &[String],
) -> AppResult<post::Model> {
    let model = model.insert(db).await?;
    replace_mentions_and_tags(db, model.id, mention_ids, hashtags).await?;
    Ok(model)
}

/// Updates an edited local post's text fields and its mentions and tags.
pub async fn update_content(
    db: &impl ConnectionTrait,
    model: post::ActiveModel,
    mention_ids: &[i64],
    hashtags: &[String],
) -> AppResult<post::Model> {
    let model = model.update(db).await?;
    replace_mentions_and_tags(db, model.id, mention_ids, hashtags).await?;
    Ok(model)
}

/// What we keep of a remote note.
#[derive(Debug, Clone)]
pub struct RemotePost {
    pub ap_id: String,
    pub author_id: i64,
    pub url: Option<String>,
    pub content: String,
    pub summary: Option<String>,
    pub sensitive: bool,
    pub visibility: String,
    pub language: Option<String>,
    pub in_reply_to_ap_id: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub mention_ap_ids: Vec<String>,
    pub hashtags: Vec<String>,
    pub attachments: Vec<crate::db::media::RemoteMedia>,
    /// A Question's options and counts as its author reports them.
    pub poll: Option<crate::db::polls::PollState>,
}

/// Inserts or updates a remote post by `ap_id`; links its parent and the mentioned actors we know.
pub async fn upsert_remote(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    remote: RemotePost,
) -> AppResult<post::Model> {
    let existing = find_by_ap_id(db, &remote.ap_id).await?;
    if let Some(existing) = &existing
        && existing.author_id != remote.author_id
    {
        return Err(AppError::Forbidden("a post cannot change author".into()));
    }
    let parent_id = match &remote.in_reply_to_ap_id {
        Some(parent) => find_by_ap_id(db, parent).await?.map(|p| p.id),
        None => None,
    };
    let mention_ids: Vec<i64> = if remote.mention_ap_ids.is_empty() {
        Vec::new()
    } else {
        actor::Entity::find()
            .select_only()
            .column(actor::Column::Id)
            .filter(actor::Column::ApId.is_in(remote.mention_ap_ids.clone()))
            .into_tuple()
            .all(db)
            .await?
    };
    let now = Utc::now();
    // An edit (not just new poll counts): keep the earlier revision for the status history.
    let edited = existing.as_ref().is_some_and(|e| {
        e.content != remote.content
            || e.summary != remote.summary
            || e.sensitive != remote.sensitive
    });
    if let Some(existing) = existing.as_ref().filter(|_| edited) {
        save_revision(db, ids, existing).await?;
    }
    let mut row = match &existing {
        Some(m) => post::ActiveModel::from(m.clone()),
        None => post::ActiveModel {
            id: Set(ids.for_time(remote.published.min(now))),
            ap_id: Set(remote.ap_id.clone()),
            local: Set(false),
            author_id: Set(remote.author_id),
            source: Set(None),
            reblog_of_id: Set(None),
            published_at: Set(remote.published),
            created_at: Set(now),
            deleted_at: Set(None),
            edited_at: Set(None),
            application_id: Set(None),
            ..Default::default()
        },
    };
    row.url = Set(remote.url);
    row.content = Set(remote.content);
    row.summary = Set(remote.summary);
    row.sensitive = Set(remote.sensitive);
    row.visibility = Set(remote.visibility);
    row.language = Set(remote.language);
    row.in_reply_to_ap_id = Set(remote.in_reply_to_ap_id);
    row.in_reply_to_id = Set(parent_id);
    if edited {
        row.edited_at = Set(Some(remote.updated.unwrap_or(now)));
    }
    let model = if existing.is_some() {
        row.update(db).await?
    } else {
        // A concurrent delivery or fetch of the same post may have stored it first.
        crate::db::insert_unless_taken(db, row).await?;
        find_by_ap_id(db, &remote.ap_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("post {} vanished while stored", remote.ap_id))?
    };
    replace_mentions_and_tags(db, model.id, &mention_ids, &remote.hashtags).await?;
    crate::db::media::replace_remote(db, ids, model.id, model.author_id, &remote.attachments)
        .await?;
    if let Some(poll) = remote.poll {
        crate::db::polls::put(db, model.id, poll).await?;
    }
    Ok(model)
}

/// Soft-deletes a post: the row stays (its id answers 410), its content is wiped.
pub async fn mark_deleted(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    post::Entity::update_many()
        .col_expr(post::Column::DeletedAt, Expr::value(Utc::now()))
        .col_expr(post::Column::Content, Expr::value(""))
        .col_expr(post::Column::Source, Expr::value(Option::<String>::None))
        .col_expr(post::Column::Summary, Expr::value(Option::<String>::None))
        .filter(post::Column::Id.eq(id))
        .exec(db)
        .await?;
    // Boosts of a deleted post go with it.
    post::Entity::update_many()
        .col_expr(post::Column::DeletedAt, Expr::value(Utc::now()))
        .filter(post::Column::ReblogOfId.eq(id))
        .filter(post::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Soft-deletes every post of an actor (the actor was deleted).
pub async fn mark_all_deleted_by(db: &impl ConnectionTrait, author_id: i64) -> AppResult<()> {
    post::Entity::update_many()
        .col_expr(post::Column::DeletedAt, Expr::value(Utc::now()))
        .col_expr(post::Column::Content, Expr::value(""))
        .filter(post::Column::AuthorId.eq(author_id))
        .filter(post::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A live boost of `post_id` by `actor_id`.
pub async fn find_reblog(
    db: &impl ConnectionTrait,
    actor_id: i64,
    post_id: i64,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::AuthorId.eq(actor_id))
        .filter(post::Column::ReblogOfId.eq(post_id))
        .filter(post::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// Live, public or unlisted posts (and boosts) of an author, newest first, below `max_id`.
pub async fn list_public_by_author(
    db: &impl ConnectionTrait,
    author_id: i64,
    max_id: Option<i64>,
    limit: u64,
) -> AppResult<Vec<post::Model>> {
    let mut query = post::Entity::find()
        .filter(post::Column::AuthorId.eq(author_id))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Visibility.is_in(["public", "unlisted"]));
    if let Some(max_id) = max_id {
        query = query.filter(post::Column::Id.lt(max_id));
    }
    Ok(query
        .order_by_desc(post::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many public or unlisted live posts an author has.
pub async fn count_public_by_author(db: &impl ConnectionTrait, author_id: i64) -> AppResult<u64> {
    Ok(post::Entity::find()
        .filter(post::Column::AuthorId.eq(author_id))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Visibility.is_in(["public", "unlisted"]))
        .count(db)
        .await?)
}

/// Live local posts (for NodeInfo).
pub async fn count_local(db: &impl ConnectionTrait) -> AppResult<u64> {
    Ok(post::Entity::find()
        .filter(post::Column::Local.eq(true))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::ReblogOfId.is_null())
        .count(db)
        .await?)
}

/// A favourite by its Like id.
pub async fn find_favourite_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<favourite::Model>> {
    Ok(favourite::Entity::find()
        .filter(favourite::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// A favourite by its actor and post.
pub async fn find_favourite(
    db: &impl ConnectionTrait,
    actor_id: i64,
    post_id: i64,
) -> AppResult<Option<favourite::Model>> {
    Ok(favourite::Entity::find()
        .filter(favourite::Column::ActorId.eq(actor_id))
        .filter(favourite::Column::PostId.eq(post_id))
        .one(db)
        .await?)
}

/// Records a favourite unless the actor already favourited the post; returns the row.
pub async fn insert_favourite(
    db: &impl ConnectionTrait,
    row: favourite::ActiveModel,
    actor_id: i64,
    post_id: i64,
) -> AppResult<favourite::Model> {
    if let Some(existing) = find_favourite(db, actor_id, post_id).await? {
        return Ok(existing);
    }
    Ok(row.insert(db).await?)
}

/// Removes a favourite.
pub async fn delete_favourite(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    favourite::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// How many favourites a post has.
pub async fn count_favourites(db: &impl ConnectionTrait, post_id: i64) -> AppResult<u64> {
    Ok(favourite::Entity::find()
        .filter(favourite::Column::PostId.eq(post_id))
        .count(db)
        .await?)
}

/// How many live boosts and replies a post has.
pub async fn count_reblogs_and_replies(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> AppResult<(u64, u64)> {
    let reblogs = post::Entity::find()
        .filter(post::Column::ReblogOfId.eq(post_id))
        .filter(post::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    let replies = post::Entity::find()
        .filter(post::Column::InReplyToId.eq(post_id))
        .filter(post::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    Ok((reblogs, replies))
}

/// The live direct replies of any of `parent_ids`, oldest first.
pub async fn replies_to(
    db: &impl ConnectionTrait,
    parent_ids: &[i64],
) -> AppResult<Vec<post::Model>> {
    if parent_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(post::Entity::find()
        .filter(post::Column::InReplyToId.is_in(parent_ids.iter().copied()))
        .filter(post::Column::DeletedAt.is_null())
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?)
}

/// A bookmark by its actor and post.
pub async fn find_bookmark(
    db: &impl ConnectionTrait,
    actor_id: i64,
    post_id: i64,
) -> AppResult<Option<bookmark::Model>> {
    Ok(bookmark::Entity::find()
        .filter(bookmark::Column::ActorId.eq(actor_id))
        .filter(bookmark::Column::PostId.eq(post_id))
        .one(db)
        .await?)
}

/// Saves a bookmark unless it exists.
pub async fn insert_bookmark(
    db: &impl ConnectionTrait,
    id: i64,
    actor_id: i64,
    post_id: i64,
) -> AppResult<()> {
    if find_bookmark(db, actor_id, post_id).await?.is_some() {
        return Ok(());
    }
    bookmark::ActiveModel {
        id: Set(id),
        actor_id: Set(actor_id),
        post_id: Set(post_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Removes a bookmark if there is one.
pub async fn delete_bookmark(
    db: &impl ConnectionTrait,
    actor_id: i64,
    post_id: i64,
) -> AppResult<()> {
    bookmark::Entity::delete_many()
        .filter(bookmark::Column::ActorId.eq(actor_id))
        .filter(bookmark::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    Ok(())
}

/// An actor's bookmarks as `(bookmark id, post id)`, newest first.
pub async fn bookmarks_of(
    db: &impl ConnectionTrait,
    actor_id: i64,
    page: Cursor,
) -> AppResult<Vec<(i64, i64)>> {
    let q = bookmark::Entity::find()
        .select_only()
        .column(bookmark::Column::Id)
        .column(bookmark::Column::PostId)
        .filter(bookmark::Column::ActorId.eq(actor_id));
    let rows: Vec<(i64, i64)> = page
        .apply(q, bookmark::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(page.finish(rows))
}

/// An actor's favourites as `(favourite id, post id)`, newest first.
pub async fn favourites_of(
    db: &impl ConnectionTrait,
    actor_id: i64,
    page: Cursor,
) -> AppResult<Vec<(i64, i64)>> {
    let q = favourite::Entity::find()
        .select_only()
        .column(favourite::Column::Id)
        .column(favourite::Column::PostId)
        .filter(favourite::Column::ActorId.eq(actor_id));
    let rows: Vec<(i64, i64)> = page
        .apply(q, favourite::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(page.finish(rows))
}

/// Who favourited a post, as `(favourite id, actor id)`, newest first.
pub async fn favouriters_of(
    db: &impl ConnectionTrait,
    post_id: i64,
    page: Cursor,
) -> AppResult<Vec<(i64, i64)>> {
    let q = favourite::Entity::find()
        .select_only()
        .column(favourite::Column::Id)
        .column(favourite::Column::ActorId)
        .filter(favourite::Column::PostId.eq(post_id));
    let rows: Vec<(i64, i64)> = page
        .apply(q, favourite::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(page.finish(rows))
}

/// Who boosted a post, as `(boost id, actor id)`, newest first.
pub async fn rebloggers_of(
    db: &impl ConnectionTrait,
    post_id: i64,
    page: Cursor,
) -> AppResult<Vec<(i64, i64)>> {
    let q = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::AuthorId)
        .filter(post::Column::ReblogOfId.eq(post_id))
        .filter(post::Column::DeletedAt.is_null());
    let rows: Vec<(i64, i64)> = page.apply(q, post::Column::Id).into_tuple().all(db).await?;
    Ok(page.finish(rows))
}

/// The `Idempotency-Key` record of an actor younger than `since`, if any.
pub async fn find_idempotency_key(
    db: &impl ConnectionTrait,
    actor_id: i64,
    key: &str,
    since: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    Ok(idempotency_key::Entity::find()
        .filter(idempotency_key::Column::ActorId.eq(actor_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::CreatedAt.gt(since))
        .one(db)
        .await?
        .map(|k| k.post_id))
}

/// Remembers which post an `Idempotency-Key` created (replacing an expired record).
pub async fn save_idempotency_key(
    db: &impl ConnectionTrait,
    actor_id: i64,
    key: &str,
    post_id: i64,
) -> AppResult<()> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::ActorId.eq(actor_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(db)
        .await?;
    idempotency_key::ActiveModel {
        actor_id: Set(actor_id),
        key: Set(key.to_string()),
        post_id: Set(post_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
