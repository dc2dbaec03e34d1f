//! Writing a local account's archive (format version 1, see [`super::format`]): everything
//! is read from the database first, then the ZIP is written to a file on a blocking thread,
//! the resources' files copied into it from the media folder one by one (memory stays bounded
//! by the JSON, not by the files). JSON is deflated; media (already compressed) are stored.
use super::format::{
    self, ACTOR, COLLECTIONS, FORMAT, MANIFEST, MEDIA_DIR, MENTORSHIPS, OUTBOX, RESOURCES, VERSION,
};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_agreement as agreement},
        mentorship::codes_of,
    },
    error::{AppError, AppResult},
    federation::archive::{actor_document, outbox_document},
    service::exports,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use std::{
    collections::HashMap,
    io::Write,
    path::{Path, PathBuf},
};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

/// Everything of an archive but the media files' bytes.
struct Gathered {
    /// JSON and CSV members, in order.
    members: Vec<(String, Vec<u8>)>,
    /// `media/<name>` member → the file in the media folder.
    media: Vec<(String, PathBuf)>,
}

fn to_json(value: &impl serde::Serialize) -> AppResult<Vec<u8>> {
    Ok(serde_json::to_vec_pretty(value).map_err(anyhow::Error::from)?)
}

/// The file name of the archive download (`halqa-archive-amina-20261206.zip`).
pub fn file_name(me: &actor::Model) -> String {
    format!(
        "halqa-archive-{}-{}.zip",
        me.username,
        Utc::now().format("%Y%m%d")
    )
}

