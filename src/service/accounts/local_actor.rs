//! The row of a new local actor (a user's `Person`, a circle's `Group`, the node's
//! `Application`) with its RSA-2048 key pair, and the instance actor created on first start.
use crate::{
    config::Config,
    db::{self, Db, entity::actor},
    error::{AppError, AppResult},
    federation::{signatures, urls::Urls},
    ids::IdGenerator,
};
use chrono::Utc;
use sea_orm::Set;

pub(crate) async fn new_keypair() -> AppResult<(String, String)> {
    tokio::task::spawn_blocking(signatures::generate_rsa_keypair)
        .await
        .map_err(|e| anyhow::anyhow!("key generation task: {e}"))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("generating RSA key: {e}")))
}

pub(crate) fn local_actor_row(
    id: i64,
    urls: &Urls,
    username: &str,
    domain: &str,
    kind: &str,
    keys: (String, String),
) -> actor::ActiveModel {
    let now = Utc::now();
    let (private_pem, public_pem) = keys;
    let is_instance = kind == "Application";
    actor::ActiveModel {
        id: Set(id),
        ap_id: Set(if is_instance {
            urls.instance_actor()
        } else {
            urls.actor(username)
        }),
        local: Set(true),
        kind: Set(kind.to_string()),
        username: Set(username.to_string()),
        domain: Set(domain.to_string()),
        display_name: Set(String::new()),
        summary: Set(String::new()),
        url: Set(Some(if is_instance {
            urls.base().to_string()
        } else {
            urls.profile_page(username)
        })),
        inbox: Set(if is_instance {
            urls.shared_inbox()
        } else {
            urls.inbox(username)
        }),
        shared_inbox: Set(Some(urls.shared_inbox())),
        outbox: Set((!is_instance).then(|| urls.outbox(username))),
        followers_url: Set((!is_instance).then(|| urls.followers(username))),
        following_url: Set((!is_instance).then(|| urls.following(username))),
        public_key_id: Set(if is_instance {
            urls.instance_actor_key()
        } else {
            urls.actor_key(username)
        }),
        public_key_pem: Set(public_pem),
        private_key_pem: Set(Some(private_pem)),
        manually_approves_followers: Set(is_instance),
        discoverable: Set(!is_instance),
        avatar_url: Set(None),
        header_url: Set(None),
        stage: Set(None),
        subjects: Set("[]".into()),
        levels: Set("[]".into()),
        languages: Set("[]".into()),
        region: Set(None),
        open_to_mentor: Set(false),
        seeking_mentor: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        last_fetched_at: Set(None),
        deleted_at: Set(None),
        fields: Set("[]".into()),
        bot: Set(is_instance),
        silenced_at: Set(None),
        suspended_at: Set(None),
        also_known_as: Set("[]".into()),
        moved_to_ap_id: Set(None),
        moved_at: Set(None),
        hide_collections: Set(false),
    }
}

/// The node's own `Application` actor (FEP-2677), created on first start.
pub async fn ensure_instance_actor(
    db: &Db,
    ids: &IdGenerator,
    urls: &Urls,
    config: &Config,
) -> anyhow::Result<actor::Model> {
    if let Some(existing) = db::actors::find_by_ap_id(&db.read, &urls.instance_actor())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        return Ok(existing);
    }
    let keys = new_keypair().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let domain = &config.instance.domain;
    let row = local_actor_row(ids.next(), urls, domain, domain, "Application", keys);
    db::actors::insert(&db.write, row)
        .await
        .map_err(|e| anyhow::anyhow!("creating the instance actor: {e}"))
}
