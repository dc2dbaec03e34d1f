//! What suspending a domain removes: each of its accounts is treated as if it had deleted
//! itself (the same steps as a received `Delete` of an actor) — its follows both ways, its
//! posts, its mentorship offers, and the account itself. Pending deliveries to the domain are
//! dropped by [`super::apply`].
use crate::{AppState, db, error::AppResult, federation::policy::covers};
use sea_orm::TransactionTrait;

/// Removes the data of every remote account on `domain` (and its subdomains); returns how
/// many accounts were removed. One transaction per account, so a large domain does not hold
/// a long lock and an interruption leaves whole accounts removed or kept.
pub async fn remove_domain_data(
    state: &AppState,
    domain: &str,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<u64> {
    let actors: Vec<_> = db::domain_policy::remote_actors_near(&state.db.read, domain)
        .await?
        .into_iter()
        .filter(|a| covers(domain, &a.domain))
        .collect();
    let total = actors.len() as u64;
    for (done, actor) in actors.iter().enumerate() {
        let txn = state.db.write.begin().await?;
        db::follows::delete_all_of(&txn, actor.id).await?;
        db::posts::mark_all_deleted_by(&txn, actor.id).await?;
        db::mentorship::close_offers_of(&txn, actor.id).await?;
        db::actors::mark_deleted(&txn, actor.id).await?;
        txn.commit().await?;
        progress(done as u64 + 1, total);
    }
    if total > 0 {
        tracing::info!(
            domain,
            accounts = total,
            "removed the data of a suspended domain"
        );
    }
    Ok(total)
}
