//! Sanitizing remote HTML down to Mastodon's allowed subset (links get `rel`, headings become
//! bold paragraphs, only microformat and mention classes survive).
use super::LINK_REL;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

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