async fn resources(
    data: &Data<AppState>,
    me: &actor::Model,
    media: &mut Vec<(String, PathBuf)>,
) -> AppResult<(Vec<format::Resource>, Vec<String>)> {
    let rows = db::archives::own_resources(&data.db.read, me.id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut files = db::resources::attachments_of(&data.db.read, &ids).await?;
    let dir = Path::new(&data.config.media.dir);
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for r in rows {
        let mut listed = Vec::new();
        for f in files.remove(&r.id).unwrap_or_default() {
            let mut path = None;
            // A file missing from the media folder stays listed by its URL only.
            if let Some(media_id) = f.media_id
                && let Ok(m) = db::media::get(&data.db.read, media_id).await
                && let Some(name) = m.file_name
                && tokio::fs::try_exists(dir.join(&name))
                    .await
                    .unwrap_or(false)
            {
                let member = format!("{MEDIA_DIR}{name}");
                if !media.iter().any(|(n, _)| *n == member) {
                    media.push((member.clone(), dir.join(&name)));
                }
                path = Some(member);
            }
            listed.push(format::ResourceFile {
                path,
                url: f.url,
                media_type: f.media_type,
                size: f.size_bytes,
                name: f.name,
            });
        }
        notes.extend(r.note_ap_id.clone());
        out.push(format::Resource {
            id: r.ap_id,
            url: r.url,
            note: r.note_ap_id,
            title: r.title,
            description: r.description,
            body: r.body_source,
            body_html: r.body_html,
            license: r.license,
            resource_type: r.resource_type,
            subjects: codes_of(&r.subjects),
            levels: codes_of(&r.levels),
            languages: codes_of(&r.languages),
            duration: r.duration,
            prerequisites: codes_of(&r.prerequisites),
            links: serde_json::from_str(&r.links).unwrap_or_default(),
            files: listed,
            based_on: r.based_on,
            original_url: r.original_url,
            published_at: r.published_at,
            updated_at: r.updated_at,
        });
    }
    Ok((out, notes))
}

async fn collections(
    data: &Data<AppState>,
    me: &actor::Model,
) -> AppResult<(Vec<format::Collection>, Vec<String>)> {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for c in db::archives::own_collections(&data.db.read, me.id).await? {
        let items = db::collections::items_of(&data.db.read, c.id).await?;
        let ids: Vec<i64> = items.iter().map(|i| i.resource_id).collect();
        let mut by_id = HashMap::new();
        for id in ids {
            if let Ok(r) = db::resources::get(&data.db.read, id).await {
                by_id.insert(id, r);
            }
        }
        notes.extend(c.note_ap_id.clone());
        out.push(format::Collection {
            items: items
                .iter()
                .filter_map(|i| {
                    by_id.get(&i.resource_id).map(|r| format::CollectionItem {
                        resource: r.ap_id.clone(),
                        note: r.note_ap_id.clone(),
                        comment: i.note.clone(),
                    })
                })
                .collect(),
            id: c.ap_id,
            url: c.url,
            title: c.title,
            description: c.description,
            subjects: codes_of(&c.subjects),
            levels: codes_of(&c.levels),
            languages: codes_of(&c.languages),
            visibility: c.visibility,
            published_at: c.published_at,
        });
    }
    Ok((out, notes))
}

async fn mentorship(
    data: &Data<AppState>,
    me: &actor::Model,
    m: agreement::Model,
) -> AppResult<format::Mentorship> {
    let read = &data.db.read;
    let offer = db::mentorship::get_offer(read, m.offer_id).await?;
    let request = db::mentorship::get_request(read, m.request_id).await?;
    let (goals, meetings, messages) = db::archives::history_of(read, m.id).await?;
    let mut ids = vec![m.mentor_id, m.mentee_id];
    ids.extend(m.ended_by_id);
    let actors = db::views::actors_by_ids(read, &ids).await?;
    let ap = |id: i64| -> AppResult<String> {
        actors
            .get(&id)
            .map(|a| a.ap_id.clone())
            .ok_or_else(|| AppError::from(anyhow::anyhow!("actor {id} of a mentorship is missing")))
    };
    Ok(format::Mentorship {
        role: if m.mentor_id == me.id {
            "mentor"
        } else {
            "mentee"
        }
        .into(),
        other_party: ap(m.other_party(me.id))?,
        offer: format::Offer {
            id: offer.ap_id,
            url: offer.url,
            title: offer.title,
            description: offer.description,
            subjects: codes_of(&offer.subjects),
            levels: codes_of(&offer.levels),
            languages: codes_of(&offer.languages),
            format: offer.format,
            region: offer.region,
        },
        request: format::Request {
            id: request.ap_id,
            message: request.message,
            goals: codes_of(&request.goals),
            created_at: request.created_at,
            decided_at: request.decided_at,
        },
        state: m.state,
        reflection: m.reflection,
        ended_by: m.ended_by_id.map(ap).transpose()?,
        created_at: m.created_at,
        ended_at: m.ended_at,
        goals: goals
            .into_iter()
            .map(|g| {
                Ok(format::Goal {
                    id: g.ap_id,
                    author: ap(g.author_id)?,
                    title: g.title,
                    done: g.done,
                    done_at: g.done_at,
                    created_at: g.created_at,
                })
            })
            .collect::<AppResult<_>>()?,
        meetings: meetings
            .into_iter()
            .map(|x| {
                Ok(format::Meeting {
                    id: x.ap_id,
                    author: ap(x.author_id)?,
                    date: x.held_on,
                    notes: x.notes,
                    next_steps: x.next_steps,
                    created_at: x.created_at,
                })
            })
            .collect::<AppResult<_>>()?,
        messages: messages
            .into_iter()
            .map(|x| {
                Ok(format::Message {
                    id: x.ap_id,
                    author: ap(x.author_id)?,
                    content: x.content,
                    created_at: x.created_at,
                })
            })
            .collect::<AppResult<_>>()?,
        id: m.ap_id,
    })
}

async fn gather(data: &Data<AppState>, me: &actor::Model) -> AppResult<Gathered> {
    if !me.local {
        return Err(AppError::Forbidden(
            "only local accounts have an archive here".into(),
        ));
    }
    let mut media = Vec::new();
    let (resources, mut statuses) = resources(data, me, &mut media).await?;
    let (collections, collection_notes) = collections(data, me).await?;
    statuses.extend(collection_notes);
    let mut mentorships = Vec::new();
    for m in db::archives::mentorships_of(&data.db.read, me.id).await? {
        mentorships.push(mentorship(data, me, m).await?);
    }
    // The readable statuses of resources, collections and offers are not posts of their own.
    for o in db::archives::offers_of(&data.db.read, me.id).await? {
        statuses.extend(o.note_ap_id);
    }
    let posts = db::archives::own_posts(&data.db.read, me.id, &statuses).await?;
    let manifest = format::Manifest {
        format: FORMAT.into(),
        version: VERSION,
        node: data.config.instance.domain.clone(),
        actor: me.ap_id.clone(),
        account: me.handle(),
        created_at: Utc::now(),
        generator: format!("Halqa {}", env!("CARGO_PKG_VERSION")),
    };
    let mut members = vec![
        (MANIFEST.to_string(), to_json(&manifest)?),
        (ACTOR.to_string(), to_json(&actor_document(data, me)?)?),
        (
            OUTBOX.to_string(),
            to_json(&outbox_document(data, me, &posts).await?)?,
        ),
        (RESOURCES.to_string(), to_json(&resources)?),
        (COLLECTIONS.to_string(), to_json(&collections)?),
        (MENTORSHIPS.to_string(), to_json(&mentorships)?),
    ];
    for name in exports::FILES {
        members.push((
            name.to_string(),
            exports::csv(data, me, name).await?.into_bytes(),
        ));
    }
    Ok(Gathered { members, media })
}

/// Writes the members to `out` (blocking). A media file that vanishes between gathering and
/// writing is an error (the archive would name a file it lacks).
fn write_zip(gathered: Gathered, out: &Path) -> AppResult<()> {
    let io = |e: std::io::Error| AppError::from(anyhow::anyhow!("writing the archive: {e}"));
    let zipped =
        |e: zip::result::ZipError| AppError::from(anyhow::anyhow!("writing the archive: {e}"));
    let file = std::fs::File::create(out).map_err(io)?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    for (name, bytes) in gathered.members {
        zip.start_file(name, deflated).map_err(zipped)?;
        zip.write_all(&bytes).map_err(io)?;
    }
    for (member, path) in gathered.media {
        let mut source = std::fs::File::open(&path).map_err(|e| {
            AppError::from(anyhow::anyhow!(
                "a resource's file {} cannot be read: {e}",
                path.display()
            ))
        })?;
        zip.start_file(member, stored).map_err(zipped)?;
        std::io::copy(&mut source, &mut zip).map_err(io)?;
    }
    zip.finish().map_err(zipped)?.flush().map_err(io)?;
    Ok(())
}

/// Writes local account `me`'s archive to the file `out` (replaced if it exists).
pub async fn write_archive(data: &Data<AppState>, me: &actor::Model, out: &Path) -> AppResult<()> {
    let gathered = gather(data, me).await?;
    let out = out.to_path_buf();
    let target = out.clone();
    let result = tokio::task::spawn_blocking(move || write_zip(gathered, &target))
        .await
        .map_err(|e| anyhow::anyhow!("archive task failed: {e}"))?;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&out).await;
    }
    result
}

