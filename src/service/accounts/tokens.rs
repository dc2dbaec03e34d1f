//! Random tokens, the SHA-256 hash the database keeps of them, and minting a bearer token.
use crate::{
    db::{self, Db, entity::oauth_token},
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use base64::Engine;
use chrono::Utc;
use sea_orm::Set;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_is_stable_hex() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(random_token(32), random_token(32));
    }
}
