//! Reading and writing published domain lists: Mastodon's CSV export (`#domain,#severity,…`),
//! a JSON array (`[{"domain", "severity"|"type", "comment"|"public_comment", …}]` or plain
//! strings) and plain text (one domain per line, `#` comments). Reading is strict: a list with a
//! line that is not a domain is refused whole, so a garbage answer never replaces a good list.
use crate::{
    error::{AppError, AppResult},
    federation::policy::{Severity, normalise_domain},
};
use serde_json::Value;

/// Most entries accepted from one list.
pub const MAX_ENTRIES: usize = 20_000;

/// One entry read from a published list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedDomain {
    pub domain: String,
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
}

impl ListedDomain {
    fn new(domain: String) -> Self {
        ListedDomain {
            domain,
            severity: Severity::Suspend,
            reject_media: false,
            reject_reports: false,
            public_comment: String::new(),
        }
    }
}

/// The domain of an entry, normalised, or why it is not one. `host:port` is accepted (test and
/// trial peers); wildcards and obfuscated names (`*`) are not.
pub fn valid_domain(raw: &str) -> Result<String, String> {
    let domain = normalise_domain(raw);
    let domain = domain.strip_prefix("*.").unwrap_or(&domain).to_string();
    let ok = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !domain.starts_with(['.', '-', ':'])
        && url::Url::parse(&format!("http://{domain}/"))
            .ok()
            .and_then(|u| u.host_str().map(|h| h.contains('.') || h == "localhost"))
            .unwrap_or(false);
    if ok {
        Ok(domain)
    } else {
        Err(format!("{raw:?} is not a domain"))
    }
}

/// Reads a published list in any of the three formats (detected from its content).
pub fn parse(body: &str) -> AppResult<Vec<ListedDomain>> {
    let body = body.trim_start_matches('\u{feff}').trim();
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let entries = if body.starts_with('[') {
        parse_json(body)?
    } else if looks_like_csv_header(body.lines().next().unwrap_or("")) {
        parse_csv(body)?
    } else {
        parse_text(body)?
    };
    if entries.len() > MAX_ENTRIES {
        return Err(AppError::Invalid(format!(
            "the list has {} entries; at most {MAX_ENTRIES} are accepted",
            entries.len()
        )));
    }
    Ok(dedupe(entries))
}

fn dedupe(entries: Vec<ListedDomain>) -> Vec<ListedDomain> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter(|e| seen.insert(e.domain.clone()))
        .collect()
}

fn bad(what: String) -> AppError {
    AppError::Invalid(format!("the list cannot be read: {what}"))
}

fn looks_like_csv_header(line: &str) -> bool {
    split_csv_line(line).first().is_some_and(|h| {
        h.trim()
            .trim_start_matches('#')
            .eq_ignore_ascii_case("domain")
    })
}

fn parse_text(body: &str) -> AppResult<Vec<ListedDomain>> {
    let mut out = Vec::new();
    for (n, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        let domain = valid_domain(line).map_err(|e| bad(format!("line {}: {e}", n + 1)))?;
        out.push(ListedDomain::new(domain));
    }
    Ok(out)
}

/// One CSV line split into fields (double quotes, `""` inside quotes).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn truthy(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes")
}

fn parse_csv(body: &str) -> AppResult<Vec<ListedDomain>> {
    let mut lines = body.lines();
    let header: Vec<String> = split_csv_line(lines.next().unwrap_or(""))
        .into_iter()
        .map(|h| h.trim().trim_start_matches('#').to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let domain_at = column("domain").ok_or_else(|| bad("no domain column".into()))?;
    let severity_at = column("severity");
    let media_at = column("reject_media");
    let reports_at = column("reject_reports");
    let comment_at = column("public_comment").or_else(|| column("comment"));
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).map(|s| s.trim());
        let raw = get(Some(domain_at)).unwrap_or("");
        // Obfuscated entries (`ex*mple.org`) cannot be matched; Mastodon skips them too.
        if raw.contains('*') && !raw.starts_with("*.") {
            continue;
        }
        let domain = valid_domain(raw).map_err(|e| bad(format!("row {}: {e}", n + 2)))?;
        let mut entry = ListedDomain::new(domain);
        if let Some(s) = get(severity_at).filter(|s| !s.is_empty()) {
            entry.severity = Severity::parse(s)
                .ok_or_else(|| bad(format!("row {}: unknown severity {s:?}", n + 2)))?;
        }
        entry.reject_media = get(media_at).is_some_and(truthy);
        entry.reject_reports = get(reports_at).is_some_and(truthy);
        entry.public_comment = get(comment_at).unwrap_or("").chars().take(1000).collect();
        out.push(entry);
    }
    Ok(out)
}

