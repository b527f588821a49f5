//! The web crate's pages, driven in-process: every route's status and redirects, sessions,
//! CSRF, flash messages, the reset flow and the protective middleware.

mod auth;
mod avatars;
mod blog;
mod busy;
mod change_email;
mod confirm;
mod csrf;
mod guards;
mod layers;
mod legacy_names;
mod reset;
mod routes;
mod security;
mod sessions;
mod support;
mod system;
