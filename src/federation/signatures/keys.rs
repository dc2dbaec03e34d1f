//! Key material for HTTP signatures: parsing public and private PEMs (OpenSSL), generating
//! RSA-2048 pairs, and the bounded caches of parsed keys kept in the app state.
use super::SignatureError;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Rsa;
use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

/// Parses a public key PEM: SPKI (`BEGIN PUBLIC KEY`, what actors publish) or PKCS#1
/// (`BEGIN RSA PUBLIC KEY`).
pub fn parse_public_key_pem(pem: &str) -> Result<PKey<Public>, SignatureError> {
    let normalised = normalise_pem(pem);
    let pem = normalised.as_deref().unwrap_or(pem).trim();
    let bad = |e: openssl::error::ErrorStack| SignatureError::InvalidPublicKey(e.to_string());
    if pem.contains("BEGIN RSA PUBLIC KEY") {
        let rsa = Rsa::public_key_from_pem_pkcs1(pem.as_bytes()).map_err(bad)?;
        Ok(PKey::from_rsa(rsa).map_err(bad)?)
    } else {
        PKey::public_key_from_pem(pem.as_bytes()).map_err(bad)
    }
}

/// Rebuilds a PEM whose line breaks were turned into spaces (seen from some servers): the
/// base64 body re-wrapped at 64 columns between its BEGIN/END lines. `None` when already fine.
fn normalise_pem(pem: &str) -> Option<String> {
    let pem = pem.trim();
    let begin_end = pem.find("-----BEGIN ")?;
    let header_end = pem[begin_end + 11..].find("-----")? + begin_end + 16;
    let footer_start = pem.rfind("-----END ")?;
    if footer_start <= header_end {
        return None;
    }
    let body = &pem[header_end..footer_start];
    if !body.trim().contains(' ') {
        return None;
    }
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let lines: Vec<&str> = compact
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    Some(format!(
        "{}\n{}\n{}",
        &pem[begin_end..header_end],
        lines.join("\n"),
        &pem[footer_start..]
    ))
}

/// Parses an unencrypted private key PEM: PKCS#8 (`BEGIN PRIVATE KEY`, what
/// [`generate_rsa_keypair`] produces); the traditional `BEGIN RSA PRIVATE KEY` form is also
/// accepted. Encrypted keys are rejected (never prompts for a passphrase).
pub fn parse_private_key_pem(pem: &str) -> Result<PKey<Private>, SignatureError> {
    let pem = pem.trim();
    if pem.contains("ENCRYPTED") {
        return Err(SignatureError::InvalidPrivateKey(
            "encrypted private keys are not supported".to_owned(),
        ));
    }
    // A callback returning an empty passphrase keeps OpenSSL from reading the terminal.
    PKey::private_key_from_pem_callback(pem.as_bytes(), |_| Ok(0))
        .map_err(|e| SignatureError::InvalidPrivateKey(e.to_string()))
}

/// Generates an RSA-2048 key pair: `(private PKCS#8 PEM, public SPKI PEM)`.
pub fn generate_rsa_keypair() -> Result<(String, String), SignatureError> {
    let key = PKey::from_rsa(Rsa::generate(2048)?)?;
    let private = String::from_utf8(key.private_key_to_pem_pkcs8()?)
        .map_err(|e| SignatureError::Crypto(e.to_string()))?;
    let public = String::from_utf8(key.public_key_to_pem()?)
        .map_err(|e| SignatureError::Crypto(e.to_string()))?;
    Ok((private, public))
}

// ---------------------------------------------------------------------------
// Caches
// ---------------------------------------------------------------------------

/// A small LRU map: `HashMap` for lookup plus a `BTreeMap` from use-tick to key for eviction.
#[derive(Debug)]
struct Lru<K, V> {
    capacity: usize,
    tick: u64,
    map: HashMap<K, (V, u64)>,
    order: BTreeMap<u64, K>,
}

impl<K: Hash + Eq + Clone, V: Clone> Lru<K, V> {
    fn new(capacity: usize) -> Self {
        Lru {
            capacity: capacity.max(1),
            tick: 0,
            map: HashMap::new(),
            order: BTreeMap::new(),
        }
    }

    fn get<Q>(&mut self, k: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.tick += 1;
        let tick = self.tick;
        let (v, t) = self.map.get_mut(k)?;
        let old = std::mem::replace(t, tick);
        if let Some(key) = self.order.remove(&old) {
            self.order.insert(tick, key);
        }
        Some(v.clone())
    }

