//! Applying the rows of a CSV import for an account, one report entry each, and with
//! `overwrite` undoing what the file does not list.
use super::{Kind, Row};
use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    service::{
        accounts,
        follows::{self, FollowOptions},
        imports::{is_fatal, report::Report},
        lists::{self, Bounds, ListChanges},
        posts::favourites,
        relationships,
        search::{self, Resolved},
    },
};
use activitypub_federation::config::Data;
use std::collections::{BTreeMap, HashSet};

/// Resolves an address, refusing the importer's own.
async fn resolve(data: &Data<AppState>, me: &actor::Model, addr: &str) -> AppResult<actor::Model> {
    let target = accounts::resolve_handle(data, addr)
        .await
        .map_err(|e| AppError::Invalid(format!("the account could not be found ({e})")))?;
    if target.id == me.id {
        return Err(AppError::Invalid("that is this account".into()));
    }
    Ok(target)
}

/// Applies one row.
async fn apply_row(data: &Data<AppState>, me: &actor::Model, row: &Row) -> AppResult<()> {
    match row {
        Row::Follow {
            address,
            reblogs,
            notify,
            languages,
        } => {
            let target = resolve(data, me, address).await?;
            let options = FollowOptions {
                reblogs: Some(*reblogs),
                notify: Some(*notify),
                languages: Some(languages.clone()),
            };
            follows::follow_with_options(data, me, &target, options).await?;
        }
        Row::ListMember { list, address } => {
            let target = resolve(data, me, address).await?;
            if db::follows::find(&data.db.read, me.id, target.id)
                .await?
                .is_none()
            {
                follows::follow(data, me, &target).await?;
            }
            let id = list_named(data, me, list).await?;
            lists::add_accounts(data, me.id, id, &[target.id]).await?;
        }
        Row::Block { address } => {
            let target = resolve(data, me, address).await?;
            relationships::block(data, me, &target).await?;
        }
        Row::Mute {
            address,
            hide_notifications,
        } => {
            let target = resolve(data, me, address).await?;
            relationships::mute(data, me, &target, *hide_notifications, None).await?;
        }
        Row::Bookmark { url } => {
            let parsed = url::Url::parse(url).map_err(|_| AppError::Invalid("not a URL".into()))?;
            match search::resolve_url(data, &parsed, true).await? {
                Some(Resolved::Status(post)) => favourites::bookmark(data, me, post.id).await?,
                _ => {
                    return Err(AppError::Invalid(
                        "the post could not be found or fetched".into(),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The id of `me`'s list titled `title`, created when missing.
async fn list_named(data: &Data<AppState>, me: &actor::Model, title: &str) -> AppResult<i64> {
    if let Some(l) = lists::lists(data, me.id)
        .await?
        .into_iter()
        .find(|l| l.title == title)
    {
        return Ok(l.id);
    }
    let created = lists::create(
        data,
        me.id,
        ListChanges {
            title: Some(title.to_string()),
            ..Default::default()
        },
    )
    .await?;
    Ok(created.id)
}

/// What a row is about, for the report.
fn item_of(row: &Row) -> String {
    match row {
        Row::Follow { address, .. } | Row::Block { address } | Row::Mute { address, .. } => {
            address.clone()
        }
        Row::ListMember { list, address } => format!("{list}: {address}"),
        Row::Bookmark { url } => url.clone(),
    }
}

/// Applies `rows` of `kind` for `me`, one report entry each; with `overwrite`, then undoes
/// what the file does not list (follows, memberships of the lists it names, blocks, mutes,
/// bookmarks).
pub async fn apply(
    data: &Data<AppState>,
    me: &actor::Model,
    kind: Kind,
    rows: &[Row],
    overwrite: bool,
    report: &mut Report,
) -> AppResult<()> {
    let name = kind.as_str();
    for row in rows {
        match apply_row(data, me, row).await {
            Ok(()) => report.imported(data, name).await?,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => report.skipped(data, name, &item_of(row), e).await?,
        }
    }
    if overwrite {
        undo_unlisted(data, me, kind, rows).await?;
    }
    Ok(())
}

/// The ids of the accounts `rows` name that this node knows now (after applying them).
async fn listed_ids(data: &Data<AppState>, rows: &[Row]) -> AppResult<HashSet<i64>> {
    let mut ids = HashSet::new();
    for row in rows {
        let addr = match row {
            Row::Follow { address, .. }
            | Row::Block { address }
            | Row::Mute { address, .. }
            | Row::ListMember { address, .. } => address,
            Row::Bookmark { .. } => continue,
        };
        if let Ok(a) = accounts::resolve_handle(data, addr).await {
            ids.insert(a.id);
        }
    }
    Ok(ids)
}

async fn undo_unlisted(
    data: &Data<AppState>,
    me: &actor::Model,
    kind: Kind,
    rows: &[Row],
) -> AppResult<()> {
    let read = &data.db.read;
    match kind {
        Kind::Following => {
            let keep = listed_ids(data, rows).await?;
            for f in db::archives::follows_of(read, me.id).await? {
                if !keep.contains(&f.followee_id) {
                    let target = db::actors::get_by_id(read, f.followee_id).await?;
                    follows::unfollow(data, me, &target).await?;
                }
            }
        }
        Kind::Lists => {
            let mut by_list: BTreeMap<String, HashSet<i64>> = BTreeMap::new();
            for row in rows {
                if let Row::ListMember { list, address } = row
                    && let Ok(a) = accounts::resolve_handle(data, address).await
                {
                    by_list.entry(list.clone()).or_default().insert(a.id);
                }
            }
            for l in lists::lists(data, me.id).await? {
                let Some(keep) = by_list.get(&l.title) else {
                    continue;
                };
                let members = lists::member_ids(data, me.id, l.id, Bounds::default(), 0).await?;
                let gone: Vec<i64> = members.into_iter().filter(|m| !keep.contains(m)).collect();
                if !gone.is_empty() {
                    lists::remove_accounts(data, me.id, l.id, &gone).await?;
                }
            }
        }
        Kind::Blocks => {
            let keep = listed_ids(data, rows).await?;
            for target_id in db::archives::blocked_ids(read, me.id).await? {
                if !keep.contains(&target_id) {
                    let target = db::actors::get_by_id(read, target_id).await?;
                    relationships::unblock(data, me, &target).await?;
                }
            }
        }
        Kind::Mutes => {
            let keep = listed_ids(data, rows).await?;
            for target_id in db::archives::muted_ids(read, me.id).await? {
                if !keep.contains(&target_id) {
                    let target = db::actors::get_by_id(read, target_id).await?;
                    relationships::unmute(data, me, &target).await?;
                }
            }
        }
        Kind::Bookmarks => {
            let mut keep = HashSet::new();
            for row in rows {
                if let Row::Bookmark { url } = row
                    && let Some(p) = db::search::post_by_link(read, url).await?
                {
                    keep.insert(p.id);
                }
            }
            for post_id in db::archives::bookmarked_ids(read, me.id).await? {
                if !keep.contains(&post_id) {
                    favourites::unbookmark(data, me, post_id).await?;
                }
            }
        }
    }
    Ok(())
}
