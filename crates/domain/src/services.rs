//! Services: the use cases, written against ports only.

mod accounts;
mod alerts;
mod blog;
mod dispatcher;
mod reset;

pub use accounts::{
    Accounts, AccountsConfig, AuthenticateError, RegisterCommand, RegisterError, UnexpectedError,
    UpdateProfileCommand, UpdateProfileError,
};
pub use alerts::{Alerts, ServerErrorReport};
pub use blog::{Blog, FollowError, Profile};
pub use dispatcher::{DispatchReport, DispatcherConfig, MailDispatcher, OutboxSignal, backoff};
pub use reset::{RequestResetError, ResetPasswordCommand, ResetPasswordError};
