//! Accounts: creating local users (argon2id password, RSA-2048 key pair, PLN facets), the
//! instance actor, the first admin, bearer tokens, and resolving `user@host` handles.
use crate::{
    AppState,
    config::Config,
    db::{
        self, Db,
        entity::{actor, local_user, oauth_token},
    },
    error::{AppError, AppResult},
    federation::{actors::person::DbActor, signatures, urls::Urls},
    ids::IdGenerator,
};
use activitypub_federation::{config::Data, fetch::webfinger::webfinger_resolve_actor};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// Roles of local users.
pub const ROLES: [&str; 3] = ["admin", "moderator", "user"];
/// Usernames that would clash with our routes or confuse people (`institution` is the node's
/// `Organization` actor).
const RESERVED: [&str; 13] = [
    "actor",
    "inbox",
    "users",
    "admin_",
    "api",
    "oauth",
    "static",
    "nodeinfo",
    "well-known",
    "instance",
    "root",
    "halqa",
    "institution",
];

/// What `create_user` needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub password: String,
    pub role: String,
}

/// PLN facets live in `service::profiles`; re-exported for the callers that knew them here.
pub use crate::service::profiles::{Facets, facets_of, set_facets};

pub(crate) fn validate_username(username: &str) -> AppResult<()> {
    let ok = !username.is_empty()
        && username.len() <= 30
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(AppError::Invalid(
            "username must be 1 to 30 characters: lowercase letters, digits and _".into(),
        ));
    }
    if RESERVED.contains(&username) {
        return Err(AppError::Invalid(format!(
            "username {username} is reserved"
        )));
    }
    Ok(())
}

fn validate_email(email: &str) -> AppResult<()> {
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    };
    if local.is_empty()
        || domain.is_empty()
        || email.len() > 254
        || email.contains(char::is_whitespace)
    {
        return Err(AppError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    }
    Ok(())
}

/// Hashes a password with argon2id (on a blocking thread: it is deliberately slow).
pub async fn hash_password(password: String) -> AppResult<String> {
    if password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "password must have at least 8 characters".into(),
        ));
    }
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
    })
    .await
    .map_err(|e| anyhow::anyhow!("hashing task: {e}"))?
}

/// Checks a password against a stored argon2 hash.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

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

/// How a new account came to be: its approval state (approved, pending), the applicant's reason
/// and locale, and the invite used (`service::registrations`).
#[derive(Debug, Clone)]
pub struct Registration {
    pub approval: &'static str,
    pub reason: Option<String>,
    pub invite_id: Option<i64>,
    pub locale: Option<String>,
}

impl Registration {
    /// An account made by the admin: approved.
    pub fn approved() -> Registration {
        Registration {
            approval: "approved",
            reason: None,
            invite_id: None,
            locale: None,
        }
    }
}

/// Checks what [`create_user`] would refuse before anything is written: username and email
/// form, role, and that neither is taken.
pub async fn check_new_user(db: &Db, new: &NewUser) -> AppResult<()> {
    let username = new.username.trim();
    validate_username(username)?;
    let email = new.email.trim().to_lowercase();
    validate_email(&email)?;
    if db::actors::find_local(&db.read, username).await?.is_some() {
        return Err(AppError::Conflict(format!("username {username} is taken")));
    }
    if db::users::find_by_email(&db.read, &email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "email {email} is already registered"
        )));
    }
    Ok(())
}

/// Creates a local user with its actor and key pair.
pub async fn create_user(
    db: &Db,
    ids: &IdGenerator,
    urls: &Urls,
    domain: &str,
    new: NewUser,
) -> AppResult<(local_user::Model, actor::Model)> {
    create_user_as(db, ids, urls, domain, new, Registration::approved()).await
}

