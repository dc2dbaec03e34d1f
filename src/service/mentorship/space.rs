//! The mentorship space: shared goals (added and ticked off by either party), the meeting log,
//! the private thread, and ending with an optional reflection. Only the two parties see it; it
//! is stored on both nodes and delivered to the other party only, never to followers or the
//! public, and never enters a timeline.
use super::{About, check_text, notify, offers};
use crate::{
    AppState,
    db::{
        self,
        entity::{
            actor, mentorship_agreement as agreement, mentorship_goal as goal,
            mentorship_meeting as meeting, mentorship_message as message,
        },
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use chrono::{NaiveDate, Utc};
use sea_orm::{DatabaseTransaction, Set, TransactionTrait};

/// A meeting note as a party writes it.
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub notes: String,
    pub next_steps: String,
}

/// Something added to a mentorship, for the other party's node.
#[derive(Debug, Clone)]
pub enum Item {
    Goal(goal::Model),
    Meeting(meeting::Model),
    Message(message::Model),
}

/// A mentorship `viewer` is a party to (404 for everyone else, as if it did not exist).
pub async fn get_mentorship(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
) -> AppResult<agreement::Model> {
    let m = db::mentorship::get_agreement(&data.db.read, id).await?;
    if !m.is_party(viewer.id) {
        return Err(AppError::not_found("mentorship not found"));
    }
    Ok(m)
}

async fn active(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
) -> AppResult<(agreement::Model, actor::Model)> {
    let m = get_mentorship(data, viewer, id).await?;
    if m.state != "active" {
        return Err(AppError::Conflict("this mentorship has ended".into()));
    }
    let other = db::actors::get_by_id(&data.db.read, m.other_party(viewer.id)).await?;
    Ok((m, other))
}

fn about(m: &agreement::Model) -> About {
    About {
        offer_id: Some(m.offer_id),
        request_id: Some(m.request_id),
        agreement_id: Some(m.id),
    }
}

/// A change to tell the other party about.
struct Change<'a> {
    /// The PLN notification kind.
    kind: &'a str,
    item: Item,
    /// An edit (Update) rather than something new (Create).
    update: bool,
}

/// Tells the other party: a PLN notification if local, the activity if remote.
async fn share(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    other: &actor::Model,
    m: &agreement::Model,
    change: Change<'_>,
) -> AppResult<()> {
    notify(txn, data, other, change.kind, author.id, about(m)).await?;
    if !other.local {
        outbox::mentorship_item(txn, data, author, other, m, &change.item, change.update).await?;
    }
    Ok(())
}

/// Adds a shared goal.
pub async fn add_goal(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
    title: &str,
) -> AppResult<goal::Model> {
    let (m, other) = active(data, viewer, id).await?;
    let title = check_text("title", title, 200, true)?;
    let gid = data.ids.next();
    let now = Utc::now();
    let row = goal::ActiveModel {
        id: Set(gid),
        ap_id: Set(data.urls.mentorship_item("goals", gid)),
        agreement_id: Set(m.id),
        author_id: Set(viewer.id),
        title: Set(title),
        done: Set(false),
        done_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = data.db.write.begin().await?;
    db::mentorship::insert_goal(&txn, row).await?;
    let g = db::mentorship::get_goal(&txn, gid).await?;
    share(
        &txn,
        data,
        viewer,
        &other,
        &m,
        Change {
            kind: "goal_added",
            item: Item::Goal(g.clone()),
            update: false,
        },
    )
    .await?;
    commit(data, txn).await?;
    Ok(g)
}

/// Ticks a goal off (or back on).
pub async fn set_goal_done(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
    goal_id: i64,
    done: bool,
) -> AppResult<goal::Model> {
    let (m, other) = active(data, viewer, id).await?;
    let g = db::mentorship::get_goal(&data.db.read, goal_id).await?;
    if g.agreement_id != m.id {
        return Err(AppError::not_found("goal not found"));
    }
    if g.done == done {
        return Ok(g);
    }
    let mut row: goal::ActiveModel = g.into();
    row.done = Set(done);
    row.done_at = Set(done.then(Utc::now));
    row.updated_at = Set(Utc::now());
    let txn = data.db.write.begin().await?;
    let g = db::mentorship::update_goal(&txn, row).await?;
    let kind = if done { "goal_done" } else { "goal_added" };
    share(
        &txn,
        data,
        viewer,
        &other,
        &m,
        Change {
            kind,
            item: Item::Goal(g.clone()),
            update: true,
        },
    )
    .await?;
    commit(data, txn).await?;
    Ok(g)
}

/// Checks a meeting date (`YYYY-MM-DD`).
pub fn check_date(date: &str) -> AppResult<String> {
    let date = date.trim();
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| AppError::Invalid("date must be a day such as 2026-11-20".into()))
}

