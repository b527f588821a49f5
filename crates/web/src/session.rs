//! The browser's two cookies. The login cookie ([`login_cookie`]) holds only the random
//! secret of a server-side session (`microblog_domain::services::Sessions`); who is logged in
//! is decided in the database on every request. The encrypted `session` cookie ([`codec`])
//! holds what needs no server state and says nothing about who is logged in: the CSRF token,
//! flash messages and, during a password reset, the reset token. [`Session`] is the
//! per-request handle handlers change, and [`Visitor`] the signed-in visitor the session
//! layer found for the request.

mod codec;
mod csrf;
mod login_cookie;

pub(crate) use codec::{SessionCodec, append_set_cookie};
pub(crate) use csrf::CsrfToken;
pub(crate) use login_cookie::LoginCookie;

use microblog_domain::services::SignedIn;
use microblog_domain::{ResetToken, SessionSecret};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// At most this many flash messages wait for the next page (keeps the cookie small).
const MAX_FLASHES: usize = 4;

/// The signed-in visitor the session layer found for this request, if any (a request
/// extension).
#[derive(Clone, Debug)]
pub(crate) struct Visitor(pub(crate) Option<SignedIn>);

/// What the response must do to the login cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LoginChange {
    /// Set it to a new session's secret; `persistent`: "remember me".
    Open {
        secret: SessionSecret,
        persistent: bool,
    },
    /// Remove it (logged out, or its session is over).
    Close,
}

/// What the encrypted cookie carries. Short field names keep the cookie small. Nothing in
/// it says who is logged in (a cookie from before this rule still decrypts: its old fields
/// are ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SessionData {
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub(crate) csrf: Option<CsrfToken>,
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) flashes: Vec<Flash>,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub(crate) reset_token: Option<ResetToken>,
}

impl SessionData {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// How a flash message is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FlashLevel {
    Info,
    Success,
    Error,
}

/// A message shown once, on the next page rendered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Flash {
    #[serde(rename = "l")]
    pub(crate) level: FlashLevel,
    #[serde(rename = "m")]
    pub(crate) message: String,
}

/// The request's session. Cloning shares it; the session layer writes the cookie after the
/// handler ran, only when something changed.
#[derive(Clone, Debug)]
pub(crate) struct Session(Arc<Mutex<State>>);

#[derive(Debug)]
struct State {
    data: SessionData,
    changed: bool,
    login: Option<LoginChange>,
}