/// Creates a local user as [`create_user`] does, in the given registration state.
pub async fn create_user_as(
    db: &Db,
    ids: &IdGenerator,
    urls: &Urls,
    domain: &str,
    new: NewUser,
    registration: Registration,
) -> AppResult<(local_user::Model, actor::Model)> {
    let username = new.username.trim().to_string();
    validate_username(&username)?;
    let email = new.email.trim().to_lowercase();
    validate_email(&email)?;
    if !ROLES.contains(&new.role.as_str()) {
        return Err(AppError::Invalid(format!(
            "role must be one of {}",
            ROLES.join(", ")
        )));
    }
    if db::actors::find_local(&db.read, &username).await?.is_some() {
        return Err(AppError::Conflict(format!("username {username} is taken")));
    }
    if db::users::find_by_email(&db.read, &email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "email {email} is already registered"
        )));
    }
    let password_hash = hash_password(new.password).await?;
    let keys = new_keypair().await?;
    let txn = db.write.begin().await?;
    let actor = db::actors::insert(
        &txn,
        local_actor_row(ids.next(), urls, &username, domain, "Person", keys),
    )
    .await?;
    let user = db::users::insert(
        &txn,
        local_user::ActiveModel {
            id: Set(ids.next()),
            actor_id: Set(actor.id),
            email: Set(email),
            password_hash: Set(password_hash),
            role: Set(new.role),
            locale: Set(registration.locale),
            must_change_password: Set(false),
            created_at: Set(Utc::now()),
            note_source: Set(None),
            default_visibility: Set("public".into()),
            default_sensitive: Set(false),
            default_language: Set(None),
            default_license: Set(None),
            approval: Set(registration.approval.to_string()),
            registration_reason: Set(registration.reason),
            invite_id: Set(registration.invite_id),
            disabled: Set(false),
            hide_counts: Set(false),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((user, actor))
}

/// Signs up a new local account (the registration path, after `service::registrations` checked
/// the node's rules): creates it as [`create_user_as`] does, then tells the node's admins and
/// moderators (`admin.sign_up`, streamed to them too).
pub async fn sign_up(
    data: &Data<AppState>,
    new: NewUser,
    registration: Registration,
) -> AppResult<(local_user::Model, actor::Model)> {
    let domain = &data.config.instance.domain;
    let (user, actor) =
        create_user_as(&data.db, &data.ids, &data.urls, domain, new, registration).await?;
    let txn = data.db.write.begin().await?;
    crate::service::notifications::admin_sign_up(&txn, data, actor.id).await?;
    crate::service::commit(data, txn).await?;
    Ok((user, actor))
}

/// Longest display name, bio and profile field parts, and how many fields (Mastodon's limits).
pub const MAX_DISPLAY_NAME: usize = 30;
pub const MAX_NOTE: usize = 500;
pub const MAX_FIELDS: usize = 4;
pub const MAX_FIELD_PART: usize = 255;

/// A profile change (`update_credentials`); `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    /// The bio as typed (plain text).
    pub note: Option<String>,
    /// Image bytes for the avatar and the header.
    pub avatar: Option<Vec<u8>>,
    pub header: Option<Vec<u8>>,
    pub locked: Option<bool>,
    pub bot: Option<bool>,
    pub discoverable: Option<bool>,
    /// Profile fields `(name, value)` as typed; replaces all fields.
    pub fields: Option<Vec<(String, String)>>,
    /// Posting defaults.
    pub privacy: Option<String>,
    pub sensitive: Option<bool>,
    pub language: Option<String>,
    /// Replaces the PLN facets (merge with [`facets_of`] first for a partial change).
    pub facets: Option<Facets>,
    /// Mastodon's `hide_collections`: followers and following lists (and, on the web, the
    /// account's counts) hidden from others.
    pub hide_collections: Option<bool>,
    /// The web shows this user no counts at all (a viewer's choice, not federated).
    pub hide_counts: Option<bool>,
}

/// Plain text rendered as Mastodon renders a bio: escaped, paragraphs and line breaks, links and
/// hashtags linked.
fn render_plain(urls: &Urls, text: &str) -> String {
    crate::text::render_local_status(text, &|_| None, &|tag| urls.tag(tag))
}

