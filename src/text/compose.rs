//! Composing a local plain-text status into HTML: links, mentions and hashtags found and
//! rendered, paragraphs and line breaks kept.
use super::{LINK_REL, escape_html};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Mentions and hashtags found in a local plain-text status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedText {
    /// Distinct mentions in first-seen order (deduplicated case-insensitively).
    pub mentions: Vec<MentionRef>,
    /// Distinct hashtag names, lowercase, without `#`, in first-seen order.
    pub hashtags: Vec<String>,
}

/// `@username` or `@username@domain` (domain may carry a `:port`), as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionRef {
    pub username: String,
    pub domain: Option<String>,
}

/// What the caller resolved a mention to, for rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMention {
    /// Profile page URL (the link target).
    pub url: String,
    /// Text shown, e.g. `"@bob"` or `"@bob@host"`; a leading `@` is optional.
    pub display: String,
}

/// `http(s)://` followed by anything up to whitespace, `<`, `>` or `"`;
/// trailing punctuation is trimmed afterwards.
static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bhttps?://[^\s<>"]+"#).expect("URL regex is a valid constant")
});

/// Mastodon's `MENTION_RE` minus the look-behind (checked by hand), plus an
/// optional `:port` on the domain.
static MENTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?:@([\w.-]*\w(?::[0-9]{1,5})?))?")
        .expect("mention regex is a valid constant")
});

/// `#` followed by Unicode word characters (letters, marks, digits, `_`,
/// joiners); the look-behind and "not purely numeric" are checked by hand.
static HASHTAG_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#(\w+)").expect("hashtag regex is a valid constant"));

/// One or more blank (or whitespace-only) lines.
static PARAGRAPH_BREAK_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n(?:[ \t]*\n)+").expect("paragraph regex is a valid constant"));

