//! HTML → plain text (for summaries, search, notifications) and HTML escaping.
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
