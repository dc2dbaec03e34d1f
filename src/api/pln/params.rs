//! Request-parameter helpers the PLN handlers share: the default and largest page sizes,
//! trimming optional text, and optional lists (absent = keep, for edits) in any body format.
use crate::api::form::de;
use serde::Deserializer;

/// Items per page of the PLN lists (20 by default, at most 40).
pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 40;

/// The trimmed text, `None` when absent or blank.
pub fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// An optional list of strings (`a[]=x&a[]=y`, a JSON array or one value): `Some` when given.
pub fn opt_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::vec_string(d).map(Some)
}

/// An optional list of ids: `Some` when given.
pub fn opt_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    de::vec_i64(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_none() {
        assert_eq!(non_empty(Some("  x ".into())), Some("x".into()));
        assert_eq!(non_empty(Some("   ".into())), None);
        assert_eq!(non_empty(None), None);
    }
}
