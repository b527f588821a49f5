//! Microblog's schema as sea-orm migrations: one file per migration, each with a working `down`.
//!
//! Conventions shared by every table, chosen to behave the same on SQLite and PostgreSQL:
//! - Identities are `BIGINT` (`INTEGER PRIMARY KEY AUTOINCREMENT` on SQLite, `bigserial` on
//!   PostgreSQL), so ids are never reused.
//! - **Timestamps are `BIGINT` microseconds since the Unix epoch, UTC.** Integer comparison
//!   and `ORDER BY` are exact on both backends (no text collation, no time-zone conversion),
//!   and "due" checks are plain `<=` against a bound computed by the application.
//! - Table `user` is a reserved word in PostgreSQL; sea-query always quotes identifiers.
//! - `user.username_skeleton` is the domain's `UsernameSkeleton` of the name, unique: names
//!   that look alike cannot both exist. It is `NULL` only for names that already looked like
//!   an older user's when the column was added.
//! - `timeline_entry` is every user's home feed, written when a post is made; a post's
//!   `fanned_out` says whether it was copied into its followers' feeds.
//! - `mail_outbox.recipient` holds the recipients as a JSON array of strings
//!   (`["a@example.com","b@example.com"]`): unambiguous whatever an address contains (for
//!   a notice to a user, the address they had when it was asked for). `mail_outbox.payload` is the JSON of the
//!   domain's `MailRequest` (never a token or a rendered reset link).
//! - `mail_outbox.reported_at` marks dead entries listed in a digest to `ADMINS`; the one
//!   row of `outbox_digest` holds when the last digest was queued (one per hour at most).
//! - `sessions.secret_hash` is SHA-256 of the login cookie's secret, never the secret.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_user;
mod m20261123_000002_create_post;
mod m20261123_000003_create_followers;
mod m20261123_000004_create_mail_outbox;
mod m20261125_000001_create_sign_in_attempts;
mod m20261201_000001_add_username_skeleton;
mod m20261203_000001_create_sessions;
mod m20261203_100000_outbox_stores_requests;
mod m20261203_110000_email_confirmation;
mod m20261203_200000_create_timeline_entry;
mod m20261203_300000_dead_mail_digest;
mod m20261204_000001_pending_email_change;

/// Applies and rolls back Microblog's migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_user::Migration),
            Box::new(m20261123_000002_create_post::Migration),
            Box::new(m20261123_000003_create_followers::Migration),
            Box::new(m20261123_000004_create_mail_outbox::Migration),
            Box::new(m20261125_000001_create_sign_in_attempts::Migration),
            Box::new(m20261201_000001_add_username_skeleton::Migration),
            Box::new(m20261203_000001_create_sessions::Migration),
            Box::new(m20261203_100000_outbox_stores_requests::Migration),
            Box::new(m20261203_110000_email_confirmation::Migration),
            Box::new(m20261203_200000_create_timeline_entry::Migration),
            Box::new(m20261203_300000_dead_mail_digest::Migration),
            Box::new(m20261204_000001_pending_email_change::Migration),
        ]
    }
}

/// Identifiers of the `user` table, shared by the migrations that reference it.
#[derive(DeriveIden)]
pub(crate) enum User {
    Table,
    Id,
    Username,
    Email,
    EmailNormalized,
    PasswordHash,
    AboutMe,
    LastSeen,
    SessionEpoch,
    LastResetRequestedAt,
    CreatedAt,
    UsernameSkeleton,
    EmailConfirmedAt,
    ConfirmationSentAt,
    PendingEmail,
    PendingEmailRequestedAt,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_named_by_time_and_listed_in_order() {
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|migration| migration.name().to_owned())
            .collect();
        for name in &names {
            let stamp = name.get(1..16).unwrap_or_default();
            let well_formed = name.starts_with('m')
                && stamp.len() == 15
                && stamp
                    .chars()
                    .enumerate()
                    .all(|(i, c)| if i == 8 { c == '_' } else { c.is_ascii_digit() });
            assert!(well_formed, "{name} is not mYYYYMMDD_HHMMSS_name");
        }
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            names, sorted,
            "migrations must be listed once each, oldest first"
        );
    }
}
