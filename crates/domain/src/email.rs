//! Emails: the intents the product sends, and the composed message the outbox carries.

use crate::confirm_token::ConfirmToken;
use crate::reset_token::ResetToken;
use time::OffsetDateTime;

/// What kind of message an email is (stored with it in the outbox, for operators).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailKind {
    ResetPassword,
    ConfirmEmail,
    PasswordChanged,
    SignInLocked,
    ServerError,
    DeadMailDigest,
    Test,
    ConfirmEmailChange,
    EmailChanged,
    EmailInUse,
}

impl EmailKind {
    /// Every kind, in the order operators read them.
    pub const ALL: [Self; 10] = [
        Self::ResetPassword,
        Self::ConfirmEmail,
        Self::ConfirmEmailChange,
        Self::EmailChanged,
        Self::EmailInUse,
        Self::PasswordChanged,
        Self::SignInLocked,
        Self::ServerError,
        Self::DeadMailDigest,
        Self::Test,
    ];

    /// The stable name stored in the outbox and used as the template folder.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResetPassword => "reset_password",
            Self::ConfirmEmail => "confirm_email",
            Self::PasswordChanged => "password_changed",
            Self::SignInLocked => "sign_in_locked",
            Self::ServerError => "server_error",
            Self::DeadMailDigest => "dead_mail_digest",
            Self::Test => "test",
            Self::ConfirmEmailChange => "confirm_email_change",
            Self::EmailChanged => "email_changed",
            Self::EmailInUse => "email_in_use",
        }
    }

    /// The kind named by [`EmailKind::as_str`], if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A message to be composed: what to say, not how it looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailIntent {
    /// The seed chapter's email: a link that resets the password. The composer builds the
    /// link from the token and the site's address; the domain spells no URL.
    ResetPassword {
        username: String,
        token: ResetToken,
        valid_for_minutes: u64,
    },
    /// Asks the owner of an address to confirm it, with a link the composer builds from the
    /// token (minted when the mail is sent).
    ConfirmEmail {
        username: String,
        token: ConfirmToken,
        valid_for_hours: u64,
    },
    /// Asks the owner of a new address to confirm it for an account that wants to move to it
    /// (`/change_email`), with a link the composer builds from the token.
    ConfirmEmailChange {
        username: String,
        token: ConfirmToken,
        valid_for_hours: u64,
    },
    /// Tells the account's previous address that the address was changed, showing the new
    /// one only masked (`m•••@e•••.com`).
    EmailChanged {
        username: String,
        new_address_masked: String,
        changed_at: OffsetDateTime,
    },
    /// Tells the owner of an address that someone asked to add it to another account (which
    /// never happens: the address stays theirs). Carries no link.
    EmailInUse {
        username: String,
        requested_at: OffsetDateTime,
    },
    /// Sent after a successful reset; carries no link.
    PasswordChanged {
        username: String,
        changed_at: OffsetDateTime,
    },
    /// Sent once per lock, when wrong passwords lock the account: how many, when, until
    /// when. The composer adds the link to the reset request form; the domain spells no URL.
    SignInLocked {
        username: String,
        failed_attempts: u32,
        locked_at: OffsetDateTime,
        locked_until: OffsetDateTime,
    },
    /// "Microblog Failure" to the administrators.
    ServerError {
        request_line: String,
        request_id: String,
        error_chain: Vec<String>,
        occurred_at: OffsetDateTime,
    },
    /// The hourly digest of newly dead mail, to the administrators.
    DeadMailDigest {
        total: u64,
        mails: Vec<crate::mail_request::DeadMailLine>,
        made_at: OffsetDateTime,
    },
    /// `microblog send-test-email`.
    Test { sent_at: OffsetDateTime },
}

impl EmailIntent {
    /// The kind of message this intent produces.
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
            Self::EmailInUse { .. } => EmailKind::EmailInUse,
        }
    }
}

/// A composed email, ready for the outbox and the mailer. The sender is the mailer's
/// configuration (`MAIL_DEFAULT_SENDER`), not part of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub kind: EmailKind,
    pub to: Vec<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in EmailKind::ALL {
            assert_eq!(EmailKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EmailKind::parse("nope"), None);
    }
}