enum Entity<'t> {
    Url(&'t str),
    Mention(MentionRef),
    /// Tag name as written, without `#`.
    Hashtag(&'t str),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Finds links, mentions and hashtags in `text`, sorted and non-overlapping.
fn find_entities(text: &str) -> Vec<(Range<usize>, Entity<'_>)> {
    let mut entities: Vec<(Range<usize>, Entity<'_>)> = Vec::new();

    for m in URL_RE.find_iter(text) {
        let url = trim_url(m.as_str());
        let valid = url::Url::parse(url).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()));
        if valid {
            entities.push((m.start()..m.start() + url.len(), Entity::Url(url)));
        }
    }
    let url_count = entities.len();
    let overlaps_url = |entities: &[(Range<usize>, Entity<'_>)], r: &Range<usize>| {
        entities[..url_count]
            .iter()
            .any(|(u, _)| u.start < r.end && r.start < u.end)
    };
    let preceding = |pos: usize| text[..pos].chars().next_back();

    for caps in MENTION_RE.captures_iter(text) {
        let (Some(whole), Some(user)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if preceding(whole.start()).is_some_and(|c| is_word_char(c) || c == '=' || c == '/') {
            continue;
        }
        if overlaps_url(&entities, &whole.range()) {
            continue;
        }
        let mention = MentionRef {
            username: user.as_str().to_owned(),
            domain: caps.get(2).map(|d| d.as_str().to_owned()),
        };
        entities.push((whole.range(), Entity::Mention(mention)));
    }

    for caps in HASHTAG_RE.captures_iter(text) {
        let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if !name.as_str().chars().any(char::is_alphabetic) {
            continue;
        }
        if preceding(whole.start())
            .is_some_and(|c| is_word_char(c) || matches!(c, '=' | '/' | ')' | '&' | '#'))
        {
            continue;
        }
        if overlaps_url(&entities, &whole.range()) {
            continue;
        }
        entities.push((whole.range(), Entity::Hashtag(name.as_str())));
    }

    entities.sort_by_key(|(r, _)| r.start);
    let mut last_end = 0;
    entities.retain(|(r, _)| {
        let keep = r.start >= last_end;
        if keep {
            last_end = r.end;
        }
        keep
    });
    entities
}

/// Trims sentence punctuation and unbalanced closing brackets off a URL match.
fn trim_url(mut url: &str) -> &str {
    loop {
        let Some(last) = url.chars().next_back() else {
            return url;
        };
        let strip = match last {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '…' | '،' | '؟' | '؛' | '。' => {
                true
            }
            ')' => url.matches('(').count() < url.matches(')').count(),
            ']' => url.matches('[').count() < url.matches(']').count(),
            '}' => url.matches('{').count() < url.matches('}').count(),
            _ => false,
        };
        if !strip {
            return url;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
}

/// Extracts mentions and hashtags from a local plain-text status, exactly as
/// [`render_local_status`] would link them. Mentions inside words or email
/// addresses and hashtags inside URLs/words or made only of digits are ignored.
pub fn parse_mentions_and_tags(text: &str) -> ParsedText {
    let mut parsed = ParsedText::default();
    let mut seen_mentions = HashSet::new();
    let mut seen_tags = HashSet::new();
    for (_, entity) in find_entities(text) {
        match entity {
            Entity::Url(_) => {}
            Entity::Mention(m) => {
                let key = (
                    m.username.to_lowercase(),
                    m.domain.as_deref().map(str::to_lowercase),
                );
                if seen_mentions.insert(key) {
                    parsed.mentions.push(m);
                }
            }
            Entity::Hashtag(name) => {
                let lower = name.to_lowercase();
                if seen_tags.insert(lower.clone()) {
                    parsed.hashtags.push(lower);
                }
            }
        }
    }
    parsed
}

/// Turns a local plain-text status into HTML the way Mastodon does.
///
/// Text is escaped; blank lines separate `<p>` paragraphs and single newlines
/// become `<br>`; `http(s)` URLs are linked (with Mastodon's
/// `invisible`/`ellipsis` display spans); mentions resolved by
/// `resolve_mention` become h-card links, unresolved ones stay plain text;
/// hashtags link to `tag_url(name)`, where `name` is the lowercase tag
/// without `#` (the link text keeps the author's casing).
pub fn render_local_status(
    text: &str,
    resolve_mention: &dyn Fn(&MentionRef) -> Option<ResolvedMention>,
    tag_url: &dyn Fn(&str) -> String,
) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut html = String::with_capacity(normalized.len() * 2);
    for paragraph in PARAGRAPH_BREAK_RE.split(normalized.trim()) {
        let paragraph = paragraph.trim_matches('\n');
        if paragraph.trim().is_empty() {
            continue;
        }
        html.push_str("<p>");
        for (i, line) in paragraph.split('\n').enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            render_line(line, resolve_mention, tag_url, &mut html);
        }
        html.push_str("</p>");
    }
    html
}

fn render_line(
    line: &str,
    resolve_mention: &dyn Fn(&MentionRef) -> Option<ResolvedMention>,
    tag_url: &dyn Fn(&str) -> String,
    html: &mut String,
) {
    let mut pos = 0;
    for (range, entity) in find_entities(line) {
        html.push_str(&escape_html(&line[pos..range.start]));
        let raw = &line[range.clone()];
        match entity {
            Entity::Url(url) => push_link(url, html),
            Entity::Mention(m) => match resolve_mention(&m) {
                Some(resolved) => {
                    let display = resolved
                        .display
                        .strip_prefix('@')
                        .unwrap_or(&resolved.display);
                    html.push_str("<span class=\"h-card\"><a href=\"");
                    html.push_str(&escape_html(&resolved.url));
                    html.push_str("\" class=\"u-url mention\">@<span>");
                    html.push_str(&escape_html(display));
                    html.push_str("</span></a></span>");
                }
                None => html.push_str(&escape_html(raw)),
            },
            Entity::Hashtag(name) => {
                html.push_str("<a href=\"");
                html.push_str(&escape_html(&tag_url(&name.to_lowercase())));
                html.push_str("\" class=\"mention hashtag\" rel=\"tag\">#<span>");
                html.push_str(&escape_html(name));
                html.push_str("</span></a>");
            }
        }
        pos = range.end;
    }
    html.push_str(&escape_html(&line[pos..]));
}

/// Mastodon's link markup: scheme (and `www.`) hidden, the next 30 characters
/// shown, the rest hidden behind an ellipsis.
fn push_link(url: &str, html: &mut String) {
    const SHOWN_CHARS: usize = 30;
    let lower = url.to_ascii_lowercase();
    let mut prefix_len = if lower.starts_with("https://") { 8 } else { 7 };
    if lower[prefix_len..].starts_with("www.") {
        prefix_len += 4;
    }
    let (prefix, rest) = url.split_at(prefix_len);
    let split = rest
        .char_indices()
        .nth(SHOWN_CHARS)
        .map_or(rest.len(), |(i, _)| i);
    let (shown, hidden) = rest.split_at(split);

    html.push_str("<a href=\"");
    html.push_str(&escape_html(url));
    html.push_str("\" rel=\"");
    html.push_str(LINK_REL);
    html.push_str("\" target=\"_blank\"><span class=\"invisible\">");
    html.push_str(&escape_html(prefix));
    html.push_str("</span>");
    if hidden.is_empty() {
        html.push_str("<span>");
    } else {
        html.push_str("<span class=\"ellipsis\">");
    }
    html.push_str(&escape_html(shown));
    html.push_str("</span>");
    if !hidden.is_empty() {
        html.push_str("<span class=\"invisible\">");
        html.push_str(&escape_html(hidden));
        html.push_str("</span>");
    }
    html.push_str("</a>");
}
