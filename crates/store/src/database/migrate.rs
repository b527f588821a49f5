//! Applying migrations safely when several processes start at once.

use microblog_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// The advisory lock key migrations run under on PostgreSQL (ASCII "microblg").
const MIGRATION_LOCK_KEY: i64 = 0x6d69_6372_6f62_6c67;

/// Applies pending migrations inside one transaction that first takes the migration lock:
/// `pg_advisory_xact_lock` on PostgreSQL (released at commit or rollback), the write lock
/// (`BEGIN IMMEDIATE`) on SQLite. A process that waited sees the other's migrations as
/// applied and has nothing left to do. DDL is transactional on both backends, so a failed
/// migration leaves nothing behind.
pub(super) async fn apply_pending(conn: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = match conn.get_database_backend() {
        DbBackend::Sqlite => {
            conn.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?
        }
        DbBackend::Postgres => {
            let txn = conn.begin().await?;
            txn.execute_unprepared(&format!(
                "SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
            ))
            .await?;
            txn
        }
        other => {
            return Err(DbErr::Custom(format!(
                "migrations are not supported on {other:?}"
            )));
        }
    };
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

/// How many migrations are not applied, without creating anything.
pub(super) async fn pending(conn: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations_read_only(conn)
        .await?
        .len())
}
