//! A post's conversation as a viewer may see it: the ancestors up the reply chain (oldest
//! first) and the descendants in reading order (each reply after its parent, siblings oldest
//! first). Shared by the client API's `context` and the web thread page.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::AppResult,
    service::posts::can_see,
};
use activitypub_federation::config::Data;
use std::collections::HashMap;

/// How far up a thread the ancestors go, and how many descendants are read.
pub const MAX_ANCESTORS: usize = 40;
pub const MAX_DESCENDANTS: usize = 4096;

/// The ancestors and descendants of `post` (not a boost) that `viewer` may see.
pub async fn thread(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    post: &post::Model,
) -> AppResult<(Vec<post::Model>, Vec<post::Model>)> {
    // Ancestors: up the reply chain, shown oldest first.
    let mut ancestors = Vec::new();
    let mut parent = post.in_reply_to_id;
    while let Some(parent_id) = parent {
        if ancestors.len() >= MAX_ANCESTORS {
            break;
        }
        let Ok(p) = db::posts::get_by_id(&data.db.read, parent_id).await else {
            break;
        };
        parent = p.in_reply_to_id;
        if can_see(data, viewer, &p).await? {
            ancestors.push(p);
        }
    }
    ancestors.reverse();
    // Descendants: read level by level, then ordered depth-first.
    let mut children: HashMap<i64, Vec<post::Model>> = HashMap::new();
    let mut frontier = vec![post.id];
    let mut total = 0;
    while !frontier.is_empty() && total < MAX_DESCENDANTS {
        let replies = db::posts::replies_to(&data.db.read, &frontier).await?;
        frontier = Vec::new();
        for r in replies {
            if r.id == post.id || total >= MAX_DESCENDANTS {
                continue;
            }
            total += 1;
            frontier.push(r.id);
            if let Some(parent) = r.in_reply_to_id {
                children.entry(parent).or_default().push(r);
            }
        }
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<post::Model> = children.remove(&post.id).unwrap_or_default();
    stack.reverse();
    while let Some(next) = stack.pop() {
        // A reply we may not see hides its branch too.
        if !can_see(data, viewer, &next).await? {
            continue;
        }
        if let Some(mut kids) = children.remove(&next.id) {
            kids.reverse();
            stack.extend(kids);
        }
        ordered.push(next);
    }
    Ok((ancestors, ordered))
}