/// A field value rendered as one line of HTML (links become anchors), without a paragraph.
fn render_field_value(urls: &Urls, value: &str) -> String {
    let one_line = value.replace(['\r', '\n'], " ");
    let html = render_plain(urls, &one_line);
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .map(str::to_string)
        .unwrap_or(html)
}

/// Resizes an uploaded avatar (at most 400 px) or header (at most 1920 px) with the media
/// service and stores it under `media.dir`; returns its public URL.
async fn store_profile_image(
    data: &Data<AppState>,
    bytes: Vec<u8>,
    avatar: bool,
) -> AppResult<String> {
    use crate::service::media;
    let limit = data.config.media.max_image_bytes;
    if bytes.len() > limit {
        return Err(AppError::Invalid(format!(
            "file size must be less than {} MB",
            limit / (1024 * 1024)
        )));
    }
    let Some(media::Sniffed::Image(format)) = media::sniff(&bytes) else {
        return Err(AppError::Invalid(format!(
            "the image must be one of {}",
            media::IMAGE_TYPES.join(", ")
        )));
    };
    let processed = tokio::task::spawn_blocking(move || media::process_image(&bytes, format))
        .await
        .map_err(|e| anyhow::anyhow!("image processing task failed: {e}"))??;
    let (bytes, ext) = if avatar {
        (processed.preview, processed.preview_ext)
    } else {
        (processed.original, processed.original_ext)
    };
    let name = format!("{}.{ext}", random_token(18));
    let dir = std::path::PathBuf::from(&data.config.media.dir);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    tokio::fs::write(dir.join(&name), &bytes)
        .await
        .map_err(|e| anyhow::anyhow!("cannot write media file {name}: {e}"))?;
    Ok(data.urls.media(&name))
}

