//! Parsing the `Signature` header (or `Authorization: Signature …`): its parameters, quoted
//! values and the default signed headers, refusing what Mastodon refuses.
use super::{LENIENT_BASE64, SignatureError};
use base64::Engine as _;
use http::HeaderMap;

/// A parsed `Signature` header (or `Authorization: Signature …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `keyId`, usually `https://host/users/name#main-key`.
    pub key_id: String,
    /// `algorithm`, as sent (compare case-insensitively).
    pub algorithm: Option<String>,
    /// `headers`, lowercased, in order. Defaults to `["date"]` when the parameter is absent.
    pub headers: Vec<String>,
    /// The decoded `signature`.
    pub signature: Vec<u8>,
    /// `created` (Unix seconds).
    pub created: Option<i64>,
    /// `expires` (Unix seconds).
    pub expires: Option<i64>,
}

impl SignatureHeader {
    /// Parses the value of a `Signature` header. A leading `Signature ` (the
    /// `Authorization: Signature …` form) is stripped. Parameter names are matched
    /// case-insensitively, values may be quoted (quoted values may contain commas and
    /// `\`-escapes) or bare; unknown parameters are ignored.
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let mut value = value.trim();
        if let Some(prefix) = value.get(..10)
            && prefix.eq_ignore_ascii_case("signature ")
        {
            value = value[10..].trim_start();
        }
        let mut key_id = None;
        let mut algorithm = None;
        let mut headers = None;
        let mut signature = None;
        let mut created = None;
        let mut expires = None;
        for (name, v) in parse_params(value)? {
            let slot = match name.as_str() {
                "keyid" => &mut key_id,
                "algorithm" => &mut algorithm,
                "headers" => &mut headers,
                "signature" => &mut signature,
                "created" => &mut created,
                "expires" => &mut expires,
                _ => continue,
            };
            if slot.is_some() {
                return Err(SignatureError::DuplicateParameter(name));
            }
            *slot = Some(v);
        }
        let key_id = key_id
            .filter(|k| !k.is_empty())
            .ok_or(SignatureError::MissingKeyId)?;
        let signature = signature
            .filter(|s| !s.is_empty())
            .ok_or(SignatureError::MissingSignature)?;
        let signature: String = signature.chars().filter(|c| !c.is_whitespace()).collect();
        let signature = LENIENT_BASE64
            .decode(signature.as_bytes())
            .map_err(|_| SignatureError::InvalidSignatureBase64)?;
        if signature.is_empty() {
            return Err(SignatureError::MissingSignature);
        }
        let headers = match headers {
            None => vec!["date".to_owned()],
            Some(h) => h
                .split_ascii_whitespace()
                .map(str::to_ascii_lowercase)
                .collect(),
        };
        let created = created
            .map(|c| c.parse::<i64>().map_err(|_| SignatureError::InvalidCreated))
            .transpose()?;
        let expires = expires
            .map(|c| c.parse::<i64>().map_err(|_| SignatureError::InvalidExpires))
            .transpose()?;
        Ok(SignatureHeader {
            key_id,
            algorithm: algorithm.filter(|a| !a.is_empty()),
            headers,
            signature,
            created,
            expires,
        })
    }

    /// Finds and parses the signature of a request: the `Signature` header, or else an
    /// `Authorization` header of the form `Signature keyId=…`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, SignatureError> {
        if let Some(v) = headers.get("signature") {
            let v = v
                .to_str()
                .map_err(|_| SignatureError::HeaderNotText("signature".to_owned()))?;
            return Self::parse(v);
        }
        for v in headers.get_all(http::header::AUTHORIZATION) {
            if let Ok(v) = v.to_str()
                && v.get(..10)
                    .is_some_and(|p| p.eq_ignore_ascii_case("signature "))
            {
                return Self::parse(v);
            }
        }
        Err(SignatureError::NoSignatureHeader)
    }

    pub(super) fn signs(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }
}

/// Splits `name=value, name="quoted, value"` into lowercased names and unquoted values.
fn parse_params(s: &str) -> Result<Vec<(String, String)>, SignatureError> {
    let malformed = |m: &str| SignatureError::MalformedSignatureHeader(m.to_owned());
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    loop {
        while it.next_if(|c| *c == ',' || c.is_whitespace()).is_some() {}
        if it.peek().is_none() {
            break;
        }
        let mut name = String::new();
        loop {
            match it.next() {
                Some('=') => break,
                Some(',') | None => {
                    return Err(malformed(&format!(
                        "parameter \"{}\" has no value",
                        name.trim()
                    )));
                }
                Some(c) => name.push(c),
            }
        }
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '"') {
            return Err(malformed("invalid parameter name"));
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'"').is_some() {
            let mut closed = false;
            while let Some(c) = it.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match it.next() {
                        Some(e) => value.push(e),
                        None => break,
                    },
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(malformed(&format!(
                    "unterminated quoted value for \"{name}\""
                )));
            }
            while it.next_if(|c| c.is_whitespace()).is_some() {}
            if !matches!(it.peek(), None | Some(',')) {
                return Err(malformed(&format!(
                    "unexpected text after the quoted value of \"{name}\""
                )));
            }
        } else {
            while let Some(c) = it.next_if(|c| *c != ',') {
                value.push(c);
            }
            value = value.trim().to_owned();
        }
        out.push((name, value));
    }
    Ok(out)
}