fn parse_json(body: &str) -> AppResult<Vec<ListedDomain>> {
    let value: Value = serde_json::from_str(body).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(bad("the JSON is not an array".into()));
    };
    let mut out = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let at = |e: String| bad(format!("item {n}: {e}"));
        let (raw, obj) = match item {
            Value::String(s) => (s.as_str(), None),
            Value::Object(obj) => (
                obj.get("domain")
                    .and_then(Value::as_str)
                    .ok_or_else(|| at("no domain".into()))?,
                Some(obj),
            ),
            _ => return Err(at("neither a domain nor an object".into())),
        };
        if raw.contains('*') && !raw.starts_with("*.") {
            continue;
        }
        let mut entry = ListedDomain::new(valid_domain(raw).map_err(at)?);
        if let Some(obj) = obj {
            let text = |k: &str| obj.get(k).and_then(Value::as_str);
            let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
            if let Some(s) = text("severity").or_else(|| text("type")) {
                entry.severity =
                    Severity::parse(s).ok_or_else(|| at(format!("unknown severity {s:?}")))?;
            }
            entry.reject_media = flag("reject_media");
            entry.reject_reports = flag("reject_reports");
            entry.public_comment = text("public_comment")
                .or_else(|| text("comment"))
                .unwrap_or("")
                .chars()
                .take(1000)
                .collect();
        }
        out.push(entry);
    }
    Ok(out)
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"").replace(['\n', '\r'], " "))
    } else {
        s.to_string()
    }
}

/// Mastodon's export format: `#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`.
pub fn to_csv(entries: &[ListedDomain]) -> String {
    let mut out = String::from(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n",
    );
    for e in entries {
        out.push_str(&format!(
            "{},{},{},{},{},false\n",
            csv_field(&e.domain),
            e.severity.as_str(),
            e.reject_media,
            e.reject_reports,
            csv_field(&e.public_comment)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mastodon_csv_exports_with_quotes_and_skips_obfuscated_rows() {
        let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                   spam.example,suspend,false,false,\"spam, lots of it\",false\n\
                   loud.example,silence,true,false,,false\n\
                   se*ret.example,suspend,false,false,,true\n";
        let list = parse(csv).expect("csv");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].domain, "spam.example");
        assert_eq!(list[0].public_comment, "spam, lots of it");
        assert_eq!(list[1].severity, Severity::Silence);
        assert!(list[1].reject_media);
    }

    #[test]
    fn reads_json_lists_of_objects_and_strings() {
        let json = r#"[{"domain":"A.example","severity":"limit","comment":"noisy"},
                      {"domain":"b.example","type":"suspend"}, "c.example:8443"]"#;
        let list = parse(json).expect("json");
        assert_eq!(list[0].domain, "a.example");
        assert_eq!(list[0].severity, Severity::Silence);
        assert_eq!(list[0].public_comment, "noisy");
        assert_eq!(list[1].severity, Severity::Suspend);
        assert_eq!(list[2].domain, "c.example:8443");
    }

    #[test]
    fn reads_plain_text_with_comments_and_blank_lines() {
        let list = parse("# consortium list\n\nens-rabat.example\n*.crmef.example\n").expect("txt");
        let domains: Vec<_> = list.iter().map(|e| e.domain.as_str()).collect();
        assert_eq!(domains, ["ens-rabat.example", "crmef.example"]);
    }

    #[test]
    fn refuses_garbage_whole() {
        assert!(parse("<!DOCTYPE html><html><body>Not found</body></html>").is_err());
        assert!(parse("[{\"nodomain\":1}]").is_err());
        assert!(parse("{\"domain\":\"a.example\"}").is_err());
        assert!(parse("#domain,#severity\nok.example,obliterate\n").is_err());
        assert!(parse("good.example\nnot a domain\n").is_err());
    }

    #[test]
    fn csv_round_trips() {
        let entries = vec![ListedDomain {
            domain: "x.example".into(),
            severity: Severity::Silence,
            reject_media: true,
            reject_reports: false,
            public_comment: "says \"hi\", often".into(),
        }];
        assert_eq!(parse(&to_csv(&entries)).expect("round trip"), entries);
    }
}
