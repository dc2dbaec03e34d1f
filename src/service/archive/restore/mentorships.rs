//! Restoring an archive's mentorships: the agreement under its own id, linked to the other
//! party (fetched from its server) and to the offer, with its goals, meetings and messages —
//! only into the archive's own account or one that lists it as an alias ([`owns_archive`]).
use super::super::format;
use crate::{
    AppState,
    db::{
        self,
        entity::{
            actor, mentorship_agreement as agreement, mentorship_goal as goal,
            mentorship_meeting as meeting, mentorship_message as message,
            mentorship_offer as offer, mentorship_request as request,
        },
        mentorship::codes_json,
    },
    error::{AppError, AppResult},
    federation::actors::person::DbActor,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use chrono::{DateTime, Utc};
use sea_orm::{Set, TransactionTrait};

/// The other party of a mentorship, fetched from its server when this node does not know it.
async fn party(data: &Data<AppState>, url: &str) -> AppResult<actor::Model> {
    let id = ObjectId::<DbActor>::parse(url)
        .map_err(|e| AppError::Invalid(format!("the other party {url:?}: {e}")))?;
    let found = id.dereference(data).await.map_err(|e| {
        AppError::Invalid(format!("the other party {url} could not be fetched: {e}"))
    })?;
    Ok(found.model)
}

/// The offer of a mentorship `me` was mentored in: the mentor's, fetched from its server.
async fn mentors_offer(
    data: &Data<AppState>,
    mentor: &actor::Model,
    o: &format::Offer,
) -> AppResult<offer::Model> {
    let known = db::mentorship::find_offer_by_ap_id(&data.db.read, &o.id).await?;
    let found = match known {
        Some(found) => found,
        None => {
            let url = url::Url::parse(&o.id)
                .map_err(|_| AppError::Invalid(format!("offer {:?} is not a URL", o.id)))?;
            crate::federation::activities::mentorship::fetch_offer(data, &url).await;
            db::mentorship::find_offer_by_ap_id(&data.db.read, &o.id)
                .await?
                .ok_or_else(|| {
                    AppError::Invalid(format!(
                        "its offer {} could not be fetched from the mentor's server",
                        o.id
                    ))
                })?
        }
    };
    if found.author_id != mentor.id {
        return Err(AppError::Invalid(format!(
            "its offer {} is not the other party's",
            o.id
        )));
    }
    Ok(found)
}

/// The offer of a mentorship `me` mentored in: a closed copy of it on this node (the old one
/// stays on the old node; nobody can request the copy).
fn own_offer_copy(
    data: &Data<AppState>,
    me: &actor::Model,
    o: &format::Offer,
    created: DateTime<Utc>,
) -> offer::ActiveModel {
    let id = data.ids.next();
    let page = data.urls.offer(id);
    offer::ActiveModel {
        id: Set(id),
        ap_id: Set(page.clone()),
        local: Set(true),
        author_id: Set(me.id),
        note_ap_id: Set(None),
        url: Set(Some(page)),
        title: Set(o.title.chars().take(200).collect()),
        description: Set(o.description.chars().take(5000).collect()),
        subjects: Set(codes_json(&o.subjects)),
        levels: Set(codes_json(&o.levels)),
        languages: Set(codes_json(&o.languages)),
        format: Set(
            if matches!(o.format.as_str(), "online" | "in_person" | "hybrid") {
                o.format.clone()
            } else {
                "online".into()
            },
        ),
        region: Set(o.region.clone()),
        capacity: Set(1),
        available: Set(0),
        state: Set("closed".into()),
        starts_at: Set(None),
        ends_at: Set(None),
        published_at: Set(created),
        updated_at: Set(Utc::now()),
    }
}

/// Whether `me` may take the mentorships of an archive of `archive_actor`: it is `me`'s own
/// archive, or `me` lists that account among its aliases (`alsoKnownAs`, the link a `Move`
/// needs). The archive alone proves nothing about who uploads it, and a mentorship space is
/// private between its two parties.
pub(super) fn owns_archive(me: &actor::Model, archive_actor: &str) -> bool {
    me.ap_id == archive_actor || me.aliases().iter().any(|a| a == archive_actor)
}

pub(super) fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

/// Restores one mentorship with its history.
pub(super) async fn mentorship(
    data: &Data<AppState>,
    me: &actor::Model,
    old_me: &str,
    m: &format::Mentorship,
) -> AppResult<()> {
    if db::mentorship::find_agreement_by_ap_id(&data.db.read, &m.id)
        .await?
        .is_some()
    {
        // An import resumed after a crash between storing this mentorship and applying what
        // was held for it applies it now (nothing is held when the other party is here).
        apply_held(data, &m.id).await;
        return Err(AppError::Conflict(
            "already on this node (imported earlier, or the other party is here)".into(),
        ));
    }
    if !matches!(m.state.as_str(), "active" | "ended") {
        return Err(AppError::Invalid(format!("unknown state {:?}", m.state)));
    }
    let other = party(data, &m.other_party).await?;
    if other.id == me.id {
        return Err(AppError::Invalid("the other party is this account".into()));
    }
    let mentor_role = m.role == "mentor";
    let (mentor, mentee) = if mentor_role {
        (me, &other)
    } else {
        (&other, me)
    };
    let author_of = |url: &str| if url == old_me { me.id } else { other.id };
    // The mentor's offer is fetched before the transaction starts: storing it needs the write
    // connection the transaction would hold (SQLite has one).
    let theirs = if mentor_role {
        None
    } else {
        Some(mentors_offer(data, &other, &m.offer).await?)
    };
    let txn = data.db.write.begin().await?;
    let offer = match theirs {
        Some(offer) => offer,
        None => {
            db::mentorship::insert_offer(&txn, own_offer_copy(data, me, &m.offer, m.created_at))
                .await?
        }
    };
    let req = db::mentorship::insert_request(
        &txn,
        request::ActiveModel {
            id: Set(data.ids.next()),
            ap_id: Set(m.request.id.clone()),
            offer_id: Set(offer.id),
            mentee_id: Set(mentee.id),
            mentor_id: Set(mentor.id),
            message: Set(clip(&m.request.message, 2000)),
            goals: Set(codes_json(
                &m.request
                    .goals
                    .iter()
                    .map(|g| clip(g, 200))
                    .take(20)
                    .collect::<Vec<_>>(),
            )),
            state: Set("accepted".into()),
            reason: Set(None),
            created_at: Set(m.request.created_at),
            decided_at: Set(m.request.decided_at.or(Some(m.created_at))),
        },
    )
    .await?;
    let agreement_id = data.ids.next();
    db::mentorship::insert_agreement(
        &txn,
        agreement::ActiveModel {
            id: Set(agreement_id),
            ap_id: Set(m.id.clone()),
            request_id: Set(req.id),
            offer_id: Set(offer.id),
            mentor_id: Set(mentor.id),
            mentee_id: Set(mentee.id),
            state: Set(m.state.clone()),
            reflection: Set(m.reflection.as_deref().map(|r| clip(r, 2000))),
            ended_by_id: Set(m.ended_by.as_deref().map(author_of)),
            created_at: Set(m.created_at),
            ended_at: Set(m.ended_at),
        },
    )
    .await?;
    for g in &m.goals {
        db::mentorship::insert_goal(
            &txn,
            goal::ActiveModel {
                id: Set(data.ids.next()),
                ap_id: Set(g.id.clone()),
                agreement_id: Set(agreement_id),
                author_id: Set(author_of(&g.author)),
                title: Set(clip(&g.title, 200)),
                done: Set(g.done),
                done_at: Set(g.done_at),
                created_at: Set(g.created_at),
                updated_at: Set(g.done_at.unwrap_or(g.created_at)),
            },
        )
        .await?;
    }
    for x in &m.meetings {
        let held_on = crate::service::mentorship::space::check_date(&x.date)?;
        db::mentorship::insert_meeting(
            &txn,
            meeting::ActiveModel {
                id: Set(data.ids.next()),
                ap_id: Set(x.id.clone()),
                agreement_id: Set(agreement_id),
                author_id: Set(author_of(&x.author)),
                held_on: Set(held_on),
                notes: Set(clip(&x.notes, 5000)),
                next_steps: Set(clip(&x.next_steps, 2000)),
                created_at: Set(x.created_at),
            },
        )
        .await?;
    }
    for x in &m.messages {
        let content = clip(&x.content, 5000);
        if content.is_empty() {
            continue;
        }
        db::mentorship::insert_message(
            &txn,
            message::ActiveModel {
                id: Set(data.ids.next()),
                ap_id: Set(x.id.clone()),
                agreement_id: Set(agreement_id),
                author_id: Set(author_of(&x.author)),
                content: Set(content),
                created_at: Set(x.created_at),
            },
        )
        .await?;
    }
    txn.commit().await.map_err(|e| {
        AppError::Conflict(format!(
            "it could not be stored (an id is already used here): {e}"
        ))
    })?;
    apply_held(data, &m.id).await;
    Ok(())
}

/// Applies what the other party wrote to the new account in mentorship `agreement` since the
/// move, held until its import; a failure is logged (the rows stay for the next run).
async fn apply_held(data: &Data<AppState>, agreement: &str) {
    match crate::federation::activities::mentorship::replay_held(data, agreement).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(%agreement, applied = n, "held mentorship activities applied"),
        Err(e) => tracing::warn!(%agreement, error = %e, "held mentorship activities not applied"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_archives_account_or_an_account_aliasing_it_owns_it() {
        let old = "https://crmef.example/users/amina";
        let mut me = actor::Model::sample(1, "amina");
        assert!(!owns_archive(&me, old));
        me.also_known_as = serde_json::json!(["https://other.example/users/x"]).to_string();
        assert!(!owns_archive(&me, old));
        // Not a prefix or a look-alike: the very id.
        me.also_known_as = serde_json::json!([format!("{old}x")]).to_string();
        assert!(!owns_archive(&me, old));
        me.also_known_as = serde_json::json!(["https://other.example/users/x", old]).to_string();
        assert!(owns_archive(&me, old));
        // An unreadable alias list reads as none.
        me.also_known_as = "not json".into();
        assert!(!owns_archive(&me, old));
        let own = me.ap_id.clone();
        assert!(owns_archive(&me, &own));
    }
}
