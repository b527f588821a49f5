//! Services: the use cases, one per file, each written against the few ports it needs.
//!
//! A use case that sends mail takes a [`MailQueue`] rather than the outbox's parts. Adding a
//! use case adds a file here and a field in the web state; no other service changes.

mod alerts;
mod blog;
mod change_email;
mod change_password;
mod dead_mail_digest;
mod dispatcher;
mod email_confirmation;
mod error;
mod forgot_password;
mod lockout;
mod mail_preparer;
mod mail_queue;
mod manage_sessions;
mod outbox_operations;
mod outbox_retention;
mod password_reset;
mod profile;
mod reauthentication;
mod rebuild_timelines;
mod registration;
mod sessions;
mod sign_in;

/// Re-exported from [`crate::entities`], where it moved when the store began reading a
/// profile in one call.
pub use crate::entities::ProfilePage;
pub use alerts::{Alerts, ServerErrorReport};
pub use blog::{Blog, FollowError};
pub use change_email::{ChangeEmail, ChangeEmailCommand, ChangeEmailError};
pub use change_password::{ChangePassword, ChangePasswordCommand, ChangePasswordError};
pub use dead_mail_digest::{DIGEST_QUIET, DeadMailDigest, mask};
pub use dispatcher::{DispatchReport, DispatcherConfig, MailDispatcher, OutboxSignal, backoff};
pub use email_confirmation::{ConfirmEmailError, Confirmed, EmailConfirmation, Resend};
pub use error::{Busy, UnexpectedError};
pub use forgot_password::{ForgotPassword, RequestResetError};
pub use lockout::Lockout;
pub use mail_preparer::{MailPreparer, Prepared, ResetPolicy};
pub use mail_queue::MailQueue;
pub use manage_sessions::{ManageSessions, RevokeSessionError};
pub use outbox_operations::{OutboxOperations, OutboxStatus};
pub use outbox_retention::OutboxRetention;
pub use password_reset::{PasswordReset, ResetPasswordCommand, ResetPasswordError};
pub use profile::{Profile, UpdateProfileCommand, UpdateProfileError};
pub use reauthentication::Reauthentication;
pub use rebuild_timelines::{RebuildProgress, RebuildTimelines};
pub use registration::{RegisterCommand, RegisterError, Registration};
pub use sessions::{OpenedSession, SessionRules, Sessions, SignedIn};
pub use sign_in::{AuthenticateError, SignIn};

use error::{hashing, repo};
