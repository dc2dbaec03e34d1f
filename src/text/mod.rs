//! Status text handling, one submodule each: sanitizing remote HTML down to Mastodon's allowed
//! subset (`sanitize`), HTML → plain text (`plain`), composing local plain-text statuses into
//! HTML with links, mentions and hashtags (`compose`); and here, cheap pre-parse checks on raw
//! JSON bodies.
mod compose;
mod plain;
mod sanitize;

pub use compose::*;
pub use plain::*;
pub use sanitize::*;

/// `rel` put on every link we emit or let through.
const LINK_REL: &str = "nofollow noopener noreferrer";

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
