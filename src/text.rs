//! Status text handling: sanitizing remote HTML down to Mastodon's allowed subset, HTML → plain text, composing local plain-text statuses into HTML (links, mentions, hashtags), and cheap pre-parse checks on raw JSON bodies.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use regex::Regex;

/// `rel` put on every link we emit or let through.
const LINK_REL: &str = "nofollow noopener noreferrer";

/// Elements kept by [`sanitize_remote_html`] (Mastodon's `MASTODON_STRICT`).
/// `h1`–`h6` are parsed here and then downgraded to `<p><strong>…</strong></p>`.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "span",
    "a",
    "del",
    "s",
    "pre",
    "code",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Elements removed together with everything inside them.
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template",
    "noscript", "noembed", "noframes", "svg", "math", "title", "textarea", "select",
];

/// `href` schemes allowed on remote links (Mastodon's `LINK_PROTOCOLS`).
const URL_SCHEMES: &[&str] = &[
    "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
];

/// Exact class names allowed on `a` and `span`.
const ALLOWED_CLASSES: &[&str] = &[
    "h-card",
    "mention",
    "hashtag",
    "u-url",
    "invisible",
    "ellipsis",
    "quote-inline",
];

/// Microformats class prefixes allowed on `a` and `span`.
const ALLOWED_CLASS_PREFIXES: &[&str] = &["h-", "p-", "u-", "dt-", "e-"];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "class", "translate"])),
            ("span", HashSet::from(["class", "translate"])),
            ("ol", HashSet::from(["start", "reversed"])),
            ("li", HashSet::from(["value"])),
        ]))
        .tag_attribute_values(HashMap::new())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .set_tag_attribute_value("a", "target", "_blank")
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    builder
});

/// Per-value attribute checks that ammonia's allow-lists can't express.
fn filter_attribute<'v>(element: &str, attribute: &str, value: &'v str) -> Option<Cow<'v, str>> {
    match attribute {
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|class| is_allowed_class(class))
                .collect();
            if kept.is_empty() {
                None
            } else {
                Some(Cow::Owned(kept.join(" ")))
            }
        }
        "translate" => {
            let v = value.trim().to_ascii_lowercase();
            (v == "yes" || v == "no").then_some(Cow::Owned(v))
        }
        "start" | "value" if element == "ol" || element == "li" => value
            .trim()
            .parse::<i64>()
            .ok()
            .map(|n| Cow::Owned(n.to_string())),
        "reversed" => Some(Cow::Borrowed("")),
        _ => Some(Cow::Borrowed(value)),
    }
}

fn is_allowed_class(class: &str) -> bool {
    ALLOWED_CLASSES.contains(&class)
        || ALLOWED_CLASS_PREFIXES
            .iter()
            .any(|prefix| class.len() > prefix.len() && class.starts_with(prefix))
}

/// Sanitizes HTML received from another server, keeping only Mastodon's
/// allowed subset (`MASTODON_STRICT`).
///
/// Scripts, styles, iframes, SVG and the like are dropped with their content;
/// other disallowed elements (`div`, `img`, …) are unwrapped, keeping any text.
/// Every link gets `rel="nofollow noopener noreferrer" target="_blank"`;
/// links with a disallowed or relative `href` lose the `href`. Headings become
/// `<p><strong>…</strong></p>`, as Mastodon does.
pub fn sanitize_remote_html(html: &str) -> String {
    if html.is_empty() {
        return String::new();
    }
    let cleaned = SANITIZER.clean(html).to_string();
    downgrade_headings(cleaned)
}

/// Rewrites `<hN>` / `</hN>` tags in ammonia's (normalised) output to
/// `<p><strong>` / `</strong></p>`. Only real tags are touched: in serialised
/// output a literal `<` outside a tag is always escaped, and attributes are
/// always double-quoted, so tracking quotes is enough to skip attribute values.
fn downgrade_headings(html: String) -> String {
    if !html.contains("<h") && !html.contains("</h") {
        return html;
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 32);
    let mut copied_up_to = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        let heading_tag = match rest {
            [b'<', b'h', d, b'>', ..] if (b'1'..=b'6').contains(d) => Some((4, "<p><strong>")),
            [b'<', b'/', b'h', d, b'>', ..] if (b'1'..=b'6').contains(d) => {
                Some((5, "</strong></p>"))
            }
            _ => None,
        };
        if let Some((len, replacement)) = heading_tag {
            out.push_str(&html[copied_up_to..i]);
            out.push_str(replacement);
            i += len;
            copied_up_to = i;
            continue;
        }
        // Some other tag: skip to its end, ignoring `>` inside quoted values.
        let mut in_quotes = false;
        i += 1;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => in_quotes = !in_quotes,
                b'>' if !in_quotes => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out.push_str(&html[copied_up_to..]);
    out
}

