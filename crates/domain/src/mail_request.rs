//! `MailRequest`: what the outbox stores — who to write to and why, never a token or a body.
//!
//! A request is turned into an [`crate::EmailIntent`] (and so into a rendered email, with any
//! link minted then) by the dispatcher at the moment it sends, so a link's lifetime counts
//! from delivery and nothing at rest holds a usable token. Stored as JSON; the field names
//! below are the stored format and must stay readable by later versions.

use crate::email::EmailKind;
use crate::entities::{User, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A user a notice is for, and the address (normalized key) they had when it was asked for.
/// If the account is gone or its address has changed by the time of sending, the notice is
/// dropped rather than sent to a stale address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    pub user_id: UserId,
    pub address: String,
}

impl Addressee {
    /// `user` at their current address.
    pub fn of(user: &User) -> Self {
        Self {
            user_id: user.id,
            address: user.email.normalized().to_owned(),
        }
    }
}

/// One stored mail request. Nothing here is a secret: tokens are minted at send time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum MailRequest {
    /// Someone asked for a reset link for this address (its normalized key), known or not.
    /// At send time the account is looked up, the per-address throttle applied, and a link
    /// minted; an unknown address is dropped, counted and never logged.
    ResetPassword { address: String },
    /// The mail asking a user to confirm their address (sent at registration, and again on
    /// request); dropped if the address is confirmed or changed by the time of sending.
    ConfirmEmail { to: Addressee },
    /// An address change asked for at `/change_email`. At send time: dropped if the
    /// account is gone or this change is no longer the pending one (a newer request, or
    /// confirmed already); if `address` belongs to another account by then, that account's
    /// owner is told someone tried to add it (no link); otherwise the new address gets the
    /// confirmation link, minted then.
    ConfirmEmailChange {
        user_id: UserId,
        /// The new address, as entered.
        address: String,
        #[serde(with = "unix_micros")]
        requested_at: OffsetDateTime,
    },
    /// After an address change: the notice to the *previous* address (which is, by design,
    /// no longer the account's), showing the new one masked.
    EmailChanged {
        user_id: UserId,
        /// The previous address, as entered: where the notice goes.
        previous_address: String,
        /// The new address, as entered (shown only masked).
        new_address: String,
        #[serde(with = "unix_seconds")]
        changed_at: OffsetDateTime,
    },
    /// The "your password was changed" notice.
    PasswordChanged {
        to: Addressee,
        #[serde(with = "unix_seconds")]
        changed_at: OffsetDateTime,
    },
    /// The notice sent once per sign-in lock.
    SignInLocked {
        to: Addressee,
        failed_attempts: u32,
        #[serde(with = "unix_seconds")]
        locked_at: OffsetDateTime,
        #[serde(with = "unix_seconds")]
        locked_until: OffsetDateTime,
    },
    /// "Microblog Failure" to the administrators (no secret in it).
    ServerError {
        to: Vec<String>,
        request_line: String,
        request_id: String,
        error_chain: Vec<String>,
        #[serde(with = "unix_seconds")]
        occurred_at: OffsetDateTime,
    },
    /// The hourly digest of newly dead mail to the administrators (no secret in it: the
    /// recipients are masked, the errors are the relay's replies).
    DeadMailDigest {
        to: Vec<String>,
        /// How many dead entries it reports; `mails` lists the first ones.
        total: u64,
        mails: Vec<DeadMailLine>,
        #[serde(with = "unix_seconds")]
        made_at: OffsetDateTime,
    },
    /// `microblog send-test-email`, or any operator's test message.
    Test {
        to: Vec<String>,
        #[serde(with = "unix_seconds")]
        sent_at: OffsetDateTime,
    },
    /// A message composed by a version before requests were stored (converted by the
    /// migration that introduced them). Only kinds that carry no token keep their text; a
    /// stored reset link was turned into a [`MailRequest::ResetPassword`] instead.
    Composed {
        kind: String,
        to: Vec<String>,
        subject: String,
        text_body: String,
        html_body: String,
    },
}

impl MailRequest {
    /// The notice that `user`'s password changed at `changed_at`.
    pub fn password_changed(user: &User, changed_at: OffsetDateTime) -> Self {
        Self::PasswordChanged {
            to: Addressee::of(user),
            changed_at,
        }
    }

    /// Who the request is for, as operators read it (for a notice, the address the user had
    /// when it was asked for).
    pub fn recipients(&self) -> Vec<String> {
        match self {
            Self::ResetPassword { address } => vec![address.clone()],
            Self::ConfirmEmail { to }
            | Self::PasswordChanged { to, .. }
            | Self::SignInLocked { to, .. } => vec![to.address.clone()],
            Self::ConfirmEmailChange { address, .. } => vec![address.clone()],
            Self::EmailChanged {
                previous_address, ..
            } => vec![previous_address.clone()],
            Self::ServerError { to, .. }
            | Self::DeadMailDigest { to, .. }
            | Self::Test { to, .. }
            | Self::Composed { to, .. } => to.clone(),
        }
    }

    /// The kind of email this request becomes (an unknown legacy kind reads as `Test`, and
    /// is refused when rendered).
    pub fn kind(&self) -> EmailKind {
        match self {
            Self::ResetPassword { .. } => EmailKind::ResetPassword,
            Self::ConfirmEmail { .. } => EmailKind::ConfirmEmail,
            Self::PasswordChanged { .. } => EmailKind::PasswordChanged,
            Self::SignInLocked { .. } => EmailKind::SignInLocked,
            Self::ServerError { .. } => EmailKind::ServerError,
            Self::DeadMailDigest { .. } => EmailKind::DeadMailDigest,
            Self::Test { .. } => EmailKind::Test,
            Self::ConfirmEmailChange { .. } => EmailKind::ConfirmEmailChange,
            Self::EmailChanged { .. } => EmailKind::EmailChanged,
            Self::Composed { kind, .. } => EmailKind::parse(kind).unwrap_or(EmailKind::Test),
        }
    }
}

/// One dead entry as a digest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadMailLine {
    /// The outbox id, for `microblog outbox retry <id>`.
    pub id: i64,
    pub kind: String,
    /// Masked recipients (`s***@example.com`).
    pub recipients: Vec<String>,
    pub last_error: String,
}

/// Timestamps as Unix microseconds, where the exact instant identifies something (a pending
/// address change).
mod unix_micros {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(crate::micros::to_micros(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        let micros = i64::deserialize(deserializer)?;
        crate::micros::from_micros(micros)
            .ok_or_else(|| serde::de::Error::custom("a time out of range"))
    }
}

/// Timestamps as whole Unix seconds, the precision every notice shows.
mod unix_seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(at.unix_timestamp())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        let seconds = i64::deserialize(deserializer)?;
        OffsetDateTime::from_unix_timestamp(seconds).map_err(serde::de::Error::custom)
    }
}
