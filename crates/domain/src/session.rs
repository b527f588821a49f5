//! A server-side login session: the secret the browser holds, the hash stored in its place,
//! the public handle a page may show, and the stored row.

use crate::entities::UserId;
use std::fmt;
use time::OffsetDateTime;

/// Random bytes in a session secret (256 bits).
const SECRET_BYTES: usize = 32;
/// Random bytes in a public handle (128 bits).
const HANDLE_BYTES: usize = 16;

/// The operating system had no random bytes to give; nothing was created.
#[derive(Debug, thiserror::Error)]
#[error("no randomness available")]
pub struct NoRandomness(#[source] getrandom::Error);

/// `bytes` random bytes from the operating system, as lowercase hex.
fn random_hex(bytes: usize) -> Result<String, NoRandomness> {
    let mut buffer = vec![0_u8; bytes];
    getrandom::fill(&mut buffer).map_err(NoRandomness)?;
    Ok(hex(&buffer))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0x0f])
        .map(|nibble| char::from(DIGITS[usize::from(nibble)]))
        .collect()
}

fn is_lower_hex(text: &str, bytes: usize) -> bool {
    text.len() == bytes * 2 && text.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// What the browser's login cookie holds: 256 random bits. Only its [`SessionSecretHash`]
/// is stored, so a copy of the database opens no session. Never printed (`Debug` is
/// redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionSecret(String);

impl SessionSecret {
    /// A fresh secret.
    ///
    /// # Errors
    /// [`NoRandomness`] when the operating system has no random bytes to give.
    pub fn generate() -> Result<Self, NoRandomness> {
        random_hex(SECRET_BYTES).map(Self)
    }

    /// A secret as a cookie carried it: exactly 64 lowercase hex digits, else `None`
    /// (anything else cannot be one of ours, and is not even looked up).
    pub fn parse(text: &str) -> Option<Self> {
        is_lower_hex(text, SECRET_BYTES).then(|| Self(text.to_owned()))
    }

    /// The text for the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What is stored in the secret's place: SHA-256 of it. The secret is 256 random bits,
    /// so no slow hash is needed to keep it from being guessed.
    pub fn hash(&self) -> SessionSecretHash {
        SessionSecretHash(hex(&hmac_sha256::Hash::hash(self.0.as_bytes())))
    }
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecret(<redacted>)")
    }
}

/// SHA-256 of a [`SessionSecret`], as 64 hex digits: the stored key of a session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionSecretHash(String);

impl SessionSecretHash {
    /// The stored text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A hash read back from storage.
    pub fn from_stored(text: &str) -> Self {
        Self(text.to_owned())
    }
}

/// The public name of a session, for `/sessions/<handle>/revoke`: 128 random bits, unrelated
/// to the secret, so showing it opens nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionHandle(String);

impl SessionHandle {
    /// A fresh handle.
    ///
    /// # Errors
    /// [`NoRandomness`] when the operating system has no random bytes to give.
    pub fn generate() -> Result<Self, NoRandomness> {
        random_hex(HANDLE_BYTES).map(Self)
    }

    /// A handle from a URL or storage: exactly 32 lowercase hex digits, else `None`.
    pub fn parse(text: &str) -> Option<Self> {
        is_lower_hex(text, HANDLE_BYTES).then(|| Self(text.to_owned()))
    }

    /// The text, for URLs and storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a session was signed in from, as the request told: its `User-Agent` (at most
/// [`Device::MAX_USER_AGENT`] characters kept) and the client's address, if known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    pub user_agent: String,
    pub ip: Option<String>,
}

impl Device {
    /// Longer user agents are cut here: a client cannot make a row large.
    pub const MAX_USER_AGENT: usize = 512;

    /// A device, its user agent cut to [`Self::MAX_USER_AGENT`] characters.
    pub fn new(user_agent: &str, ip: Option<String>) -> Self {
        Self {
            user_agent: user_agent.chars().take(Self::MAX_USER_AGENT).collect(),
            ip,
        }
    }
}

/// A login session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub handle: SessionHandle,
    pub secret_hash: SessionSecretHash,
    pub user_id: UserId,
    pub device: Device,
    pub created_at: OffsetDateTime,
    /// Written at most once per touch interval (a minute).
    pub last_seen_at: OffsetDateTime,
    /// The session is over at this instant; storage treats it as absent from then on.
    pub expires_at: OffsetDateTime,
    /// "Remember me": a fixed lifetime. Otherwise the session ends after an idle period,
    /// and each touch moves `expires_at`.
    pub persistent: bool,
}