/// Logs a meeting.
pub async fn log_meeting(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
    input: MeetingInput,
) -> AppResult<meeting::Model> {
    let (m, other) = active(data, viewer, id).await?;
    let held_on = check_date(&input.date)?;
    let notes = check_text("notes", &input.notes, 5000, true)?;
    let next_steps = check_text("next_steps", &input.next_steps, 2000, false)?;
    let mid = data.ids.next();
    let saved = meeting::Model {
        id: mid,
        ap_id: data.urls.mentorship_item("meetings", mid),
        agreement_id: m.id,
        author_id: viewer.id,
        held_on,
        notes,
        next_steps,
        created_at: Utc::now(),
    };
    let txn = data.db.write.begin().await?;
    db::mentorship::insert_meeting(&txn, new_row(&saved)).await?;
    let item = Item::Meeting(saved.clone());
    share(
        &txn,
        data,
        viewer,
        &other,
        &m,
        Change {
            kind: "meeting_logged",
            item,
            update: false,
        },
    )
    .await?;
    commit(data, txn).await?;
    Ok(saved)
}

/// A complete model as an active model that inserts every column.
fn new_row<M, A>(model: &M) -> A
where
    M: sea_orm::IntoActiveModel<A> + Clone,
    A: sea_orm::ActiveModelTrait,
{
    model.clone().into_active_model().reset_all()
}

/// Posts to the private thread.
pub async fn send_message(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
    content: &str,
) -> AppResult<message::Model> {
    let (m, other) = active(data, viewer, id).await?;
    let content = check_text("content", content, 5000, true)?;
    let mid = data.ids.next();
    let saved = message::Model {
        id: mid,
        ap_id: data.urls.mentorship_item("messages", mid),
        agreement_id: m.id,
        author_id: viewer.id,
        content,
        created_at: Utc::now(),
    };
    let txn = data.db.write.begin().await?;
    db::mentorship::insert_message(&txn, new_row(&saved)).await?;
    let item = Item::Message(saved.clone());
    share(
        &txn,
        data,
        viewer,
        &other,
        &m,
        Change {
            kind: "message",
            item,
            update: false,
        },
    )
    .await?;
    commit(data, txn).await?;
    Ok(saved)
}

/// Ends the mentorship (either party), with an optional reflection for the other; on the
/// mentor's node the place it held is free again.
pub async fn end_mentorship(
    data: &Data<AppState>,
    viewer: &actor::Model,
    id: i64,
    reflection: &str,
) -> AppResult<agreement::Model> {
    let (m, other) = active(data, viewer, id).await?;
    let reflection = check_text("reflection", reflection, 2000, false)?;
    let reflection = (!reflection.is_empty()).then_some(reflection);
    let txn = data.db.write.begin().await?;
    let ended = close(&txn, data, &m, viewer, reflection).await?;
    if !other.local {
        outbox::mentorship_ended(&txn, data, viewer, &other, &ended).await?;
    }
    commit(data, txn).await?;
    Ok(ended)
}

async fn close(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    m: &agreement::Model,
    by: &actor::Model,
    reflection: Option<String>,
) -> AppResult<agreement::Model> {
    db::mentorship::lock_offer(txn, m.offer_id).await?;
    let mut row: agreement::ActiveModel = m.clone().into();
    row.state = Set("ended".into());
    row.reflection = Set(reflection);
    row.ended_by_id = Set(Some(by.id));
    row.ended_at = Set(Some(Utc::now()));
    let ended = db::mentorship::update_agreement(txn, row).await?;
    let offer = db::mentorship::get_offer(txn, m.offer_id).await?;
    offers::recount(txn, data, &offer).await?;
    let other = db::actors::get_by_id(txn, m.other_party(by.id)).await?;
    notify(txn, data, &other, "mentorship_ended", by.id, about(m)).await?;
    Ok(ended)
}

/// The mentorship `context` names, if `actor` (remote) is a party to it and it is active.
pub async fn remote_party_of(
    data: &Data<AppState>,
    actor: &actor::Model,
    context: &str,
) -> AppResult<agreement::Model> {
    let m = db::mentorship::find_agreement_by_ap_id(&data.db.read, context)
        .await?
        .ok_or_else(|| AppError::not_found("no such mentorship here"))?;
    if actor.local || !m.is_party(actor.id) {
        return Err(AppError::Forbidden(
            "only a party to a mentorship can act in it".into(),
        ));
    }
    if m.state != "active" {
        return Err(AppError::Conflict("this mentorship has ended".into()));
    }
    Ok(m)
}

