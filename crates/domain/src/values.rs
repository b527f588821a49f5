//! Value objects: parsed at the edge, valid once held, fields private.

mod about_me;
mod control;
mod email_address;
mod password;
mod post_body;
mod secret_key;
mod username;

pub use about_me::{AboutMe, AboutMeError};
pub use email_address::{EmailAddress, EmailAddressError};
pub use password::{Password, PasswordError, PasswordHash};
pub use post_body::{PostBody, PostBodyError};
pub use secret_key::{SecretKey, SecretKeyError};
pub use username::{Username, UsernameError, UsernameSkeleton};
