//! Mastodon's CSV imports (Settings → Import): reading the files (RFC 4180, with or without
//! their header line) and applying them through the same services as the client API — follows
//! (remote accounts resolved by WebFinger; a locked or remote account gets a request), list
//! memberships (the account is followed first, as Mastodon does), blocks, mutes, bookmarks
//! (posts fetched by URL). `merge` adds; `overwrite` also undoes what the file does not list.
use super::report::Report;
use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    service::{
        accounts,
        follows::{self, FollowOptions},
        lists::{self, Bounds, ListChanges},
        posts::favourites,
        relationships,
        search::{self, Resolved},
    },
};
use activitypub_federation::config::Data;
use std::collections::{BTreeMap, HashSet};

/// Most rows one CSV import may have (Mastodon's limit for follows).
pub const MAX_ROWS: usize = 8_000;
/// Largest CSV file accepted.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// What a CSV import is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Following,
    Lists,
    Blocks,
    Mutes,
    Bookmarks,
}

impl Kind {
    /// The import kind's name (`account_import.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Following => "following",
            Kind::Lists => "lists",
            Kind::Blocks => "blocks",
            Kind::Mutes => "mutes",
            Kind::Bookmarks => "bookmarks",
        }
    }

    /// From its name.
    pub fn parse(raw: &str) -> Option<Kind> {
        [
            Kind::Following,
            Kind::Lists,
            Kind::Blocks,
            Kind::Mutes,
            Kind::Bookmarks,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }

    /// The file Halqa's (and Mastodon's) export names it.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Following => "following_accounts.csv",
            Kind::Lists => "lists.csv",
            Kind::Blocks => "blocked_accounts.csv",
            Kind::Mutes => "muted_accounts.csv",
            Kind::Bookmarks => "bookmarks.csv",
        }
    }
}

/// The records of a CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, line
/// breaks; CRLF or LF). Blank lines are skipped; a leading byte order mark is ignored.
pub fn records(text: &str) -> AppResult<Vec<Vec<String>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    let end_record = |record: &mut Vec<String>, field: &mut String, out: &mut Vec<Vec<String>>| {
        record.push(std::mem::take(field));
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].trim().is_empty()) {
            out.push(r);
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => {
                return Err(AppError::Invalid(format!(
                    "line {}: a quote inside an unquoted field",
                    out.len() + 1
                )));
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                end_record(&mut record, &mut field, &mut out);
                was_quoted = false;
            }
            c => field.push(c),
        }
        if out.len() > MAX_ROWS + 1 {
            return Err(AppError::Invalid(format!(
                "the file has more than {MAX_ROWS} lines"
            )));
        }
    }
    if quoted {
        return Err(AppError::Invalid(
            "the file ends inside a quoted field".into(),
        ));
    }
    if !field.is_empty() || !record.is_empty() {
        end_record(&mut record, &mut field, &mut out);
    }
    Ok(out)
}

/// One row of a CSV import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Follow {
        address: String,
        reblogs: bool,
        notify: bool,
        languages: Vec<String>,
    },
    ListMember {
        list: String,
        address: String,
    },
    Block {
        address: String,
    },
    Mute {
        address: String,
        hide_notifications: bool,
    },
    Bookmark {
        url: String,
    },
}

fn yes(raw: Option<&String>, default: bool) -> bool {
    match raw.map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if s == "true" => true,
        Some(s) if s == "false" => false,
        _ => default,
    }
}

/// An account address as Mastodon writes it (`user@domain`, maybe with a leading `@`).
fn address(raw: &str, line: usize) -> AppResult<String> {
    let a = raw.trim().trim_start_matches('@');
    match a.split_once('@') {
        Some((user, host)) if !user.is_empty() && !host.is_empty() && !host.contains('@') => {
            Ok(a.to_string())
        }
        _ => Err(AppError::Invalid(format!(
            "line {line}: {raw:?} is not an account address like user@domain"
        ))),
    }
}

