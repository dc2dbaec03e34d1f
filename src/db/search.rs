//! Search queries that are not a lookup by key: statuses and actors by their `url` (the link
//! people paste), and the plain substring search over public statuses that stands in for
//! full-text search.
use crate::{
    db::entity::{actor, post},
    error::AppResult,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, Func, LikeExpr},
};

/// A live post whose `ap_id` or `url` is `link`.
pub async fn post_by_link(db: &impl ConnectionTrait, link: &str) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(
            Condition::any()
                .add(post::Column::ApId.eq(link))
                .add(post::Column::Url.eq(link)),
        )
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::ReblogOfId.is_null())
        .one(db)
        .await?)
}

/// A live actor whose `ap_id` or `url` is `link`.
pub async fn actor_by_link(
    db: &impl ConnectionTrait,
    link: &str,
) -> AppResult<Option<actor::Model>> {
    Ok(actor::Entity::find()
        .filter(
            Condition::any()
                .add(actor::Column::ApId.eq(link))
                .add(actor::Column::Url.eq(link)),
        )
        .filter(actor::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// `%needle%` for LIKE, with the wildcards of `needle` escaped by `\`.
pub fn contains_pattern(needle: &str) -> String {
    let escaped: String = needle
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// Live public statuses (not boosts) whose content or content warning contains `needle`
/// (case-insensitive), newest first, optionally by one author.
pub async fn public_statuses_containing(
    db: &impl ConnectionTrait,
    needle: &str,
    author_id: Option<i64>,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<post::Model>> {
    let pattern = contains_pattern(needle);
    let like = |column: post::Column| {
        Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    let mut query = post::Entity::find()
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::ReblogOfId.is_null())
        .filter(post::Column::Visibility.eq("public"))
        .filter(
            Condition::any()
                .add(like(post::Column::Content))
                .add(like(post::Column::Summary)),
        );
    if let Some(author) = author_id {
        query = query.filter(post::Column::AuthorId.eq(author));
    }
    Ok(query
        .order_by_desc(post::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?)
}
