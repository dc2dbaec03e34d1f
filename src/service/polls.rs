//! Polls: validating a new poll, voting (one ballot per account, several options only when the
//! poll allows it, never after it ends or on one's own poll), and votes crossing servers — a vote
//! on a remote poll goes to its author as `Create(Note{name})`, and such notes arriving for a
//! local poll are counted. A local poll's new counts go out as one coalesced `Update(Question)`
//! per `jobs.poll_update_delay_secs`, and when a poll ends its author and voters are notified
//! and the final counts go out (both done by the status jobs, `jobs::statuses`).
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, poll, post},
        polls::PollState,
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{commit, posts::can_see},
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use sea_orm::TransactionTrait;

/// Most options in a poll.
pub const MAX_OPTIONS: usize = 4;
/// Longest option title, in characters.
pub const MAX_OPTION_CHARS: usize = 50;
/// Shortest poll duration, in seconds (5 minutes).
pub const MIN_EXPIRATION: i64 = 300;
/// Longest poll duration, in seconds (30 days).
pub const MAX_EXPIRATION: i64 = 30 * 24 * 3600;

/// A poll as a local author writes it (kept as JSON by scheduled statuses).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewPoll {
    pub options: Vec<String>,
    /// Seconds from now.
    pub expires_in: i64,
    pub multiple: bool,
    pub hide_totals: bool,
}

/// Checks a new poll against the limits the instance advertises.
pub fn validate(poll: &NewPoll) -> AppResult<()> {
    if poll.options.len() < 2 || poll.options.len() > MAX_OPTIONS {
        return Err(AppError::Invalid(format!(
            "a poll needs between 2 and {MAX_OPTIONS} options"
        )));
    }
    if poll.options.iter().any(|o| o.trim().is_empty()) {
        return Err(AppError::Invalid("poll options can't be blank".into()));
    }
    if poll
        .options
        .iter()
        .any(|o| o.chars().count() > MAX_OPTION_CHARS)
    {
        return Err(AppError::Invalid(format!(
            "poll options are at most {MAX_OPTION_CHARS} characters"
        )));
    }
    let mut unique = poll.options.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != poll.options.len() {
        return Err(AppError::Invalid("poll options must be different".into()));
    }
    if !(MIN_EXPIRATION..=MAX_EXPIRATION).contains(&poll.expires_in) {
        return Err(AppError::Invalid(format!(
            "a poll lasts between {MIN_EXPIRATION} seconds and {} days",
            MAX_EXPIRATION / 86400
        )));
    }
    Ok(())
}

/// The stored state of a fresh poll.
pub fn initial_state(poll: &NewPoll) -> PollState {
    PollState {
        options: poll.options.iter().map(|o| o.trim().to_string()).collect(),
        counts: vec![0; poll.options.len()],
        multiple: poll.multiple,
        hide_totals: poll.hide_totals,
        voters_count: 0,
        expires_at: Some(Utc::now() + Duration::seconds(poll.expires_in)),
    }
}

fn expired(poll: &poll::Model) -> bool {
    poll.expires_at.is_some_and(|e| e <= Utc::now())
}

/// The poll with id `poll_id` (its post's id) and its post, if `viewer` may see it.
pub async fn get_visible(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    poll_id: i64,
) -> AppResult<(post::Model, poll::Model)> {
    let not_found = || AppError::not_found("Record not found");
    let post = db::posts::get_by_id(&data.db.read, poll_id)
        .await
        .map_err(|_| not_found())?;
    if !can_see(data, viewer, &post).await? {
        return Err(not_found());
    }
    let poll = db::polls::get(&data.db.read, poll_id)
        .await?
        .ok_or_else(not_found)?;
    Ok((post, poll))
}

/// Local `voter` votes `choices` (option indexes) in poll `poll_id`; returns the poll's post.
pub async fn vote(
    data: &Data<AppState>,
    voter: &actor::Model,
    poll_id: i64,
    choices: &[i64],
) -> AppResult<post::Model> {
    let (post, poll) = get_visible(data, Some(voter), poll_id).await?;
    if post.author_id == voter.id {
        return Err(AppError::Invalid("you cannot vote in your own poll".into()));
    }
    if expired(&poll) {
        return Err(AppError::Invalid("the poll has already ended".into()));
    }
    let options = db::polls::options(&poll);
    let mut picked: Vec<i32> = Vec::new();
    for &c in choices {
        let index = usize::try_from(c)
            .ok()
            .filter(|&i| i < options.len())
            .ok_or_else(|| AppError::Invalid(format!("choice {c} is not an option")))?;
        let index = i32::try_from(index).unwrap_or(i32::MAX);
        if !picked.contains(&index) {
            picked.push(index);
        }
    }
    if picked.is_empty() {
        return Err(AppError::Invalid("choose at least one option".into()));
    }
    if picked.len() > 1 && !poll.multiple {
        return Err(AppError::Invalid("this poll allows only one choice".into()));
    }
    if db::polls::has_voted(&data.db.read, post.id, voter.id).await? {
        return Err(AppError::Invalid("you have already voted".into()));
    }
    let votes: Vec<(i64, String, i32)> = picked
        .iter()
        .map(|&choice| {
            let id = data.ids.next();
            (id, format!("{}#votes/{id}", voter.ap_id), choice)
        })
        .collect();
    let txn = data.db.write.begin().await?;
    db::polls::record_votes(&txn, post.id, voter.id, &votes).await?;
    let author = db::actors::get_by_id(&txn, post.author_id).await?;
    if post.local {
        request_update(&txn, data, &poll).await?;
    } else {
        let ballots: Vec<(String, String)> = votes
            .iter()
            .filter_map(|(_, ap_id, choice)| {
                let title = options.get(usize::try_from(*choice).ok()?)?;
                Some((ap_id.clone(), title.clone()))
            })
            .collect();
        outbox::poll_voted(&txn, data, voter, &author, &post, &ballots).await?;
    }
    commit(data, txn).await?;
    Ok(post)
}

