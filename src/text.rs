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
mod tests {
    use super::*;

    fn resolve_all(m: &MentionRef) -> Option<ResolvedMention> {
        let display = match &m.domain {
            Some(d) => format!("@{}@{}", m.username, d),
            None => format!("@{}", m.username),
        };
        let host = m.domain.as_deref().unwrap_or("halqa.example");
        Some(ResolvedMention {
            url: format!("https://{host}/@{}", m.username),
            display,
        })
    }

    fn resolve_none(_: &MentionRef) -> Option<ResolvedMention> {
        None
    }

    fn tag_url(name: &str) -> String {
        format!("https://halqa.example/tags/{name}")
    }

    fn render(text: &str) -> String {
        render_local_status(text, &resolve_all, &tag_url)
    }

    fn mention(user: &str, domain: Option<&str>) -> MentionRef {
        MentionRef {
            username: user.to_owned(),
            domain: domain.map(str::to_owned),
        }
    }

    // ---- sanitize_remote_html ----

    #[test]
    fn sanitize_drops_script_and_style_with_content() {
        let out = sanitize_remote_html(
            "<p>hi<script>alert('x')</script><style>p{color:red}</style> there</p>",
        );
        assert_eq!(out, "<p>hi there</p>");
    }

    #[test]
    fn sanitize_drops_iframe_object_svg() {
        let out = sanitize_remote_html(
            "<p>a</p><iframe src=\"https://evil.example\">fallback</iframe>\
             <object data=\"x\">obj</object><svg><script>alert(1)</script><text>t</text></svg><p>b</p>",
        );
        assert_eq!(out, "<p>a</p><p>b</p>");
    }

    #[test]
    fn sanitize_strips_event_handlers_and_style_attributes() {
        let out = sanitize_remote_html(
            "<p onclick=\"steal()\" style=\"color:red\" id=\"x\"><span onmouseover=\"x()\">t</span></p>",
        );
        assert_eq!(out, "<p><span>t</span></p>");
        assert!(!out.contains("onclick"));
    }

    #[test]
    fn sanitize_removes_javascript_and_relative_hrefs() {
        let out = sanitize_remote_html("<a href=\"javascript:alert(1)\">x</a>");
        assert!(!out.contains("javascript"), "{out}");
        assert!(!out.contains("href"), "{out}");
        let out = sanitize_remote_html("<a href=\"JaVaScRiPt:alert(1)\">x</a>");
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        let out = sanitize_remote_html("<a href=\"data:text/html,<script>\">x</a>");
        assert!(!out.contains("data:"), "{out}");
        let out = sanitize_remote_html("<a href=\"/relative\">x</a>");
        assert!(!out.contains("href"), "{out}");
    }

    #[test]
    fn sanitize_keeps_allowed_schemes() {
        for url in [
            "https://example.com/",
            "http://example.com/",
            "gemini://example.com/",
            "magnet:?xt=urn:btih:abc",
            "xmpp:user@example.com",
        ] {
            let out = sanitize_remote_html(&format!("<a href=\"{url}\">x</a>"));
            assert!(out.contains(&format!("href=\"{url}\"")), "{url}: {out}");
        }
    }

    #[test]
    fn sanitize_adds_rel_and_target_to_links() {
        let out = sanitize_remote_html("<a href=\"https://example.com/\" rel=\"me\">x</a>");
        assert!(
            out.contains("rel=\"nofollow noopener noreferrer\""),
            "{out}"
        );
        assert!(out.contains("target=\"_blank\""), "{out}");
        assert!(!out.contains("rel=\"me\""), "{out}");
    }

    #[test]
    fn sanitize_keeps_mention_and_hashtag_classes() {
        let html = "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://m.example/@bob\" \
                    class=\"u-url mention\">@<span>bob</span></a></span> \
                    <a href=\"https://m.example/tags/x\" class=\"mention hashtag\" rel=\"tag\">#<span>x</span></a></p>";
        let out = sanitize_remote_html(html);
        assert!(out.contains("class=\"h-card\""), "{out}");
        assert!(out.contains("translate=\"no\""), "{out}");
        assert!(out.contains("class=\"u-url mention\""), "{out}");
        assert!(out.contains("class=\"mention hashtag\""), "{out}");
    }