/// Applies a profile change of a local user; followers' servers get Update(Person) when what
/// they show changed.
pub async fn update_profile(
    data: &Data<AppState>,
    user: &local_user::Model,
    actor: &actor::Model,
    update: ProfileUpdate,
) -> AppResult<(local_user::Model, actor::Model)> {
    use sea_orm::ActiveModelTrait;
    let too_long = |what: &str, max: usize| {
        AppError::Invalid(format!("{what} must be at most {max} characters"))
    };
    let mut row: actor::ActiveModel = actor.clone().into();
    let mut user_row: local_user::ActiveModel = user.clone().into();
    let mut federate = false;
    if let Some(name) = update.display_name {
        let name = name.trim().to_string();
        if name.chars().count() > MAX_DISPLAY_NAME {
            return Err(too_long("display_name", MAX_DISPLAY_NAME));
        }
        row.display_name = Set(name);
        federate = true;
    }
    if let Some(note) = update.note {
        if note.chars().count() > MAX_NOTE {
            return Err(too_long("note", MAX_NOTE));
        }
        row.summary = Set(render_plain(&data.urls, &note));
        user_row.note_source = Set(Some(note));
        federate = true;
    }
    if let Some(fields) = update.fields {
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .filter(|(n, v)| !n.is_empty() || !v.is_empty())
            .collect();
        if fields.len() > MAX_FIELDS {
            return Err(AppError::Invalid(format!(
                "at most {MAX_FIELDS} profile fields"
            )));
        }
        if fields
            .iter()
            .any(|(n, v)| n.chars().count() > MAX_FIELD_PART || v.chars().count() > MAX_FIELD_PART)
        {
            return Err(too_long("a profile field name or value", MAX_FIELD_PART));
        }
        let rendered: Vec<(String, String)> = fields
            .iter()
            .map(|(n, v)| (n.clone(), render_field_value(&data.urls, v)))
            .collect();
        row.fields = Set(db::actors::fields_json(&rendered));
        federate = true;
    }
    if let Some(locked) = update.locked {
        row.manually_approves_followers = Set(locked);
        federate = true;
    }
    if let Some(bot) = update.bot {
        row.bot = Set(bot);
        federate = true;
    }
    if let Some(discoverable) = update.discoverable {
        row.discoverable = Set(discoverable);
        federate = true;
    }
    if let Some(facets) = update.facets {
        crate::service::profiles::apply_facets(&mut row, facets)?;
        federate = true;
    }
    if let Some(hide) = update.hide_collections
        && hide != actor.hide_collections
    {
        row.hide_collections = Set(hide);
        // Other servers re-read the collections on Update (Mastodon marks the account's
        // collections hidden when they have no first page).
        federate = true;
    }
    if let Some(hide) = update.hide_counts {
        user_row.hide_counts = Set(hide);
    }
    if let Some(privacy) = update.privacy {
        if !matches!(privacy.as_str(), "public" | "unlisted" | "private") {
            return Err(AppError::Invalid(
                "source[privacy] must be public, unlisted or private".into(),
            ));
        }
        user_row.default_visibility = Set(privacy);
    }
    if let Some(sensitive) = update.sensitive {
        user_row.default_sensitive = Set(sensitive);
    }
    if let Some(language) = update.language {
        let language = language.trim().to_lowercase();
        if !language.is_empty()
            && (language.len() > 3 || !language.chars().all(|c| c.is_ascii_lowercase()))
        {
            return Err(AppError::Invalid(
                "source[language] must be an ISO 639 code".into(),
            ));
        }
        user_row.default_language = Set((!language.is_empty()).then_some(language));
    }
    // Images last: nothing is written to disk for a request that fails validation.
    if let Some(bytes) = update.avatar {
        row.avatar_url = Set(Some(store_profile_image(data, bytes, true).await?));
        federate = true;
    }
    if let Some(bytes) = update.header {
        row.header_url = Set(Some(store_profile_image(data, bytes, false).await?));
        federate = true;
    }
    if federate {
        row.updated_at = Set(Utc::now());
    }
    let txn = data.db.write.begin().await?;
    let actor = if row.is_changed() {
        row.update(&txn).await?
    } else {
        actor.clone()
    };
    let user = if user_row.is_changed() {
        user_row.update(&txn).await?
    } else {
        user.clone()
    };
    if federate {
        crate::federation::outbox::actor_updated(&txn, data, &actor).await?;
    }
    crate::service::commit(data, txn).await?;
    Ok((user, actor))
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

/// Creates the first admin when none exists; returns the generated one-time password.
pub async fn ensure_first_admin(state: &AppState) -> anyhow::Result<Option<String>> {
    let err = |e: AppError| anyhow::anyhow!("{e}");
    if db::users::admin_exists(&state.db.read).await.map_err(err)? {
        return Ok(None);
    }
    let configured = state.config.admin.password.clone();
    let password = if configured.is_empty() {
        random_token(18)
    } else {
        configured.clone()
    };
    create_user(
        &state.db,
        &state.ids,
        &state.urls,
        &state.config.instance.domain,
        NewUser {
            username: state.config.admin.username.clone(),
            email: state.config.admin.email.clone(),
            password: password.clone(),
            role: "admin".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the first admin (admin.username/admin.email): {e}"))?;
    Ok(configured.is_empty().then_some(password))
}

/// A random URL-safe token of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if openssl::rand::rand_bytes(&mut buf).is_err() {
        // OpenSSL's CSPRNG does not fail in practice; never hand out a predictable token.
        panic!("OpenSSL random generator failed");
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 hex of a token: what the database stores.
pub fn token_hash(token: &str) -> String {
    openssl::sha::sha256(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Mints a bearer token for a user with the given scopes; returns the token (shown once).
pub async fn mint_token(
    db: &Db,
    ids: &IdGenerator,
    user_id: i64,
    scopes: &str,
) -> AppResult<String> {
    let scopes = scopes.split_whitespace().collect::<Vec<_>>().join(" ");
    if scopes.is_empty() {
        return Err(AppError::Invalid("at least one scope is needed".into()));
    }
    let token = random_token(32);
    db::users::insert_token(
        &db.write,
        oauth_token::ActiveModel {
            id: Set(ids.next()),
            token_hash: Set(token_hash(&token)),
            refresh_token_hash: Set(None),
            app_id: Set(None),
            user_id: Set(Some(user_id)),
            scopes: Set(scopes),
            created_at: Set(Utc::now()),
            last_used_at: Set(None),
            revoked_at: Set(None),
            code_id: Set(None),
        },
    )
    .await?;
    Ok(token)
}

/// A local user and actor by username, or 404.
pub async fn local_user_by_username(
    db: &Db,
    username: &str,
) -> AppResult<(local_user::Model, actor::Model)> {
    let actor = db::actors::find_local(&db.read, username)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no local user {username}")))?;
    let user = db::users::find_by_actor(&db.read, actor.id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("{username} is not a user account")))?;
    Ok((user, actor))
}

/// Deletes a local account: its posts and follows go, other servers get Delete(actor), its
/// logins stop working. The actor row stays (deleted) so its id answers 410 and can't be reused.
pub async fn delete_account(data: &Data<AppState>, actor: &actor::Model) -> AppResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if !actor.local || actor.kind == "Application" {
        return Err(AppError::Forbidden(
            "only local accounts can be deleted here".into(),
        ));
    }
    if actor.deleted_at.is_some() {
        return Ok(());
    }
    let txn = data.db.write.begin().await?;
    // Recipients are read before the follows are removed.
    crate::federation::outbox::actor_deleted(&txn, data, actor).await?;
    db::follows::delete_all_of(&txn, actor.id).await?;
    db::posts::mark_all_deleted_by(&txn, actor.id).await?;
    // Its offers close here; other nodes close their copies on the Delete of the actor.
    db::mentorship::close_offers_of(&txn, actor.id).await?;
    // Its collections go too; other nodes drop their copies on the Delete of the actor.
    db::collections::mark_all_deleted_of(&txn, actor.id).await?;
    db::actors::mark_deleted(&txn, actor.id).await?;
    if let Some(user) = db::users::find_by_actor(&txn, actor.id).await? {
        oauth_token::Entity::update_many()
            .col_expr(
                oauth_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .filter(oauth_token::Column::UserId.eq(user.id))
            .exec(&txn)
            .await?;
    }
    crate::service::commit(data, txn).await
}

/// Resolves `user@host` (with or without a leading `@`) to an actor: local lookup, known remote
/// actor, or WebFinger plus a fetch.
pub async fn resolve_handle(data: &Data<AppState>, handle: &str) -> AppResult<actor::Model> {
    let handle = handle.trim().trim_start_matches('@');
    let (username, host) = handle
        .split_once('@')
        .ok_or_else(|| AppError::Invalid(format!("{handle:?} is not a handle like user@host")))?;
    if host.eq_ignore_ascii_case(&data.config.instance.domain) {
        return db::actors::find_local(&data.db.read, username)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no local user {username}")));
    }
    if let Some(known) = db::actors::find_by_handle(&data.db.read, username, host).await?
        && known.deleted_at.is_none()
    {
        return Ok(known);
    }
    let actor: DbActor = webfinger_resolve_actor(&format!("{username}@{host}"), data).await?;
    Ok(actor.model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_emails_are_checked() {
        assert!(validate_username("amina_2").is_ok());
        assert!(validate_username("Amina").is_err());
        assert!(validate_username("").is_err());
        assert!(validate_username("actor").is_err());
        assert!(validate_username(&"a".repeat(31)).is_err());
        assert!(validate_email("a@b.ma").is_ok());
        assert!(validate_email("a@@b").is_err());
        assert!(validate_email("nope").is_err());
    }

    #[test]
    fn token_hash_is_stable_hex() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(random_token(32), random_token(32));
    }
}
