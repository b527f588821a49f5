//! The request handlers, one module per area of the site.

pub(crate) mod auth;
pub(crate) mod avatar;
pub(crate) mod blog;
pub(crate) mod confirm;
pub(crate) mod email;
pub(crate) mod password;
pub(crate) mod profile;
pub(crate) mod reset;
pub(crate) mod sessions;
pub(crate) mod system;
