//! Contract suites for the domain's ports: run them against your adapter.

pub mod mailer;
pub mod outbox;
pub mod password_hasher;
pub mod post_repository;
pub mod user_repository;