/// The folder temporary archives are written to (under the media folder, never served: media
/// names have no folders).
pub fn work_dir(data: &Data<AppState>) -> PathBuf {
    Path::new(&data.config.media.dir).join("archives")
}

/// Writes `me`'s archive to a fresh temporary file and returns its path; the caller removes it.
pub async fn write_temporary(data: &Data<AppState>, me: &actor::Model) -> AppResult<PathBuf> {
    let dir = work_dir(data);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("export-{}.zip", data.ids.next()));
    write_archive(data, me, &path).await?;
    Ok(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::reader;
    use super::*;
    use serde_json::json;

    const ME: &str = "https://a.example/users/amina";

    fn manifest(version: u32) -> Vec<u8> {
        to_json(&format::Manifest {
            format: FORMAT.into(),
            version,
            node: "a.example".into(),
            actor: ME.into(),
            account: "amina@a.example".into(),
            created_at: Utc::now(),
            generator: "test".into(),
        })
        .unwrap()
    }

    fn resource(id: &str, path: Option<&str>) -> format::Resource {
        format::Resource {
            id: id.into(),
            url: Some(id.into()),
            note: None,
            title: "Les fractions".into(),
            description: String::new(),
            body: "# Plan".into(),
            body_html: "<h1>Plan</h1>".into(),
            license: "CC-BY-4.0".into(),
            resource_type: "worksheet".into(),
            subjects: vec!["mathematics".into()],
            levels: vec![],
            languages: vec!["fr".into()],
            duration: None,
            prerequisites: vec![],
            links: vec![],
            files: path
                .map(|p| format::ResourceFile {
                    path: Some(p.into()),
                    url: "https://a.example/media/x.pdf".into(),
                    media_type: "application/pdf".into(),
                    size: Some(9),
                    name: "Fiche.pdf".into(),
                })
                .into_iter()
                .collect(),
            based_on: None,
            original_url: None,
            published_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn members(
        resources: &[format::Resource],
        outbox: serde_json::Value,
    ) -> Vec<(String, Vec<u8>)> {
        vec![
            (MANIFEST.into(), manifest(VERSION)),
            (
                ACTOR.into(),
                to_json(&json!({"id": ME, "type": "Person"})).unwrap(),
            ),
            (OUTBOX.into(), to_json(&outbox).unwrap()),
            (RESOURCES.into(), to_json(&resources).unwrap()),
            (
                "following_accounts.csv".into(),
                b"Account address\nbob@b.example\n".to_vec(),
            ),
        ]
    }

    fn note(author: &str) -> serde_json::Value {
        json!({"type": "OrderedCollection", "orderedItems": [{
            "type": "Create", "actor": author,
            "object": {"id": "https://a.example/users/amina/statuses/1", "type": "Note",
                       "attributedTo": author, "content": "<p>Bonjour</p>",
                       "published": "2026-11-20T10:00:00Z",
                       "to": ["https://www.w3.org/ns/activitystreams#Public"]}}]})
    }

    /// Writes an archive of `members` plus one media file and returns its path.
    fn written(dir: &Path, members: Vec<(String, Vec<u8>)>) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let media = dir.join("x.pdf");
        std::fs::write(&media, b"%PDF-1.7\n").unwrap();
        let out = dir.join("archive.zip");
        write_zip(
            Gathered {
                members,
                media: vec![(format!("{MEDIA_DIR}x.pdf"), media)],
            },
            &out,
        )
        .unwrap();
        out
    }

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("halqa-archive-test-{}-{name}", std::process::id()))
    }

    fn open(path: &Path) -> AppResult<reader::Contents> {
        reader::open(std::fs::File::open(path).unwrap())
    }

    #[test]
    fn an_archive_reads_back_what_was_written() {
        let dir = temp("roundtrip");
        let r = resource("https://a.example/resources/1", Some("media/x.pdf"));
        let path = written(&dir, members(std::slice::from_ref(&r), note(ME)));
        let contents = open(&path).unwrap();
        assert_eq!(contents.manifest.actor, ME);
        assert_eq!(contents.resources, vec![r]);
        assert_eq!(contents.outbox.len(), 1);
        assert!(contents.csv["following_accounts.csv"].contains("bob@b.example"));
        assert_eq!(contents.media.get("media/x.pdf"), Some(&9));
        let bytes =
            reader::read_media(std::fs::File::open(&path).unwrap(), "media/x.pdf", 1024).unwrap();
        assert_eq!(bytes, b"%PDF-1.7\n");
        let err =
            reader::read_media(std::fs::File::open(&path).unwrap(), "media/x.pdf", 4).unwrap_err();
        assert!(err.to_string().contains("larger"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A ZIP of raw members (names and bytes as given), deflated.
    fn raw_zip(members: &[(&str, &[u8])]) -> std::io::Cursor<Vec<u8>> {
        let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, bytes) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        std::io::Cursor::new(zip.finish().unwrap().into_inner())
    }

    fn refusal(members: &[(&str, &[u8])]) -> String {
        reader::open(raw_zip(members)).unwrap_err().to_string()
    }

    #[test]
    fn hostile_archives_are_refused() {
        let m = manifest(VERSION);
        let actor = to_json(&json!({"id": ME})).unwrap();
        let base: Vec<(&str, &[u8])> = vec![(MANIFEST, &m), (ACTOR, &actor)];
        assert!(reader::open(raw_zip(&base)).is_ok());
        // Path traversal and unexpected names.
        for name in [
            "../evil.sh",
            "/etc/passwd",
            "media/../x",
            "media/sub/x.pdf",
            "media/.hidden",
            "notes.txt",
        ] {
            let mut members = base.clone();
            members.push((name, b"x"));
            let err = refusal(&members);
            assert!(err.contains("unexpected"), "{name}: {err}");
        }
        // Not a ZIP, no manifest, another version or format.
        assert!(reader::open(std::io::Cursor::new(b"hello".to_vec())).is_err());
        assert!(refusal(&[(ACTOR, &actor)]).contains("no halqa-archive.json"));
        let v2 = manifest(2);
        let err = refusal(&[(MANIFEST, &v2), (ACTOR, &actor)]);
        assert!(err.contains("version 2"), "{err}");
        let other = String::from_utf8(m.clone())
            .unwrap()
            .replace(FORMAT, "mastodon");
        assert!(refusal(&[(MANIFEST, other.as_bytes()), (ACTOR, &actor)]).contains("format"));
        // Bad JSON, wrong shapes.
        let mut members = base.clone();
        members.push((RESOURCES, b"[{"));
        assert!(refusal(&members).contains("resources.json"));
        let mut members = base.clone();
        members.push((COLLECTIONS, b"{}"));
        assert!(refusal(&members).contains("not a JSON array"));
        // Too many members.
        let names: Vec<String> = (0..=reader::MAX_ENTRIES)
            .map(|i| format!("media/{i}.png"))
            .collect();
        let mut many = base.clone();
        many.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
        assert!(refusal(&many).contains("more than"));
    }

    #[test]
    fn a_zip_bomb_is_stopped_while_reading() {
        // 70 MB of zeros deflate to about 70 KB; the JSON limit is 64 MB.
        let zeros = vec![b' '; (reader::MAX_JSON + 1024 * 1024) as usize];
        let m = manifest(VERSION);
        let actor = to_json(&json!({"id": ME})).unwrap();
        let zip = raw_zip(&[(MANIFEST, &m), (ACTOR, &actor), (RESOURCES, &zeros)]);
        assert!(zip.get_ref().len() < 1024 * 1024);
        let err = reader::open(zip).unwrap_err().to_string();
        assert!(err.contains("larger than"), "{err}");
    }

    #[test]
    fn objects_of_someone_else_are_refused() {
        let dir = temp("foreign");
        let other_host = resource("https://b.example/resources/1", None);
        let err = open(&written(&dir, members(&[other_host], note(ME))))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not on the account's server"), "{err}");
        let err = open(&written(
            &dir,
            members(&[], note("https://a.example/users/bob")),
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("is not by the account"), "{err}");
        let missing_file = resource("https://a.example/resources/2", Some("media/gone.pdf"));
        let err = open(&written(&dir, members(&[missing_file], note(ME))))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not in the archive"), "{err}");
        let mut with_mentorship = members(&[], note(ME));
        let now = Utc::now();
        let m = format::Mentorship {
            id: "https://c.example/mentorships/1".into(),
            role: "mentee".into(),
            other_party: "https://c.example/users/bob".into(),
            offer: format::Offer {
                id: "https://c.example/offers/1".into(),
                url: None,
                title: "Maths".into(),
                description: String::new(),
                subjects: vec![],
                levels: vec![],
                languages: vec![],
                format: "online".into(),
                region: None,
            },
            request: format::Request {
                id: "https://a.example/mentorship/requests/1".into(),
                message: String::new(),
                goals: vec![],
                created_at: now,
                decided_at: None,
            },
            state: "active".into(),
            reflection: None,
            ended_by: None,
            created_at: now,
            ended_at: None,
            goals: vec![],
            meetings: vec![],
            messages: vec![format::Message {
                id: "https://d.example/m/1".into(),
                author: "https://d.example/users/mallory".into(),
                content: "hi".into(),
                created_at: now,
            }],
        };
        with_mentorship.push((MENTORSHIPS.into(), to_json(&vec![m]).unwrap()));
        let err = open(&written(&dir, with_mentorship))
            .unwrap_err()
            .to_string();
        assert!(err.contains("who is not a party"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
