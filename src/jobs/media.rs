//! Unattached media cleanup: local uploads never attached to a status within
//! `jobs.unattached_media_hours` are deleted with their files (Mastodon's media vacuum), except
//! those of an account that has a scheduled status waiting (its uploads may be meant for it);
//! half-written `*.part` uploads older than that go too.
//! Rows are picked on the read pool and deleted on the writer with `RETURNING`, so a file is
//! removed only when its row really went (an upload attached meanwhile stays).
use crate::{
    db::{
        Db,
        entity::{media_attachment, scheduled_status},
    },
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query,
};
use std::path::Path;
use tokio::sync::watch;

/// Rows deleted per statement.
const BATCH: u64 = 200;

/// Deletes uploads created before `before` and still unattached, and their files under `dir`;
/// returns how many went. Stops early once `shutdown` turns true.
pub async fn remove_unattached(
    db: &Db,
    dir: &Path,
    before: DateTime<Utc>,
    shutdown: &watch::Receiver<bool>,
) -> AppResult<u64> {
    let unattached = || {
        Condition::all()
            .add(media_attachment::Column::PostId.is_null())
            // Local uploads only: federated media always has its origin URL.
            .add(media_attachment::Column::RemoteUrl.is_null())
            .add(media_attachment::Column::CreatedAt.lt(before))
            .add(
                media_attachment::Column::ActorId.not_in_subquery(
                    Query::select()
                        .column(scheduled_status::Column::ActorId)
                        .from(scheduled_status::Entity)
                        .to_owned(),
                ),
            )
    };
    let mut removed = 0;
    let mut after = i64::MIN;
    while !*shutdown.borrow() {
        let ids: Vec<i64> = media_attachment::Entity::find()
            .select_only()
            .column(media_attachment::Column::Id)
            .filter(media_attachment::Column::Id.gt(after))
            .filter(unattached())
            .order_by_asc(media_attachment::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&db.read)
            .await?;
        let Some(&last) = ids.last() else { break };
        let picked = ids.len() as u64;
        let gone = media_attachment::Entity::delete_many()
            .filter(media_attachment::Column::Id.is_in(ids))
            .filter(unattached())
            .exec_with_returning(&db.write)
            .await?;
        removed += gone.len() as u64;
        for media in gone {
            for name in [media.file_name, media.preview_file_name]
                .into_iter()
                .flatten()
            {
                remove_file(dir, &name).await;
            }
        }
        after = last;
        if picked < BATCH {
            break;
        }
        tokio::task::yield_now().await;
    }
    Ok(removed)
}

/// Removes `*.part` files under `dir` last modified before `before`: document uploads a crash or
/// a cut connection left half-written (never served, never in the database). Returns how many.
pub async fn remove_partial_uploads(dir: &Path, before: std::time::SystemTime) -> u64 {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return 0;
    };
    let mut removed = 0;
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.ends_with(".part") {
            continue;
        }
        let stale = match entry.metadata().await.and_then(|m| m.modified()) {
            Ok(modified) => modified < before,
            Err(_) => false,
        };
        if stale && entry.file_type().await.is_ok_and(|t| t.is_file()) {
            remove_file(dir, name).await;
            removed += 1;
        }
    }
    removed
}

/// Removes a stored file by its bare name (never a path: a name with separators is skipped).
async fn remove_file(dir: &Path, name: &str) {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        tracing::warn!(file = %name, "not removing a media file with an unexpected name");
        return;
    }
    match tokio::fs::remove_file(dir.join(name)).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(file = %name, error = %e, "cannot remove media file"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stale_partial_uploads_go_and_everything_else_stays() {
        let dir = std::env::temp_dir().join(format!("halqa-part-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["old.part", "kept.pdf", "new.part"] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        let now = std::time::SystemTime::now();
        let old = std::fs::File::options()
            .write(true)
            .open(dir.join("old.part"))
            .unwrap();
        old.set_modified(now - std::time::Duration::from_secs(7200))
            .unwrap();
        let removed =
            remove_partial_uploads(&dir, now - std::time::Duration::from_secs(3600)).await;
        assert_eq!(removed, 1);
        assert!(!dir.join("old.part").exists());
        assert!(dir.join("new.part").exists() && dir.join("kept.pdf").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
    use crate::jobs::prune::tests::TempDb;
    use sea_orm::{ActiveModelTrait, Set};

    async fn upload(
        db: &Db,
        dir: &Path,
        id: i64,
        actor_id: i64,
        post_id: Option<i64>,
        remote: bool,
        at: DateTime<Utc>,
    ) {
        let name = format!("{id}.png");
        let preview = format!("{id}_small.png");
        if !remote {
            std::fs::write(dir.join(&name), b"png").unwrap();
            std::fs::write(dir.join(&preview), b"png").unwrap();
        }
        media_attachment::ActiveModel {
            id: Set(id),
            actor_id: Set(actor_id),
            post_id: Set(post_id),
            position: Set(0),
            kind: Set("image".into()),
            content_type: Set(Some("image/png".into())),
            file_name: Set((!remote).then_some(name)),
            preview_file_name: Set((!remote).then_some(preview)),
            remote_url: Set(remote.then(|| format!("https://r.example/{id}.png"))),
            description: Set(None),
            blurhash: Set(None),
            width: Set(None),
            height: Set(None),
            small_width: Set(None),
            small_height: Set(None),
            size_bytes: Set(None),
            focus_x: Set(None),
            focus_y: Set(None),
            processed: Set(true),
            created_at: Set(at),
            cache_attempts: Set(0),
            cached_at: Set(None),
        }
        .insert(&db.write)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn old_unattached_uploads_go_with_their_files() {
        let temp = TempDb::new("media-vacuum").await;
        let db = &temp.db;
        let dir = std::env::temp_dir().join(format!(
            "halqa-media-vacuum-{}-{}",
            std::process::id(),
            Utc::now().timestamp_micros()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let now = Utc::now();
        let old = now - chrono::Duration::hours(30);
        upload(db, &dir, 1, 7, None, false, old).await; // goes
        upload(db, &dir, 2, 7, Some(99), false, old).await; // attached: stays
        upload(db, &dir, 3, 7, None, false, now).await; // recent: stays
        upload(db, &dir, 4, 8, None, true, old).await; // remote: stays
        upload(db, &dir, 5, 9, None, false, old).await; // its owner has a scheduled status
        scheduled_status::ActiveModel {
            id: Set(1),
            actor_id: Set(9),
            scheduled_at: Set(now + chrono::Duration::days(2)),
            params: Set("{}".into()),
            created_at: Set(now),
        }
        .insert(&db.write)
        .await
        .unwrap();

        let (_, stop) = watch::channel(false);
        let before = now - chrono::Duration::hours(24);
        let removed = remove_unattached(db, &dir, before, &stop).await.unwrap();
        assert_eq!(removed, 1);
        let left: Vec<i64> = media_attachment::Entity::find()
            .order_by_asc(media_attachment::Column::Id)
            .all(&db.read)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(left, [2, 3, 4, 5]);
        assert!(!dir.join("1.png").exists() && !dir.join("1_small.png").exists());
        assert!(dir.join("2.png").exists() && dir.join("5_small.png").exists());
        assert_eq!(remove_unattached(db, &dir, before, &stop).await.unwrap(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
