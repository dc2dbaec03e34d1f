//! Threads: the root of a post's conversation (the topmost post this node knows up its reply
//! chain) and the conversations local accounts muted (`conversation_mute`, keyed by root).
use crate::{
    db::entity::{conversation_mute, post},
    error::AppResult,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// How far up a reply chain a root is looked for (as far as a thread's context shows).
pub const MAX_DEPTH: usize = 40;

/// The root of each post's thread (a post without a known parent is its own root), walking
/// all the chains up together: one query per level, never one per post.
pub async fn roots(
    db: &impl ConnectionTrait,
    posts: &[post::Model],
) -> AppResult<HashMap<i64, i64>> {
    // post id → (current ancestor id, its parent id).
    let mut roots: HashMap<i64, i64> = HashMap::new();
    let mut climbing: Vec<(i64, i64, i64)> = Vec::new();
    for p in posts {
        match p.in_reply_to_id {
            Some(parent) if parent != p.id => climbing.push((p.id, p.id, parent)),
            _ => {
                roots.insert(p.id, p.id);
            }
        }
    }
    for _ in 0..MAX_DEPTH {
        if climbing.is_empty() {
            break;
        }
        let parent_ids: Vec<i64> = climbing.iter().map(|c| c.2).collect();
        let parents: HashMap<i64, Option<i64>> = post::Entity::find()
            .select_only()
            .column(post::Column::Id)
            .column(post::Column::InReplyToId)
            .filter(post::Column::Id.is_in(parent_ids))
            .into_tuple::<(i64, Option<i64>)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mut next = Vec::new();
        for (origin, current, parent) in climbing {
            match parents.get(&parent) {
                // The parent is unknown here: the topmost known post is the root.
                None => {
                    roots.insert(origin, current);
                }
                Some(Some(grandparent)) if *grandparent != parent => {
                    next.push((origin, parent, *grandparent));
                }
                Some(_) => {
                    roots.insert(origin, parent);
                }
            }
        }
        climbing = next;
    }
    for (origin, current, _) in climbing {
        roots.insert(origin, current);
    }
    Ok(roots)
}

/// The root of one post's thread.
pub async fn root_of(db: &impl ConnectionTrait, post: &post::Model) -> AppResult<i64> {
    Ok(roots(db, std::slice::from_ref(post))
        .await?
        .get(&post.id)
        .copied()
        .unwrap_or(post.id))
}

/// The thread roots `actor_id` muted.
pub async fn muted_roots(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<HashSet<i64>> {
    let ids: Vec<i64> = conversation_mute::Entity::find()
        .select_only()
        .column(conversation_mute::Column::RootPostId)
        .filter(conversation_mute::Column::ActorId.eq(actor_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Mutes the thread rooted at `root_post_id` for `actor_id` (nothing happens if it is).
pub async fn mute(db: &impl ConnectionTrait, actor_id: i64, root_post_id: i64) -> AppResult<()> {
    let exists = conversation_mute::Entity::find_by_id((actor_id, root_post_id))
        .one(db)
        .await?
        .is_some();
    if !exists {
        conversation_mute::ActiveModel {
            actor_id: Set(actor_id),
            root_post_id: Set(root_post_id),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Unmutes the thread rooted at `root_post_id` for `actor_id`.
pub async fn unmute(db: &impl ConnectionTrait, actor_id: i64, root_post_id: i64) -> AppResult<()> {
    conversation_mute::Entity::delete_by_id((actor_id, root_post_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether `actor_id` muted the conversation `post_id` belongs to. Cheap for the usual case
/// of an account without muted conversations (one query).
pub async fn in_muted_conversation(
    db: &impl ConnectionTrait,
    actor_id: i64,
    post_id: i64,
) -> AppResult<bool> {
    let muted = muted_roots(db, actor_id).await?;
    if muted.is_empty() {
        return Ok(false);
    }
    let Some(post) = post::Entity::find_by_id(post_id).one(db).await? else {
        return Ok(false);
    };
    Ok(muted.contains(&root_of(db, &post).await?))
}

/// Which of `posts` belong to a conversation rooted at one of `muted_roots` (an actor's muted
/// conversations, from [`muted_roots`] or `db::views::page_extras`).
pub async fn in_conversations(
    db: &impl ConnectionTrait,
    muted_roots: &HashSet<i64>,
    posts: &[post::Model],
) -> AppResult<HashSet<i64>> {
    if muted_roots.is_empty() || posts.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(roots(db, posts)
        .await?
        .into_iter()
        .filter(|(_, root)| muted_roots.contains(root))
        .map(|(post, _)| post)
        .collect())
}
