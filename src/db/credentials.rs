//! The lookup behind every authenticated client request: a live token with its local user and
//! actor, in one query (token ⋈ user ⋈ actor) instead of three round trips.
use crate::{
    db::entity::{actor, local_user, oauth_token},
    db::timelines::stmt,
    error::AppResult,
};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, Iterable};
use std::sync::LazyLock;

/// A live user token with the user and actor it acts for.
#[derive(Debug, Clone)]
pub struct UserToken {
    pub token: oauth_token::Model,
    pub user: local_user::Model,
    pub actor: actor::Model,
}

/// `t."id" AS "t_id", …` for every column of `E`, so rows of three tables share one result.
fn prefixed_columns<E: EntityTrait>(alias: &str) -> String {
    E::Column::iter()
        .map(|c| format!("{alias}.\"{0}\" AS \"{alias}_{0}\"", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

static USER_TOKEN_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, {}, {} FROM oauth_token t \
         JOIN local_user u ON u.id = t.user_id JOIN actor a ON a.id = u.actor_id \
         WHERE t.token_hash = ? AND t.revoked_at IS NULL",
        prefixed_columns::<oauth_token::Entity>("t"),
        prefixed_columns::<local_user::Entity>("u"),
        prefixed_columns::<actor::Entity>("a"),
    )
});

/// The live (not revoked) user token with this hash, its user and actor; `None` for unknown,
/// revoked and client-credentials tokens.
pub async fn user_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> AppResult<Option<UserToken>> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            &USER_TOKEN_SQL,
            vec![token_hash.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(UserToken {
        token: oauth_token::Model::from_query_result(&row, "t_")?,
        user: local_user::Model::from_query_result(&row, "u_")?,
        actor: actor::Model::from_query_result(&row, "a_")?,
    }))
}