/// A goal from the other party: new, or an edit. Its author may change the title; either
/// party may tick it.
pub async fn receive_goal(
    data: &Data<AppState>,
    actor: &actor::Model,
    m: &agreement::Model,
    ap_id: &str,
    title: &str,
    done: bool,
) -> AppResult<()> {
    let title: String = title.trim().chars().take(200).collect();
    let me = db::actors::get_by_id(&data.db.read, m.other_party(actor.id)).await?;
    let txn = data.db.write.begin().await?;
    match db::mentorship::find_goal_by_ap_id(&txn, ap_id).await? {
        Some(g) if g.agreement_id != m.id => {
            return Err(AppError::Forbidden(
                "that goal is not of this mentorship".into(),
            ));
        }
        Some(g) => {
            let ticked = done && !g.done;
            let mut row: goal::ActiveModel = g.clone().into();
            if g.author_id == actor.id && !title.is_empty() {
                row.title = Set(title);
            }
            row.done = Set(done);
            row.done_at = Set(if done {
                g.done_at.or(Some(Utc::now()))
            } else {
                None
            });
            row.updated_at = Set(Utc::now());
            db::mentorship::update_goal(&txn, row).await?;
            if ticked {
                notify(&txn, data, &me, "goal_done", actor.id, about(m)).await?;
            }
        }
        None if title.is_empty() => {
            return Err(AppError::BadRequest("a goal needs a name".into()));
        }
        None => {
            let now = Utc::now();
            let row = goal::ActiveModel {
                id: Set(data.ids.next()),
                ap_id: Set(ap_id.to_string()),
                agreement_id: Set(m.id),
                author_id: Set(actor.id),
                title: Set(title),
                done: Set(done),
                done_at: Set(done.then(Utc::now)),
                created_at: Set(now),
                updated_at: Set(now),
            };
            db::mentorship::insert_goal(&txn, row).await?;
            notify(&txn, data, &me, "goal_added", actor.id, about(m)).await?;
        }
    }
    commit(data, txn).await
}

/// A meeting note from the other party.
pub async fn receive_meeting(
    data: &Data<AppState>,
    actor: &actor::Model,
    m: &agreement::Model,
    ap_id: &str,
    input: MeetingInput,
) -> AppResult<()> {
    let held_on = check_date(&input.date).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let me = db::actors::get_by_id(&data.db.read, m.other_party(actor.id)).await?;
    let row = meeting::ActiveModel {
        id: Set(data.ids.next()),
        ap_id: Set(ap_id.to_string()),
        agreement_id: Set(m.id),
        author_id: Set(actor.id),
        held_on: Set(held_on),
        notes: Set(input.notes.chars().take(5000).collect()),
        next_steps: Set(input.next_steps.chars().take(2000).collect()),
        created_at: Set(Utc::now()),
    };
    let txn = data.db.write.begin().await?;
    db::mentorship::insert_meeting(&txn, row).await?;
    notify(&txn, data, &me, "meeting_logged", actor.id, about(m)).await?;
    commit(data, txn).await
}

/// A message from the other party.
pub async fn receive_message(
    data: &Data<AppState>,
    actor: &actor::Model,
    m: &agreement::Model,
    ap_id: &str,
    content: &str,
) -> AppResult<()> {
    let content: String = content.trim().chars().take(5000).collect();
    if content.is_empty() {
        return Err(AppError::BadRequest("a message needs content".into()));
    }
    let me = db::actors::get_by_id(&data.db.read, m.other_party(actor.id)).await?;
    let row = message::ActiveModel {
        id: Set(data.ids.next()),
        ap_id: Set(ap_id.to_string()),
        agreement_id: Set(m.id),
        author_id: Set(actor.id),
        content: Set(content),
        created_at: Set(Utc::now()),
    };
    let txn = data.db.write.begin().await?;
    db::mentorship::insert_message(&txn, row).await?;
    notify(&txn, data, &me, "message", actor.id, about(m)).await?;
    commit(data, txn).await
}

/// The other party ended the mentorship.
pub async fn receive_end(
    data: &Data<AppState>,
    actor: &actor::Model,
    m: &agreement::Model,
    reflection: Option<String>,
) -> AppResult<()> {
    let reflection = reflection
        .map(|r| r.trim().chars().take(2000).collect::<String>())
        .filter(|r| !r.is_empty());
    let txn = data.db.write.begin().await?;
    close(&txn, data, m, actor, reflection).await?;
    commit(data, txn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_dates_are_days() {
        assert_eq!(check_date(" 2026-11-20 ").unwrap(), "2026-11-20");
        assert!(check_date("20/11/2026").is_err());
        assert!(check_date("2026-02-30").is_err());
    }
}