    #[test]
    fn sanitize_filters_classes() {
        let out = sanitize_remote_html(
            "<a href=\"https://x.example/\" class=\"evil mention p-name\">a</a>\
             <span class=\"big-red\">b</span><p class=\"h-entry\">c</p>\
             <span class=\"invisible\">d</span><span class=\"ellipsis quote-inline\">e</span>",
        );
        assert!(out.contains("class=\"mention p-name\""), "{out}");
        assert!(!out.contains("evil"), "{out}");
        assert!(!out.contains("big-red"), "{out}");
        assert!(out.contains("<span>b</span>"), "{out}");
        assert!(out.contains("<p>c</p>"), "class not allowed on p: {out}");
        assert!(out.contains("<span class=\"invisible\">d</span>"), "{out}");
        assert!(
            out.contains("<span class=\"ellipsis quote-inline\">e</span>"),
            "{out}"
        );
    }

    #[test]
    fn sanitize_unwraps_images_and_unknown_elements() {
        let out = sanitize_remote_html(
            "<div><p>x<img src=\"https://e.example/a.png\" alt=\"pic\" onerror=\"x()\">y</p></div>",
        );
        assert_eq!(out, "<p>xy</p>");
    }

    #[test]
    fn sanitize_keeps_lists_and_formatting() {
        let html = "<ol start=\"3\" reversed><li value=\"5\">a</li></ol><ul><li><em>b</em> \
                    <strong>c</strong> <del>d</del> <code>e</code></li></ul><blockquote><pre>f</pre></blockquote>";
        let out = sanitize_remote_html(html);
        assert!(out.contains("<ol start=\"3\" reversed=\"\">"), "{out}");
        assert!(out.contains("<li value=\"5\">"), "{out}");
        assert!(out.contains("<em>b</em>"), "{out}");
        assert!(out.contains("<strong>c</strong>"), "{out}");
        assert!(out.contains("<del>d</del>"), "{out}");
        assert!(out.contains("<code>e</code>"), "{out}");
        assert!(
            out.contains("<blockquote><pre>f</pre></blockquote>"),
            "{out}"
        );
        let out = sanitize_remote_html("<ol start=\"x\"><li>a</li></ol>");
        assert_eq!(out, "<ol><li>a</li></ol>");
    }

    #[test]
    fn sanitize_downgrades_headings() {
        let out = sanitize_remote_html("<h1 class=\"x\">Title</h1><p>body</p>");
        assert_eq!(out, "<p><strong>Title</strong></p><p>body</p>");
        // `<h2>` inside an attribute value is not a tag and is left alone.
        let out = sanitize_remote_html("<a href=\"https://e.example/<h2>\">x</a>");
        assert!(!out.contains("<strong>"), "{out}");
    }

    #[test]
    fn sanitize_escapes_text() {
        assert_eq!(
            sanitize_remote_html("a &lt;b&gt; & c"),
            "a &lt;b&gt; &amp; c"
        );
        assert_eq!(sanitize_remote_html(""), "");
    }

    #[test]
    fn sanitize_is_idempotent() {
        let html = "<p>Hi <a href=\"https://x.example/\" class=\"mention\">x</a><br>there</p>";
        let once = sanitize_remote_html(html);
        assert_eq!(sanitize_remote_html(&once), once);
    }

    // ---- html_to_plain_text ----

    #[test]
    fn plain_text_paragraphs_breaks_and_entities() {
        let html = "<p>Hello &amp; welcome<br>second&nbsp;line</p>\n<p>&lt;b&gt; &quot;q&quot; \
                    it&#39;s &#x41;&#66; &apos;</p>";
        assert_eq!(
            html_to_plain_text(html),
            "Hello & welcome\nsecond\u{a0}line\n\n<b> \"q\" it's AB '"
        );
    }

    #[test]
    fn plain_text_strips_tags_and_scripts() {
        let html = "<p><span class=\"h-card\"><a href=\"https://m.example/@bob\">@<span>bob</span></a></span> \
                    see <a href=\"https://example.com/a\"><span class=\"invisible\">https://</span>\
                    <span>example.com/a</span></a><script>alert(1)</script><style>x{}</style></p>";
        assert_eq!(html_to_plain_text(html), "@bob see https://example.com/a");
    }

    #[test]
    fn plain_text_handles_odd_input() {
        assert_eq!(html_to_plain_text(""), "");
        assert_eq!(html_to_plain_text("a < b && c > d"), "a < b && c > d");
        assert_eq!(html_to_plain_text("x<!-- hidden -->y"), "xy");
        assert_eq!(html_to_plain_text("&unknown; &#0;"), "&unknown; \u{FFFD}");
        assert_eq!(html_to_plain_text("<ul><li>a</li><li>b</li></ul>"), "a\nb");
        assert_eq!(html_to_plain_text("<pre>a\n  b</pre>"), "a\n  b");
        assert_eq!(html_to_plain_text("<p>  a \n  b  </p>"), "a b");
        assert_eq!(html_to_plain_text("<a title=\"x>y\">t</a>"), "t");
    }

    // ---- escape_html ----

