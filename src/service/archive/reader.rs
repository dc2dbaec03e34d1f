//! Reading an uploaded account archive without trusting it: only the names this format uses
//! (no folders but `media/`, no `..`, no absolute paths), at most [`MAX_ENTRIES`] members and
//! [`MAX_TOTAL`] bytes once uncompressed (counted while reading, whatever the headers claim),
//! each JSON file at most [`MAX_JSON`] bytes, a manifest of this format and version, and every
//! object owned by the archive's account ([`Contents::check_ownership`]). Blocking: run it on
//! a blocking thread.
use super::format::{
    self, ACTOR, COLLECTIONS, FORMAT, MANIFEST, MEDIA_DIR, MENTORSHIPS, Manifest, OUTBOX,
    RESOURCES, VERSION,
};
use crate::{
    error::{AppError, AppResult},
    service::exports,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::{
    collections::{BTreeMap, HashSet},
    io::{Read, Seek},
};
use url::Url;

/// Most members an archive may have.
pub const MAX_ENTRIES: usize = 5_000;
/// Most bytes all members may hold once uncompressed.
pub const MAX_TOTAL: u64 = 1024 * 1024 * 1024;
/// Most bytes of one JSON or CSV file.
pub const MAX_JSON: u64 = 64 * 1024 * 1024;

fn refused(why: impl std::fmt::Display) -> AppError {
    AppError::Invalid(format!("the archive was refused: {why}"))
}

/// Whether `name` is a member this format may have.
pub fn allowed_name(name: &str) -> bool {
    if [MANIFEST, ACTOR, OUTBOX, RESOURCES, COLLECTIONS, MENTORSHIPS].contains(&name)
        || exports::FILES.contains(&name)
    {
        return true;
    }
    match name.strip_prefix(MEDIA_DIR) {
        Some(file) => {
            !file.is_empty()
                && file.len() <= 128
                && !file.starts_with('.')
                && !file.contains("..")
                && file
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        }
        None => false,
    }
}

/// What an archive holds, read and checked.
#[derive(Debug, Clone)]
pub struct Contents {
    pub manifest: Manifest,
    pub actor: Value,
    /// The `Create` activities of `outbox.json`.
    pub outbox: Vec<Value>,
    pub resources: Vec<format::Resource>,
    pub collections: Vec<format::Collection>,
    pub mentorships: Vec<format::Mentorship>,
    /// Mastodon CSV files by name.
    pub csv: BTreeMap<String, String>,
    /// The members under `media/`, with their uncompressed sizes.
    pub media: BTreeMap<String, u64>,
}

/// Reads member `name` (at most `limit` bytes, counted while decompressing).
fn read_member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> AppResult<Vec<u8>> {
    let member = zip
        .by_name(name)
        .map_err(|e| refused(format!("{name}: {e}")))?;
    let mut bytes = Vec::new();
    member
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refused(format!("{name} cannot be read: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(refused(format!(
            "{name} is larger than {} MB",
            limit / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// Opens and checks an archive (see the module doc); the media files stay in it, read one by
/// one with [`read_media`].
pub fn open<R: Read + Seek>(reader: R) -> AppResult<Contents> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| refused(format!("it is not a readable ZIP file ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refused(format!("it has more than {MAX_ENTRIES} files")));
    }
    let mut names = HashSet::new();
    let mut media = BTreeMap::new();
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let member = zip
            .by_index_raw(i)
            .map_err(|e| refused(format!("member {i}: {e}")))?;
        let name = member
            .name()
            .map_err(|e| refused(format!("member {i} has an unreadable name: {e}")))?
            .to_string();
        if member.is_dir() {
            if name == MEDIA_DIR {
                continue;
            }
            return Err(refused(format!("unexpected folder {name:?}")));
        }
        if !allowed_name(&name) {
            return Err(refused(format!("unexpected file name {name:?}")));
        }
        if !names.insert(name.clone()) {
            return Err(refused(format!("{name:?} appears twice")));
        }
        declared = declared.saturating_add(member.size());
        if declared > MAX_TOTAL {
            return Err(refused(format!(
                "its files would take more than {} MB",
                MAX_TOTAL / (1024 * 1024)
            )));
        }
        if name.starts_with(MEDIA_DIR) {
            media.insert(name, member.size());
        }
    }
    if !names.contains(MANIFEST) {
        return Err(refused(format!(
            "it has no {MANIFEST}; is it a Halqa archive?"
        )));
    }
    let manifest: Manifest = serde_json::from_slice(&read_member(&mut zip, MANIFEST, MAX_JSON)?)
        .map_err(|e| refused(format!("{MANIFEST} is not valid: {e}")))?;
    if manifest.format != FORMAT {
        return Err(refused(format!(
            "{MANIFEST} says format {:?}, not {FORMAT:?}",
            manifest.format
        )));
    }
    if manifest.version != VERSION {
        return Err(refused(format!(
            "it is format version {}; this node reads version {VERSION}",
            manifest.version
        )));
    }
    let mut budget = MAX_TOTAL;
    let mut take = |zip: &mut zip::ZipArchive<R>, name: &str| -> AppResult<Option<Vec<u8>>> {
        if !names.contains(name) {
            return Ok(None);
        }
        let bytes = read_member(zip, name, MAX_JSON.min(budget))?;
        budget = budget.saturating_sub(bytes.len() as u64);
        Ok(Some(bytes))
    };
    let parse = |name: &str, bytes: Option<Vec<u8>>| -> AppResult<Option<Value>> {
        bytes
            .map(|b| {
                serde_json::from_slice::<Value>(&b)
                    .map_err(|e| refused(format!("{name} is not valid JSON: {e}")))
            })
            .transpose()
    };
    let actor = parse(ACTOR, take(&mut zip, ACTOR)?)?
        .ok_or_else(|| refused(format!("it has no {ACTOR}")))?;
    let outbox = match parse(OUTBOX, take(&mut zip, OUTBOX)?)? {
        Some(v) => v
            .get("orderedItems")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| refused(format!("{OUTBOX} has no orderedItems")))?,
        None => Vec::new(),
    };
    fn list<T: DeserializeOwned>(name: &str, value: Option<Value>) -> AppResult<Vec<T>> {
        match value {
            None => Ok(Vec::new()),
            Some(v) if v.is_array() => {
                serde_json::from_value(v).map_err(|e| refused(format!("{name} is not valid: {e}")))
            }
            Some(_) => Err(refused(format!("{name} is not a JSON array"))),
        }
    }
    let resources = list(RESOURCES, parse(RESOURCES, take(&mut zip, RESOURCES)?)?)?;
    let collections = list(
        COLLECTIONS,
        parse(COLLECTIONS, take(&mut zip, COLLECTIONS)?)?,
    )?;
    let mentorships = list(
        MENTORSHIPS,
        parse(MENTORSHIPS, take(&mut zip, MENTORSHIPS)?)?,
    )?;
    let mut csv = BTreeMap::new();
    for name in exports::FILES {
        if let Some(bytes) = take(&mut zip, name)? {
            let text = String::from_utf8(bytes)
                .map_err(|_| refused(format!("{name} is not UTF-8 text")))?;
            csv.insert(name.to_string(), text);
        }
    }
    let contents = Contents {
        manifest,
        actor,
        outbox,
        resources,
        collections,
        mentorships,
        csv,
        media,
    };
    contents.check_ownership()?;
    Ok(contents)
}

/// Reads media member `path` (at most `limit` bytes).
pub fn read_media<R: Read + Seek>(reader: R, path: &str, limit: u64) -> AppResult<Vec<u8>> {
    if !path.starts_with(MEDIA_DIR) || !allowed_name(path) {
        return Err(refused(format!("unexpected file name {path:?}")));
    }
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| refused(format!("it is not a readable ZIP file ({e})")))?;
    read_member(&mut zip, path, limit)
}

/// `scheme://host[:port]` of an http(s) URL; `None` for anything else.
fn origin(raw: &str) -> Option<String> {
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

impl Contents {
    /// Refuses an archive in which anything claims another owner: `actor.json` must be the
    /// manifest's actor; resources, their statuses, collections and posts must be the actor's
    /// (ids on the actor's server, posts attributed to it); a mentorship must name another
    /// party, and its goals, meetings and messages must be by one of the two; files must be
    /// in the archive.
    pub fn check_ownership(&self) -> AppResult<()> {
        let me = self.manifest.actor.as_str();
        let home =
            origin(me).ok_or_else(|| refused("the manifest's actor is not an http(s) URL"))?;
        if self.actor.get("id").and_then(Value::as_str) != Some(me) {
            return Err(refused(format!("{ACTOR} is not the account {me}")));
        }
        let on_home = |what: &str, id: &str| -> AppResult<()> {
            if origin(id).as_deref() == Some(home.as_str()) {
                Ok(())
            } else {
                Err(refused(format!(
                    "{what} {id} is not on the account's server"
                )))
            }
        };
        for r in &self.resources {
            on_home("resource", &r.id)?;
            if let Some(note) = &r.note {
                on_home("resource status", note)?;
            }
            for f in &r.files {
                if let Some(path) = &f.path
                    && !self.media.contains_key(path)
                {
                    return Err(refused(format!(
                        "resource {} names the file {path}, which is not in the archive",
                        r.id
                    )));
                }
            }
        }
        for c in &self.collections {
            on_home("collection", &c.id)?;
        }
        for m in &self.mentorships {
            if m.other_party == me || origin(&m.other_party).is_none() {
                return Err(refused(format!(
                    "mentorship {} does not name another party",
                    m.id
                )));
            }
            if !matches!(m.role.as_str(), "mentor" | "mentee") {
                return Err(refused(format!(
                    "mentorship {} has role {:?}",
                    m.id, m.role
                )));
            }
            let party = |author: &str| author == me || author == m.other_party;
            let authors = m
                .goals
                .iter()
                .map(|g| (&g.id, &g.author))
                .chain(m.meetings.iter().map(|x| (&x.id, &x.author)))
                .chain(m.messages.iter().map(|x| (&x.id, &x.author)));
            for (id, author) in authors {
                if !party(author) {
                    return Err(refused(format!(
                        "{id} of mentorship {} is by {author}, who is not a party",
                        m.id
                    )));
                }
            }
            if m.ended_by.as_deref().is_some_and(|b| !party(b)) {
                return Err(refused(format!(
                    "mentorship {} was ended by someone who is not a party",
                    m.id
                )));
            }
        }
        for activity in &self.outbox {
            let object = activity.get("object").unwrap_or(&Value::Null);
            let id = object.get("id").and_then(Value::as_str).unwrap_or("");
            let author = object.get("attributedTo").and_then(Value::as_str);
            let actor = activity.get("actor").and_then(Value::as_str);
            if actor != Some(me) || author != Some(me) {
                return Err(refused(format!(
                    "post {id:?} of {OUTBOX} is not by the account {me}"
                )));
            }
            on_home("post", id)?;
        }
        Ok(())
    }
}