/// Converts HTML to plain text for summaries, search and notifications.
///
/// Tags are stripped (link text and Mastodon's `invisible` URL parts are kept),
/// `<br>` becomes a newline, paragraphs and other blocks are separated by a
/// blank line, list items start on a new line, `script`/`style` content is
/// dropped, whitespace is collapsed as a browser would (except inside `pre`),
/// and character references are decoded.
pub fn html_to_plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut pending_break = 0usize;
    let mut pending_space = false;
    let mut pre_depth = 0usize;
    let mut rest = html;

    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |end| &after[end + 3..]);
                continue;
            }
            if let Some(tag) = parse_tag(rest) {
                rest = &rest[tag.len..];
                let name = tag.name.as_str();
                match name {
                    "br" => {
                        trim_trailing_spaces(&mut out);
                        out.push('\n');
                        pending_space = false;
                    }
                    "p" | "div" | "blockquote" | "pre" | "ul" | "ol" | "h1" | "h2" | "h3"
                    | "h4" | "h5" | "h6" | "section" | "article" | "header" | "footer"
                    | "table" | "figure" | "hr" => {
                        pending_break = pending_break.max(2);
                        if name == "pre" {
                            if tag.closing {
                                pre_depth = pre_depth.saturating_sub(1);
                            } else {
                                pre_depth += 1;
                            }
                        }
                    }
                    "li" | "tr" | "dt" | "dd" => pending_break = pending_break.max(1),
                    "script" | "style" | "template" | "iframe" | "noscript" | "svg" | "math"
                    | "title" | "textarea" | "object"
                        if !tag.closing && !tag.self_closing =>
                    {
                        rest = skip_past_closing_tag(rest, name);
                    }
                    _ => {}
                }
                continue;
            }
        }

        // Text.
        let (ch, consumed, decoded) = if c == '&' {
            match decode_entity(rest) {
                Some((ch, len)) => (ch, len, true),
                None => ('&', 1, false),
            }
        } else {
            (c, c.len_utf8(), false)
        };
        rest = &rest[consumed..];

        if !decoded && pre_depth == 0 && is_html_whitespace(ch) {
            pending_space = true;
            continue;
        }
        if pending_break > 0 && !out.is_empty() {
            trim_trailing_spaces(&mut out);
            let have = out.len() - out.trim_end_matches('\n').len();
            for _ in have..pending_break {
                out.push('\n');
            }
        } else if pending_space && !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        pending_break = 0;
        pending_space = false;
        out.push(ch);
    }

    let trimmed_end = out.trim_end_matches(|c: char| is_html_whitespace(c)).len();
    out.truncate(trimmed_end);
    let leading = out.len()
        - out
            .trim_start_matches(|c: char| is_html_whitespace(c))
            .len();
    out.drain(..leading);
    out
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    /// Bytes consumed, including `<` and `>`.
    len: usize,
}

/// Parses a tag at the start of `s` (which begins with `<`). Returns `None`
/// when the `<` does not start a tag and should be treated as text.
fn parse_tag(s: &str) -> Option<Tag> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let special = matches!(bytes.get(i), Some(b'!' | b'?'));
    if !special && !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'!' || *b == b'?')
    {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut quote: Option<u8> = None;
    let mut last_non_space = 0u8;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'>' => {
                    return Some(Tag {
                        name,
                        closing,
                        self_closing: last_non_space == b'/',
                        len: i,
                    });
                }
                b if !b.is_ascii_whitespace() => last_non_space = b,
                _ => {}
            },
        }
    }
    // Unterminated tag: swallow the rest, as a browser would.
    Some(Tag {
        name,
        closing,
        self_closing: false,
        len: s.len(),
    })
}

/// Skips raw-text content up to and including `</name …>` (case-insensitive).
fn skip_past_closing_tag<'s>(s: &'s str, name: &str) -> &'s str {
    let bytes = s.as_bytes();
    let needle_len = name.len() + 2;
    let mut i = 0;
    while i + needle_len <= bytes.len() {
        if bytes[i] == b'<'
            && bytes[i + 1] == b'/'
            && bytes[i + 2..i + needle_len].eq_ignore_ascii_case(name.as_bytes())
            && !bytes
                .get(i + needle_len)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            return match s[i..].find('>') {
                Some(end) => &s[i + end + 1..],
                None => "",
            };
        }
        i += 1;
    }
    ""
}

/// Decodes a character reference at the start of `s` (which begins with `&`).
/// Returns the character and the number of bytes consumed.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    // Entity names we know are short; bounding the search keeps hostile
    // input (many `&`, no `;`) linear.
    let window = &s.as_bytes()[..s.len().min(12)];
    let end = window.iter().position(|&b| b == b';')?;
    let body = &s[1..end];
    let ch = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        match char::from_u32(code) {
            Some('\0') | None => '\u{FFFD}',
            Some(c) => c,
        }
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{A0}',
            "hellip" => '…',
            "mdash" => '—',
            "ndash" => '–',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            "laquo" => '«',
            "raquo" => '»',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "middot" => '·',
            "bull" => '•',
            _ => return None,
        }
    };
    Some((ch, end + 1))
}

fn is_html_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

fn trim_trailing_spaces(out: &mut String) {
    let len = out.trim_end_matches([' ', '\t']).len();
    out.truncate(len);
}

/// Escapes `& < > " '` for use in HTML text and double- or single-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

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

/// Returns true if `{`/`[` nesting in raw JSON bytes ever exceeds `max_depth`.
///
/// A single allocation-free pass that ignores brackets inside strings
/// (honouring `\"` and `\\` escapes). It does not validate the JSON; it only
/// lets hostile, deeply nested bodies be rejected before serde parses them.
pub fn json_depth_exceeds(body: &[u8], max_depth: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests;
