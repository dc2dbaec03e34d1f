//! Account data export in Mastodon's CSV formats (Settings → Import and export → Data export):
//! the accounts followed, lists, blocks, mutes and bookmarks of a local actor, so a teacher can
//! take them to another server that imports Mastodon CSVs.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, block, bookmark, follow, list_member, mute, post},
    },
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

/// The files an account can download, by name (the URL's last segment).
pub const FILES: [&str; 5] = [
    "following_accounts.csv",
    "lists.csv",
    "blocked_accounts.csv",
    "muted_accounts.csv",
    "bookmarks.csv",
];

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// One CSV line from its fields.
fn line(fields: &[&str]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

/// `user@domain`, the address Mastodon's importers resolve.
fn address(a: &actor::Model) -> String {
    format!("{}@{}", a.username, a.domain)
}

/// The live accounts among `ids`, in the order of `ids`.
async fn accounts_in_order(data: &Data<AppState>, ids: &[i64]) -> AppResult<Vec<actor::Model>> {
    let found = db::views::actors_by_ids(&data.db.read, ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.get(id))
        .filter(|a| a.deleted_at.is_none())
        .cloned()
        .collect())
}

/// `following_accounts.csv`: header, then address, show boosts, notify, languages.
async fn following(data: &Data<AppState>, me: i64) -> AppResult<String> {
    let rows = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(me))
        .filter(follow::Column::Accepted.eq(true))
        .order_by_asc(follow::Column::Id)
        .all(&data.db.read)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|f| f.followee_id).collect();
    let accounts = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let mut out = line(&[
        "Account address",
        "Show boosts",
        "Notify on new posts",
        "Languages",
    ]);
    for f in rows {
        let Some(a) = accounts
            .get(&f.followee_id)
            .filter(|a| a.deleted_at.is_none())
        else {
            continue;
        };
        let languages: Vec<String> = f
            .languages
            .as_deref()
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or_default();
        out.push_str(&line(&[
            &address(a),
            if f.show_reblogs { "true" } else { "false" },
            if f.notify { "true" } else { "false" },
            &languages.join(", "),
        ]));
    }
    Ok(out)
}

/// `lists.csv`: no header; one `list title,address` line per member.
async fn lists(data: &Data<AppState>, me: i64) -> AppResult<String> {
    let mut out = String::new();
    for list in db::lists::of_owner(&data.db.read, me).await? {
        let ids: Vec<i64> = list_member::Entity::find()
            .filter(list_member::Column::ListId.eq(list.id))
            .order_by_asc(list_member::Column::ActorId)
            .all(&data.db.read)
            .await?
            .into_iter()
            .map(|m| m.actor_id)
            .collect();
        for a in accounts_in_order(data, &ids).await? {
            out.push_str(&line(&[&list.title, &address(&a)]));
        }
    }
    Ok(out)
}

/// `blocked_accounts.csv`: no header; one address per line.
async fn blocks(data: &Data<AppState>, me: i64) -> AppResult<String> {
    let ids: Vec<i64> = block::Entity::find()
        .filter(block::Column::ActorId.eq(me))
        .order_by_asc(block::Column::Id)
        .all(&data.db.read)
        .await?
        .into_iter()
        .map(|b| b.target_id)
        .collect();
    let accounts = accounts_in_order(data, &ids).await?;
    Ok(accounts.iter().map(|a| line(&[&address(a)])).collect())
}

/// `muted_accounts.csv`: header, then address and whether notifications are hidden too.
async fn mutes(data: &Data<AppState>, me: i64) -> AppResult<String> {
    let rows = mute::Entity::find()
        .filter(mute::Column::ActorId.eq(me))
        .filter(
            Condition::any()
                .add(mute::Column::ExpiresAt.is_null())
                .add(mute::Column::ExpiresAt.gt(Utc::now())),
        )
        .order_by_asc(mute::Column::Id)
        .all(&data.db.read)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|m| m.target_id).collect();
    let accounts = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let mut out = line(&["Account address", "Hide notifications"]);
    for m in rows {
        if let Some(a) = accounts
            .get(&m.target_id)
            .filter(|a| a.deleted_at.is_none())
        {
            let hide = if m.hide_notifications {
                "true"
            } else {
                "false"
            };
            out.push_str(&line(&[&address(a), hide]));
        }
    }
    Ok(out)
}

/// `bookmarks.csv`: no header; the ActivityPub id of each bookmarked post still there.
async fn bookmarks(data: &Data<AppState>, me: i64) -> AppResult<String> {
    let rows = bookmark::Entity::find()
        .filter(bookmark::Column::ActorId.eq(me))
        .order_by_asc(bookmark::Column::Id)
        .all(&data.db.read)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|b| b.post_id).collect();
    let posts = post::Entity::find()
        .filter(post::Column::Id.is_in(ids))
        .filter(post::Column::DeletedAt.is_null())
        .all(&data.db.read)
        .await?;
    let by_id: std::collections::HashMap<i64, String> =
        posts.into_iter().map(|p| (p.id, p.ap_id)).collect();
    Ok(rows
        .iter()
        .filter_map(|b| by_id.get(&b.post_id))
        .map(|uri| line(&[uri]))
        .collect())
}

/// The CSV file `name` (one of [`FILES`]) for local actor `me`; an unknown name is NotFound.
pub async fn csv(data: &Data<AppState>, me: &actor::Model, name: &str) -> AppResult<String> {
    match name {
        "following_accounts.csv" => following(data, me.id).await,
        "lists.csv" => lists(data, me.id).await,
        "blocked_accounts.csv" => blocks(data, me.id).await,
        "muted_accounts.csv" => mutes(data, me.id).await,
        "bookmarks.csv" => bookmarks(data, me.id).await,
        _ => Err(AppError::not_found("export file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_newlines_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(line(&["Maths, 2e", "a@b.ma"]), "\"Maths, 2e\",a@b.ma\n");
    }
}