    #[test]
    fn escape_html_escapes_all_specials() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("تعليم"), "تعليم");
    }

    // ---- parse_mentions_and_tags ----

    #[test]
    fn parses_local_and_remote_mentions() {
        let parsed =
            parse_mentions_and_tags("hi @alice and @bob@mastodon.social, @carol.d@x.example.");
        assert_eq!(
            parsed.mentions,
            vec![
                mention("alice", None),
                mention("bob", Some("mastodon.social")),
                mention("carol.d", Some("x.example")),
            ]
        );
    }

    #[test]
    fn parses_mention_with_port() {
        let parsed = parse_mentions_and_tags("@bob@localhost:8080 hello");
        assert_eq!(
            parsed.mentions,
            vec![mention("bob", Some("localhost:8080"))]
        );
    }

    #[test]
    fn email_is_not_a_mention() {
        let parsed = parse_mentions_and_tags("mail me at a@b.c or teacher@school.example");
        assert!(parsed.mentions.is_empty(), "{:?}", parsed.mentions);
    }

    #[test]
    fn mention_inside_url_is_ignored() {
        let parsed = parse_mentions_and_tags("see https://mastodon.social/@bob and x=@y");
        assert!(parsed.mentions.is_empty(), "{:?}", parsed.mentions);
    }

    #[test]
    fn mention_trailing_punctuation_excluded() {
        let parsed = parse_mentions_and_tags("thanks @bob. (@carol) @dave:");
        assert_eq!(
            parsed.mentions,
            vec![
                mention("bob", None),
                mention("carol", None),
                mention("dave", None)
            ]
        );
    }

    #[test]
    fn parses_unicode_hashtags() {
        let parsed = parse_mentions_and_tags("#تعليم و #éducation et #Math_101 #STEM");
        assert_eq!(
            parsed.hashtags,
            vec!["تعليم", "éducation", "math_101", "stem"]
        );
    }

    #[test]
    fn numeric_hashtags_and_in_word_hashes_ignored() {
        let parsed = parse_mentions_and_tags("#123 issue#5 C#sharp x&#39;s #_ (#ok)");
        assert_eq!(parsed.hashtags, vec!["ok"]);
    }

    #[test]
    fn url_fragment_is_not_a_hashtag() {
        let parsed = parse_mentions_and_tags(
            "read https://example.com/page#section and https://example.com/#top #real",
        );
        assert_eq!(parsed.hashtags, vec!["real"]);
    }

    #[test]
    fn dedupes_preserving_first_seen_order() {
        let parsed = parse_mentions_and_tags(
            "#Zeta #alpha #ZETA @Bob @bob @bob@Host.example @BOB@host.example @amy",
        );
        assert_eq!(parsed.hashtags, vec!["zeta", "alpha"]);
        assert_eq!(
            parsed.mentions,
            vec![
                mention("Bob", None),
                mention("bob", Some("Host.example")),
                mention("amy", None),
            ]
        );
    }

    // ---- render_local_status ----

    #[test]
    fn render_escapes_html() {
        let out = render("<script>alert('x')</script> & \"q\"");
        assert_eq!(
            out,
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>"
        );
    }

    #[test]
    fn render_paragraphs_and_line_breaks() {
        let out = render("line one\nline two\n\n\n  \npara two\r\n\r\npara three\n");
        assert_eq!(
            out,
            "<p>line one<br>line two</p><p>para two</p><p>para three</p>"
        );
        assert_eq!(render(""), "");
        assert_eq!(render(" \n\n "), "");
    }

    #[test]
    fn render_mentions() {
        let out = render("hi @bob and @carol@remote.example");
        assert_eq!(
            out,
            "<p>hi <span class=\"h-card\"><a href=\"https://halqa.example/@bob\" \
             class=\"u-url mention\">@<span>bob</span></a></span> and \
             <span class=\"h-card\"><a href=\"https://remote.example/@carol\" \
             class=\"u-url mention\">@<span>carol@remote.example</span></a></span></p>"
        );
    }

    #[test]
    fn render_unresolved_mention_is_plain_text() {
        let out = render_local_status("hi @ghost@nowhere.example <3", &resolve_none, &tag_url);
        assert_eq!(out, "<p>hi @ghost@nowhere.example &lt;3</p>");
    }

    #[test]
    fn render_hashtags() {
        let out = render("#Éducation #تعليم");
        assert_eq!(
            out,
            "<p><a href=\"https://halqa.example/tags/éducation\" class=\"mention hashtag\" \
             rel=\"tag\">#<span>Éducation</span></a> <a href=\"https://halqa.example/tags/تعليم\" \
             class=\"mention hashtag\" rel=\"tag\">#<span>تعليم</span></a></p>"
        );
    }

    #[test]
    fn render_links() {
        let out = render("see https://example.com/a?b=1&c=2.");
        assert_eq!(
            out,
            "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\" \
             target=\"_blank\"><span class=\"invisible\">https://</span><span>example.com/a?b=1&amp;c=2</span></a>.</p>"
        );
        let out = render("(https://www.example.com/a/very/long/path/that/goes/on/and/on)");
        assert!(
            out.starts_with(
                "<p>(<a href=\"https://www.example.com/a/very/long/path/that/goes/on/and/on\""
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "<span class=\"invisible\">https://www.</span><span class=\"ellipsis\">\
                 example.com/a/very/long/path/t</span><span class=\"invisible\">hat/goes/on/and/on</span></a>)</p>"
            ),
            "{out}"
        );
        // Not a URL: no link.
        assert_eq!(render("javascript:alert(1)"), "<p>javascript:alert(1)</p>");
    }

    #[test]
    fn render_output_survives_sanitizer() {
        let text = "Hello @bob and @carol@remote.example!\n#Maths <b>bold</b> \
                    https://example.com/some/really/long/path/here?x=1#frag\n\nbye #تعليم";
        let rendered = render(text);
        let sanitized = sanitize_remote_html(&rendered);
        assert_eq!(
            html_to_plain_text(&sanitized),
            html_to_plain_text(&rendered)
        );
        for needle in [
            "<span class=\"h-card\">",
            "class=\"u-url mention\"",
            "href=\"https://halqa.example/@bob\"",
            "href=\"https://remote.example/@carol\"",
            "class=\"mention hashtag\"",
            "href=\"https://halqa.example/tags/maths\"",
            "href=\"https://example.com/some/really/long/path/here?x=1#frag\"",
            "<span class=\"ellipsis\">",
            "<span class=\"invisible\">https://</span>",
            "&lt;b&gt;bold&lt;/b&gt;",
            "<br>",
            "</p><p>",
        ] {
            assert!(
                rendered.contains(needle),
                "rendered lacks {needle}: {rendered}"
            );
            assert!(
                sanitized.contains(needle),
                "sanitized lacks {needle}: {sanitized}"
            );
        }
        // Only the rel/target attributes the sanitizer normalises may differ.
        let strip = |s: &str| {
            s.replace(" rel=\"tag\"", "")
                .replace(" rel=\"nofollow noopener noreferrer\"", "")
                .replace(" target=\"_blank\"", "")
        };
        assert_eq!(strip(&sanitized), strip(&rendered));
    }

    #[test]
    fn render_and_parse_agree() {
        let text = "@bob #a https://x.example/#b a@b.c #a";
        let parsed = parse_mentions_and_tags(text);
        let out = render(text);
        assert_eq!(parsed.mentions, vec![mention("bob", None)]);
        assert_eq!(parsed.hashtags, vec!["a"]);
        assert_eq!(out.matches("class=\"mention hashtag\"").count(), 2);
        assert_eq!(out.matches("class=\"u-url mention\"").count(), 1);
    }

    // ---- json_depth_exceeds ----

    #[test]
    fn json_depth_nested_arrays_and_objects() {
        assert!(!json_depth_exceeds(b"[[[]]]", 3));
        assert!(json_depth_exceeds(b"[[[[]]]]", 3));
        assert!(!json_depth_exceeds(br#"{"a":{"b":[1,2,{"c":3}]}}"#, 4));
        assert!(json_depth_exceeds(br#"{"a":{"b":[1,2,{"c":{}}]}}"#, 4));
        assert!(!json_depth_exceeds(b"[][][][][]", 1));
        assert!(!json_depth_exceeds(b"", 0));
        assert!(json_depth_exceeds(b"{}", 0));
        let hostile = "[".repeat(100_000);
        assert!(json_depth_exceeds(hostile.as_bytes(), 64));
    }

    #[test]
    fn json_depth_ignores_brackets_in_strings() {
        assert!(!json_depth_exceeds(br#"{"a":"[[[[{{{{"}"#, 1));
        assert!(!json_depth_exceeds(br#"["]]]]", "[[[["]"#, 1));
    }

    #[test]
    fn json_depth_handles_escaped_quotes() {
        // The \" does not end the string, so the brackets after it are still inside it.
        assert!(!json_depth_exceeds(br#"{"a":"x\"[[[[","b":1}"#, 1));
        // An escaped backslash right before the quote does end the string.
        assert!(json_depth_exceeds(br#"{"a":"x\\","b":[[1]]}"#, 2));
        assert!(!json_depth_exceeds(br#"{"a":"x\\","b":[[1]]}"#, 3));
    }
}