/// The rows of a `kind` file; its header line (`Account address,…`), if any, is skipped.
pub fn rows(kind: Kind, text: &str) -> AppResult<Vec<Row>> {
    let records = records(text)?;
    if records.len() > MAX_ROWS + 1 {
        return Err(AppError::Invalid(format!(
            "the file has more than {MAX_ROWS} lines"
        )));
    }
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let line = i + 1;
        let first = r.first().map(|s| s.trim()).unwrap_or_default();
        if i == 0 && first.eq_ignore_ascii_case("Account address") {
            continue;
        }
        out.push(match kind {
            Kind::Following => Row::Follow {
                address: address(first, line)?,
                reblogs: yes(r.get(1), true),
                notify: yes(r.get(2), false),
                languages: r
                    .get(3)
                    .map(|l| {
                        l.split(',')
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            Kind::Lists => {
                let list = first.to_string();
                if list.is_empty() {
                    return Err(AppError::Invalid(format!("line {line}: no list title")));
                }
                let member = r.get(1).ok_or_else(|| {
                    AppError::Invalid(format!("line {line}: a list line is `title,address`"))
                })?;
                Row::ListMember {
                    list,
                    address: address(member, line)?,
                }
            }
            Kind::Blocks => Row::Block {
                address: address(first, line)?,
            },
            Kind::Mutes => Row::Mute {
                address: address(first, line)?,
                hide_notifications: yes(r.get(1), true),
            },
            Kind::Bookmarks => match url::Url::parse(first) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {
                    Row::Bookmark { url: u.to_string() }
                }
                _ => {
                    return Err(AppError::Invalid(format!(
                        "line {line}: {first:?} is not a post URL"
                    )));
                }
            },
        });
    }
    Ok(out)
}

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
            Err(e) if super::is_fatal(&e) => return Err(e),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_rfc_4180() {
        let text = "\u{feff}a,b\r\n\"Maths, 2e\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",x";
        let r = records(text).unwrap();
        assert_eq!(
            r,
            vec![
                vec!["a".to_string(), "b".into()],
                vec!["Maths, 2e".into(), "say \"hi\"".into()],
                vec!["two\nlines".into(), "x".into()],
            ]
        );
        assert!(records("\"open").is_err());
        assert!(records("a\"b").is_err());
    }

    #[test]
    fn mastodon_files_are_read_with_or_without_header() {
        let following = "Account address,Show boosts,Notify on new posts,Languages\n\
                         bob@school.example,false,true,\"fr, ar\"\n@carol@c.example\n";
        assert_eq!(
            rows(Kind::Following, following).unwrap(),
            vec![
                Row::Follow {
                    address: "bob@school.example".into(),
                    reblogs: false,
                    notify: true,
                    languages: vec!["fr".into(), "ar".into()],
                },
                Row::Follow {
                    address: "carol@c.example".into(),
                    reblogs: true,
                    notify: false,
                    languages: vec![],
                },
            ]
        );
        assert_eq!(
            rows(Kind::Lists, "\"Maths, 2e\",bob@b.example\n").unwrap(),
            vec![Row::ListMember {
                list: "Maths, 2e".into(),
                address: "bob@b.example".into()
            }]
        );
        assert_eq!(
            rows(
                Kind::Mutes,
                "Account address,Hide notifications\neve@e.example,false\n"
            )
            .unwrap(),
            vec![Row::Mute {
                address: "eve@e.example".into(),
                hide_notifications: false
            }]
        );
        assert_eq!(
            rows(Kind::Bookmarks, "https://b.example/users/bob/statuses/1\n").unwrap(),
            vec![Row::Bookmark {
                url: "https://b.example/users/bob/statuses/1".into()
            }]
        );
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let err = rows(Kind::Blocks, "bob@b.example\nnot an address\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(rows(Kind::Bookmarks, "javascript:alert(1)\n").is_err());
        assert!(rows(Kind::Lists, "Maths\n").is_err());
        let many = "a@b.example\n".repeat(MAX_ROWS + 2);
        assert!(rows(Kind::Blocks, &many).is_err());
    }
}
