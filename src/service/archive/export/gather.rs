//! What goes into an account's archive, read from the database: the manifest, the AS2 actor and
//! outbox, the resources (their files located in the media folder), collections, mentorships
//! with their goals, meetings and messages, and the Mastodon CSV exports.
use super::{Gathered, to_json};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_agreement as agreement},
        mentorship::codes_of,
    },
    error::{AppError, AppResult},
    federation::archive::{actor_document, outbox_document},
    service::{
        archive::format::{
            self, ACTOR, COLLECTIONS, FORMAT, MANIFEST, MEDIA_DIR, MENTORSHIPS, OUTBOX, RESOURCES,
            VERSION,
        },
        exports,
    },
};
use activitypub_federation::config::Data;
use chrono::Utc;
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

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

pub(super) async fn gather(data: &Data<AppState>, me: &actor::Model) -> AppResult<Gathered> {
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