    fn insert(&mut self, k: K, v: V) {
        self.tick += 1;
        let tick = self.tick;
        if let Some((_, old)) = self.map.insert(k.clone(), (v, tick)) {
            self.order.remove(&old);
        }
        self.order.insert(tick, k);
        while self.map.len() > self.capacity {
            match self.order.pop_first() {
                Some((_, oldest)) => {
                    self.map.remove(&oldest);
                }
                None => break,
            }
        }
    }

    fn remove<Q>(&mut self, k: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (v, t) = self.map.remove(k)?;
        self.order.remove(&t);
        Some(v)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent even if a holder panicked, so poisoning is ignored.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A cached remote key: the parsed key and the id (URL) of the actor that owns it.
pub type CachedPublicKey = (Arc<PKey<Public>>, String);

/// Remote actors' parsed public keys, by key id, with the id of the actor owning the key.
/// Bounded; the least recently used entry is evicted when full. Thread-safe; keep one in
/// the application state.
#[derive(Debug)]
pub struct PublicKeyCache {
    inner: Mutex<Lru<String, CachedPublicKey>>,
}

impl PublicKeyCache {
    /// An empty cache holding at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        PublicKeyCache {
            inner: Mutex::new(Lru::new(capacity)),
        }
    }

    /// The key and its owner's actor id, if cached (marks it recently used).
    pub fn get(&self, key_id: &str) -> Option<CachedPublicKey> {
        lock(&self.inner).get(key_id)
    }

    /// Stores (or replaces) a key, evicting the least recently used entry when full.
    pub fn insert(
        &self,
        key_id: impl Into<String>,
        key: Arc<PKey<Public>>,
        owner: impl Into<String>,
    ) {
        lock(&self.inner).insert(key_id.into(), (key, owner.into()));
    }

    /// Parses `pem` with [`parse_public_key_pem`] and stores it; returns the parsed key.
    pub fn insert_pem(
        &self,
        key_id: impl Into<String>,
        pem: &str,
        owner: impl Into<String>,
    ) -> Result<Arc<PKey<Public>>, SignatureError> {
        let key = Arc::new(parse_public_key_pem(pem)?);
        self.insert(key_id, key.clone(), owner);
        Ok(key)
    }

    /// Drops a key (e.g. after a failed verification, to refetch the actor), returning it.
    pub fn remove(&self, key_id: &str) -> Option<CachedPublicKey> {
        lock(&self.inner).remove(key_id)
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        lock(&self.inner).map.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Maximum number of keys.
    pub fn capacity(&self) -> usize {
        lock(&self.inner).capacity
    }
}

/// PEM fingerprint and parsed key.
type PrivateEntry = (u64, Arc<PKey<Private>>);

/// Local actors' parsed private keys, by local actor id. Bounded (LRU). The PEM is
/// fingerprinted so a rotated key is re-parsed rather than served stale.
#[derive(Debug)]
pub struct PrivateKeyCache {
    inner: Mutex<Lru<i64, PrivateEntry>>,
}

impl PrivateKeyCache {
    /// An empty cache holding at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        PrivateKeyCache {
            inner: Mutex::new(Lru::new(capacity)),
        }
    }

    /// The parsed key for `actor_id`, parsing `pem` (and caching the result) unless a key
    /// parsed from the same PEM is already cached. Parsing happens outside the lock.
    pub fn get_or_parse(
        &self,
        actor_id: i64,
        pem: &str,
    ) -> Result<Arc<PKey<Private>>, SignatureError> {
        let fingerprint = {
            let mut h = std::hash::DefaultHasher::new();
            pem.hash(&mut h);
            h.finish()
        };
        if let Some((fp, key)) = lock(&self.inner).get(&actor_id)
            && fp == fingerprint
        {
            return Ok(key);
        }
        let key = Arc::new(parse_private_key_pem(pem)?);
        lock(&self.inner).insert(actor_id, (fingerprint, key.clone()));
        Ok(key)
    }

    /// Drops the key of `actor_id`.
    pub fn remove(&self, actor_id: i64) -> Option<Arc<PKey<Private>>> {
        lock(&self.inner).remove(&actor_id).map(|(_, k)| k)
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        lock(&self.inner).map.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Maximum number of keys.
    pub fn capacity(&self) -> usize {
        lock(&self.inner).capacity
    }
}