impl Session {
    pub(crate) fn new(data: SessionData) -> Self {
        Self(Arc::new(Mutex::new(State {
            data,
            changed: false,
            login: None,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A handler that panicked while holding the lock left plain data behind; keep it.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn change<R>(&self, f: impl FnOnce(&mut SessionData) -> R) -> R {
        let mut state = self.lock();
        state.changed = true;
        f(&mut state.data)
    }

    /// The session's data, if it must be written back.
    pub(crate) fn changed_data(&self) -> Option<SessionData> {
        let state = self.lock();
        state.changed.then(|| state.data.clone())
    }

    /// What the response must do to the login cookie, if anything.
    pub(crate) fn login_change(&self) -> Option<LoginChange> {
        self.lock().login.clone()
    }

    /// Hands the browser a new session's `secret` (the session is already stored). The
    /// CSRF token is replaced, so a token seen before login is useless after it.
    pub(crate) fn log_in(&self, secret: SessionSecret, persistent: bool) {
        self.change(|data| {
            data.csrf = None;
            data.reset_token = None;
        });
        self.lock().login = Some(LoginChange::Open { secret, persistent });
    }

    /// Removes the login cookie and anything tied to the login, keeping pending flash
    /// messages. (Ending the stored session is the caller's: `Sessions::log_out`.)
    pub(crate) fn log_out(&self) {
        self.change(|data| {
            data.csrf = None;
            data.reset_token = None;
        });
        self.lock().login = Some(LoginChange::Close);
    }

    /// Removes a login cookie whose session is over, changing nothing else.
    pub(crate) fn forget_login_cookie(&self) {
        self.lock().login = Some(LoginChange::Close);
    }

    /// Queues a message for the next page.
    pub(crate) fn flash(&self, level: FlashLevel, message: impl Into<String>) {
        self.change(|data| {
            if data.flashes.len() >= MAX_FLASHES {
                data.flashes.remove(0);
            }
            data.flashes.push(Flash {
                level,
                message: message.into(),
            });
        });
    }

    /// Whether a message is queued for the next page.
    pub(crate) fn has_flashes(&self) -> bool {
        !self.lock().data.flashes.is_empty()
    }

    /// The queued messages, removed from the session: each is shown exactly once.
    pub(crate) fn take_flashes(&self) -> Vec<Flash> {
        let mut state = self.lock();
        if state.data.flashes.is_empty() {
            return Vec::new();
        }
        state.changed = true;
        std::mem::take(&mut state.data.flashes)
    }

    /// The session's CSRF token, created on first use.
    ///
    /// # Errors
    /// When the operating system has no random bytes to give.
    pub(crate) fn csrf_token(&self) -> Result<CsrfToken, getrandom::Error> {
        if let Some(token) = &self.lock().data.csrf {
            return Ok(token.clone());
        }
        let token = CsrfToken::random()?;
        self.change(|data| data.csrf = Some(token.clone()));
        Ok(token)
    }

    /// Whether `submitted` is this session's CSRF token (compared in constant time). A
    /// session without a token accepts nothing.
    pub(crate) fn csrf_matches(&self, submitted: &CsrfToken) -> bool {
        self.lock().data.csrf.as_ref() == Some(submitted)
    }

    pub(crate) fn reset_token(&self) -> Option<ResetToken> {
        self.lock().data.reset_token.clone()
    }

    pub(crate) fn set_reset_token(&self, token: ResetToken) {
        self.change(|data| data.reset_token = Some(token));
    }

    pub(crate) fn clear_reset_token(&self) {
        if self.lock().data.reset_token.is_some() {
            self.change(|data| data.reset_token = None);
        }
    }
}

/// `bytes` random bytes from the operating system, hex-encoded.
pub(crate) fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buffer = vec![0_u8; bytes];
    getrandom::fill(&mut buffer)?;
    let mut hex = String::with_capacity(bytes * 2);
    for byte in buffer {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    Ok(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flashes_are_taken_once() {
        let session = Session::new(SessionData::default());
        session.flash(FlashLevel::Info, "one");
        assert_eq!(session.take_flashes().len(), 1);
        assert!(session.take_flashes().is_empty());
    }

    #[test]
    fn random_hex_is_lowercase_hex_of_fresh_bytes() {
        let (a, b) = (random_hex(20).unwrap(), random_hex(20).unwrap());
        assert_eq!(a.len(), 40);
        assert!(
            a.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')),
            "{a}"
        );
        assert_ne!(a, b, "two tokens must differ");
    }

    #[test]
    fn csrf_token_is_stable_and_checked_exactly() {
        let session = Session::new(SessionData::default());
        let submitted = CsrfToken::submitted;
        assert!(
            !session.csrf_matches(&submitted("")),
            "no token yet: nothing matches"
        );
        let token = session.csrf_token().unwrap();
        assert_eq!(token.as_str().len(), 40);
        assert_eq!(session.csrf_token().unwrap(), token);
        assert!(session.csrf_matches(&token));
        assert!(!session.csrf_matches(&submitted(&token.as_str()[1..])));
        assert!(!session.csrf_matches(&submitted("")));
    }

    #[test]
    fn an_untouched_session_is_not_written() {
        let session = Session::new(SessionData::default());
        assert!(session.changed_data().is_none());
        assert!(session.take_flashes().is_empty());
        assert!(session.changed_data().is_none());
    }
}
