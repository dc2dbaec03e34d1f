//! Home-feed trimming: keeps the newest `jobs.home_feed_max_items` rows of each local user's
//! materialised home timeline (`home_feed`) and deletes the rest, owner by owner, in short
//! batches on the writer (as Mastodon trims its Redis feeds to a fixed length). Older posts stay
//! reachable on profiles, threads and the public timelines; only the home feed forgets them.
use crate::{
    db::{Db, entity::home_feed},
    error::AppResult,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::watch;

/// Owners looked at per page, and rows deleted per statement.
const BATCH: u64 = 500;

/// Trims every local user's home feed to its newest `keep` rows; returns how many rows went.
/// Stops early (with what was done so far) once `shutdown` turns true.
pub async fn trim_home_feeds(
    db: &Db,
    keep: u32,
    shutdown: &watch::Receiver<bool>,
) -> AppResult<u64> {
    let stop = || *shutdown.borrow();
    let keep = u64::from(keep.max(1));
    let mut deleted = 0;
    let mut after = i64::MIN;
    while !stop() {
        // Owners come from the feed itself (its primary key leads with them), one page at a time.
        let owners: Vec<i64> = home_feed::Entity::find()
            .select_only()
            .column(home_feed::Column::OwnerId)
            .distinct()
            .filter(home_feed::Column::OwnerId.gt(after))
            .order_by_asc(home_feed::Column::OwnerId)
            .limit(BATCH)
            .into_tuple()
            .all(&db.read)
            .await?;
        let Some(&last) = owners.last() else { break };
        for owner in owners {
            if stop() {
                break;
            }
            deleted += trim_one(db, owner, keep).await?;
        }
        after = last;
    }
    Ok(deleted)
}

/// Trims one owner's feed: finds the oldest row to keep (the primary key orders it), then
/// deletes what is older, a batch at a time.
async fn trim_one(db: &Db, owner: i64, keep: u64) -> AppResult<u64> {
    let oldest_kept: Option<i64> = home_feed::Entity::find()
        .select_only()
        .column(home_feed::Column::PostId)
        .filter(home_feed::Column::OwnerId.eq(owner))
        .order_by_desc(home_feed::Column::PostId)
        .offset(keep - 1)
        .limit(1)
        .into_tuple()
        .one(&db.read)
        .await?;
    let Some(oldest_kept) = oldest_kept else {
        return Ok(0);
    };
    let mut deleted = 0;
    loop {
        let post_ids: Vec<i64> = home_feed::Entity::find()
            .select_only()
            .column(home_feed::Column::PostId)
            .filter(home_feed::Column::OwnerId.eq(owner))
            .filter(home_feed::Column::PostId.lt(oldest_kept))
            .order_by_asc(home_feed::Column::PostId)
            .limit(BATCH)
            .into_tuple()
            .all(&db.read)
            .await?;
        if post_ids.is_empty() {
            break;
        }
        let picked = post_ids.len() as u64;
        deleted += home_feed::Entity::delete_many()
            .filter(home_feed::Column::OwnerId.eq(owner))
            .filter(home_feed::Column::PostId.is_in(post_ids))
            .exec(&db.write)
            .await?
            .rows_affected;
        if picked < BATCH {
            break;
        }
        tokio::task::yield_now().await;
    }
    Ok(deleted)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::jobs::prune::tests::TempDb;
    use sea_orm::PaginatorTrait;

    async fn feed(db: &Db, owner: i64, posts: impl Iterator<Item = i64>) {
        let rows: Vec<home_feed::ActiveModel> = posts
            .map(|post_id| home_feed::ActiveModel {
                owner_id: sea_orm::Set(owner),
                post_id: sea_orm::Set(post_id),
                author_id: sea_orm::Set(1),
            })
            .collect();
        for chunk in rows.chunks(200) {
            home_feed::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&db.write)
                .await
                .unwrap();
        }
    }

    async fn feed_of(db: &Db, owner: i64) -> Vec<i64> {
        home_feed::Entity::find()
            .select_only()
            .column(home_feed::Column::PostId)
            .filter(home_feed::Column::OwnerId.eq(owner))
            .order_by_asc(home_feed::Column::PostId)
            .into_tuple()
            .all(&db.read)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn each_feed_keeps_its_newest_rows() {
        let temp = TempDb::new("home-feed").await;
        let db = &temp.db;
        // Over the limit by more than a batch, and just at the limit.
        feed(db, 10, 1..=1300).await;
        feed(db, 11, 5000..5800).await;
        let (_, stop) = watch::channel(false);
        let deleted = trim_home_feeds(db, 800, &stop).await.unwrap();
        assert_eq!(deleted, 500);
        assert_eq!(feed_of(db, 10).await, (501..=1300).collect::<Vec<_>>());
        assert_eq!(feed_of(db, 11).await.len(), 800);
        assert_eq!(trim_home_feeds(db, 800, &stop).await.unwrap(), 0);
        assert_eq!(
            home_feed::Entity::find().count(&db.read).await.unwrap(),
            1600
        );
    }
}