/// A remote `voter` picked the option titled `choice` in local poll `post` with note `ap_id`.
/// Votes that break the rules are dropped silently (as Mastodon does).
pub async fn receive_vote(
    data: &Data<AppState>,
    voter: &actor::Model,
    post: &post::Model,
    choice: &str,
    ap_id: &str,
) -> AppResult<()> {
    let Some(poll) = db::polls::get(&data.db.read, post.id).await? else {
        return Ok(());
    };
    if !post.local || post.author_id == voter.id || expired(&poll) || post.deleted_at.is_some() {
        return Ok(());
    }
    let Some(index) = db::polls::options(&poll).iter().position(|o| o == choice) else {
        return Ok(());
    };
    let index = i32::try_from(index).unwrap_or(i32::MAX);
    if db::polls::vote_exists(&data.db.read, ap_id).await? {
        return Ok(());
    }
    let earlier = db::polls::choices_of(&data.db.read, post.id, voter.id).await?;
    if earlier.contains(&index) || (!poll.multiple && !earlier.is_empty()) {
        return Ok(());
    }
    let txn = data.db.write.begin().await?;
    db::polls::record_votes(
        &txn,
        post.id,
        voter.id,
        &[(data.ids.next(), ap_id.into(), index)],
    )
    .await?;
    request_update(&txn, data, &poll).await?;
    commit(data, txn).await
}

/// After a vote on a local poll: one `Update(Question)` is asked for, `jobs.poll_update_delay_secs`
/// from now, unless one is already waiting — the votes in between ride on it, so a busy poll
/// sends one update per delay, never one per vote. Polls hiding their totals send none until
/// they close (as on Mastodon): the closing update carries the counts.
async fn request_update(
    txn: &impl sea_orm::ConnectionTrait,
    data: &Data<AppState>,
    poll: &poll::Model,
) -> AppResult<()> {
    if poll.hide_totals {
        return Ok(());
    }
    let delay = i64::try_from(data.config.jobs.poll_update_delay_secs).unwrap_or(i64::MAX);
    let due = Utc::now() + Duration::seconds(delay);
    db::polls::request_update(txn, poll.post_id, due).await
}

/// How many polls one sweep handles of each kind (the rest wait for the next sweep).
const SWEEP_BATCH: u64 = 100;

/// Sends the `Update(Question)` of every local poll whose coalesced update is due at `now`;
/// returns how many went out. Each update is claimed in the transaction that enqueues it, so
/// a crash leaves it waiting and two processes never send the same one.
pub async fn send_due_updates(
    data: &Data<AppState>,
    now: chrono::DateTime<Utc>,
) -> AppResult<usize> {
    let mut sent = 0;
    for post_id in db::polls::updates_due(&data.db.read, now, SWEEP_BATCH).await? {
        let txn = data.db.write.begin().await?;
        if !db::polls::claim_update(&txn, post_id, now).await? {
            continue;
        }
        let post = db::posts::get_by_id(&txn, post_id).await?;
        if post.local && post.deleted_at.is_none() {
            let author = db::actors::get_by_id(&txn, post.author_id).await?;
            outbox::poll_updated(&txn, data, &author, &post).await?;
            sent += 1;
        }
        commit(data, txn).await?;
    }
    Ok(sent)
}

/// Handles every poll that ended by `now` and was not handled yet: its local author and local
/// voters get a `poll` notification, and a local poll sends one last `Update(Question)` with
/// the final counts. Returns how many polls were closed. Claimed per poll in the transaction
/// that does the work, so it happens once whatever crashes or how many processes sweep.
pub async fn close_ended_polls(
    data: &Data<AppState>,
    now: chrono::DateTime<Utc>,
) -> AppResult<usize> {
    let mut closed = 0;
    for post_id in db::polls::closings_due(&data.db.read, now, SWEEP_BATCH).await? {
        let txn = data.db.write.begin().await?;
        if !db::polls::claim_closing(&txn, post_id, now).await? {
            continue;
        }
        let post = db::posts::get_by_id(&txn, post_id).await?;
        if post.deleted_at.is_none() {
            let voters = db::polls::local_voter_ids(&txn, post.id).await?;
            crate::service::notifications::poll_ended(&txn, data, &post, &voters).await?;
            if post.local {
                let author = db::actors::get_by_id(&txn, post.author_id).await?;
                outbox::poll_updated(&txn, data, &author, &post).await?;
            }
            closed += 1;
        }
        commit(data, txn).await?;
    }
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(options: &[&str], expires_in: i64) -> NewPoll {
        NewPoll {
            options: options.iter().map(|s| s.to_string()).collect(),
            expires_in,
            ..Default::default()
        }
    }

    #[test]
    fn limits_are_enforced() {
        assert!(validate(&poll(&["a", "b"], 300)).is_ok());
        assert!(validate(&poll(&["a"], 300)).is_err());
        assert!(validate(&poll(&["a", "b", "c", "d", "e"], 300)).is_err());
        assert!(validate(&poll(&["a", "b"], 299)).is_err());
        assert!(validate(&poll(&["a", "b"], MAX_EXPIRATION + 1)).is_err());
        assert!(validate(&poll(&["a", "a"], 300)).is_err());
        let long = "x".repeat(51);
        assert!(validate(&poll(&["a", &long], 300)).is_err());
    }
}
