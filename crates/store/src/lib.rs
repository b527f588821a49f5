//! Microblog's storage adapter: the domain's `UserRepository`, `PostRepository`,
//! `TimelineStore`, `SignInAttempts`, `SessionStore` and `Outbox` ports on SQLite or
//! PostgreSQL through sea-orm.
//!
//! Start with [`Database::connect`], apply the schema with [`Database::migrate`], then hand
//! [`Database::users`], [`Database::posts`] and [`Database::outbox`] to the services.
//! Entities stay private; every database error is translated into the ports' errors.
//! Timestamps are stored as `BIGINT` microseconds since the Unix epoch (UTC), so ordering
//! and due-ness are exact on both backends.

mod binds;
mod constraint;
mod database;
mod entities;
mod error;
mod outbox;
mod posts;
mod sessions;
mod sign_in_attempts;
pub mod testing;
mod timelines;
mod timestamp;
mod users;
mod write_gate;

pub use database::{Database, OutboxCounts, PoolConfig, PoolUsage};
pub use error::StoreError;
pub use outbox::SeaOrmOutbox;
pub use posts::SeaOrmPosts;
pub use sessions::SeaOrmSessions;
pub use sign_in_attempts::SeaOrmSignInAttempts;
pub use timelines::SeaOrmTimelines;
pub use users::SeaOrmUsers;
