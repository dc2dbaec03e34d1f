//! Mastodon's CSV imports (Settings → Import): reading the files here (RFC 4180, with or without
//! their header line) into rows, and applying them (`apply`) through the same services as the
//! client API — follows (remote accounts resolved by WebFinger; a locked or remote account gets
//! a request), list memberships (the account is followed first, as Mastodon does), blocks,
//! mutes, bookmarks (posts fetched by URL). `merge` adds; `overwrite` also undoes what the file
//! does not list.
mod apply;

pub use apply::apply;

use crate::error::{AppError, AppResult};

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
