//! Writing a local account's archive (format version 1, see [`super::format`]): everything
//! is read from the database first (the `gather` module), then the ZIP is written to a file on
//! a blocking thread, the resources' files copied into it from the media folder one by one
//! (memory stays bounded by the JSON, not by the files). JSON is deflated; media (already
//! compressed) are stored.
mod gather;

use crate::{
    AppState,
    db::entity::actor,
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use gather::gather;
use std::{
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
    use super::super::{
        format::{
            self, ACTOR, COLLECTIONS, FORMAT, MANIFEST, MEDIA_DIR, MENTORSHIPS, OUTBOX, RESOURCES,
            VERSION,
        },
        reader,
    };
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
