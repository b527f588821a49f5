//! Tests of the storage adapter: the ports' contract suites on SQLite and PostgreSQL, and
//! what only this adapter promises (migrations, locking, pool behaviour, error mapping).
//!
//! Every test gets a fresh database. The PostgreSQL variants run when `TEST_DATABASE_URL`
//! names a server (e.g. `postgres://postgres@127.0.0.1:5432/test`) and are skipped with a
//! printed reason otherwise.

#[macro_use]
mod support;

mod database;
mod legacy_names;
mod migrations;
mod outbox;
mod outbox_admin;
mod posts;
mod sessions;
mod sign_in_attempts;
mod sqlite;
mod text_round_trip;
mod timelines;
mod users;
