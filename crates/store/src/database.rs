//! `Database`: the connection pool, migrations, health checks, and the repositories built on
//! it.

mod migrate;

use crate::error::StoreError;
use crate::write_gate::WriteGate;
use crate::{SeaOrmOutbox, SeaOrmPosts, SeaOrmTimelines, SeaOrmUsers, outbox};
use crate::{SeaOrmSessions, SeaOrmSignInAttempts};
use microblog_domain::ports::FeedLimits;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, DatabaseConnection, DbBackend};
use std::time::Duration;

pub use outbox::OutboxCounts;

/// How long SQLite waits for another connection's write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled connection idle this long is pinged before use (a server or a firewall may have
/// dropped it); busier connections are handed out as they are.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// Connection pool sizing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// Most connections open at once.
    pub max_connections: u32,
    /// Connections kept open when idle.
    pub min_connections: u32,
    /// How long a query waits for a free connection before failing.
    pub acquire_timeout: Duration,
}

impl Default for PoolConfig {
    /// 10 connections at most, 1 kept open, 5 s to acquire one.
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 1,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// The connections of a [`Database`]'s pool at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUsage {
    /// Checked out by a query or transaction now.
    pub in_use: u32,
    /// Open and waiting for one.
    pub idle: u32,
}

/// A pool of connections to SQLite or PostgreSQL. Cheap to clone (clones share the pool).
#[derive(Clone, Debug)]
pub struct Database {
    conn: DatabaseConnection,
    writes: WriteGate,
    feeds: FeedLimits,
}

impl Database {
    /// Opens a pool on a `sqlite:` or `postgres:` (`postgresql:`) URL. SQLite connections use
    /// WAL, a 5 s busy timeout, `foreign_keys = ON` and `synchronous = NORMAL`; statement
    /// logging is off on both backends. Use `?mode=rwc` to create a missing SQLite file
    /// (`sqlite::memory:` gives each pooled connection its own empty database: use a file).
    ///
    /// # Errors
    /// [`StoreError::UnsupportedUrl`] for another scheme, [`StoreError::Connect`] when the
    /// pool cannot open its first connection.
    pub async fn connect(url: &str, pool: PoolConfig) -> Result<Self, StoreError> {
        let backend = backend_of(url)?;
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(pool.max_connections.max(1))
            .min_connections(pool.min_connections.min(pool.max_connections))
            .acquire_timeout(pool.acquire_timeout)
            // Ping only connections idle for a while: a ping on every checkout cost each
            // SQLite query an extra round trip to its connection's worker thread.
            .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
                    .synchronous(SqliteSynchronous::Normal)
            });
        let conn = sea_orm::Database::connect(options)
            .await
            .map_err(|source| StoreError::Connect {
                backend: backend_name(backend),
                source,
            })?;
        Ok(Self {
            conn,
            writes: WriteGate::for_backend(backend),
            feeds: FeedLimits::default(),
        })
    }

    /// The same pool with home feeds of these limits (the default is
    /// [`FeedLimits::default`]); give every repository of one process the same.
    #[must_use]
    pub fn with_feed_limits(mut self, feeds: FeedLimits) -> Self {
        self.feeds = feeds;
        self
    }

    /// Applies every pending migration. On PostgreSQL it holds a transaction-scoped advisory
    /// lock meanwhile, and on SQLite an immediate (write) transaction, so processes starting
    /// at once apply each migration exactly once and all succeed.
    ///
    /// # Errors
    /// [`StoreError::Migrate`] when a migration fails; its changes are rolled back.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate::apply_pending(&self.conn)
            .await
            .map_err(StoreError::Migrate)
    }

    /// How many migrations are not applied yet (0 when the schema is current). Read-only:
    /// it creates nothing, so a readiness probe may call it.
    ///
    /// # Errors
    /// [`StoreError::Migrate`] when the migration table cannot be read.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        migrate::pending(&self.conn)
            .await
            .map_err(StoreError::Migrate)
    }

    /// Checks that a connection can be acquired and answers.
    ///
    /// # Errors
    /// [`StoreError::Query`] when it cannot.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.conn.ping().await.map_err(StoreError::Query)
    }

    /// How many outbox entries are in each state: for tests, benches and operators.
    ///
    /// # Errors
    /// [`StoreError::Query`] when the query fails.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        outbox::counts(&self.conn).await.map_err(StoreError::Query)
    }

    /// How many of the pool's connections are checked out and how many wait idle, for the
    /// `database_connections` gauge.
    pub fn pool_usage(&self) -> PoolUsage {
        let (open, idle) = match self.conn.get_database_backend() {
            DbBackend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        PoolUsage {
            in_use: open.saturating_sub(idle),
            idle,
        }
    }

    /// The user repository on this pool.
    pub fn users(&self) -> SeaOrmUsers {
        SeaOrmUsers::new(self.conn.clone(), self.writes.clone())
    }

    /// The post and follower repository on this pool (it writes the home feeds).
    pub fn posts(&self) -> SeaOrmPosts {
        SeaOrmPosts::new(self.conn.clone(), self.writes.clone(), self.feeds)
    }

    /// The home feeds on this pool.
    pub fn timelines(&self) -> SeaOrmTimelines {
        SeaOrmTimelines::new(self.conn.clone(), self.writes.clone(), self.feeds)
    }

    /// The mail outbox on this pool.
    pub fn outbox(&self) -> SeaOrmOutbox {
        SeaOrmOutbox::new(self.conn.clone(), self.writes.clone())
    }

    /// The per-account sign-in failure counts and locks on this pool.
    pub fn sign_in_attempts(&self) -> SeaOrmSignInAttempts {
        SeaOrmSignInAttempts::new(self.conn.clone(), self.writes.clone())
    }

    /// The login sessions on this pool.
    pub fn sessions(&self) -> SeaOrmSessions {
        SeaOrmSessions::new(self.conn.clone(), self.writes.clone())
    }

    /// The sea-orm connection, for this crate's own helpers.
    pub(crate) fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        backend_name(self.conn.get_database_backend())
    }

    /// Closes every connection of the pool (clones included); later queries fail.
    ///
    /// # Errors
    /// [`StoreError::Query`] when closing fails.
    pub async fn close(self) -> Result<(), StoreError> {
        self.conn.close().await.map_err(StoreError::Query)
    }
}

/// The backend a URL names, from its scheme.
fn backend_of(url: &str) -> Result<DbBackend, StoreError> {
    let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => Ok(DbBackend::Sqlite),
        "postgres" | "postgresql" => Ok(DbBackend::Postgres),
        _ => Err(StoreError::UnsupportedUrl {
            scheme: scheme.chars().take(32).collect(),
        }),
    }
}

fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "unsupported",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_pick_the_backend() {
        assert_eq!(
            backend_of("sqlite://x.db?mode=rwc").unwrap(),
            DbBackend::Sqlite
        );
        assert_eq!(backend_of("sqlite::memory:").unwrap(), DbBackend::Sqlite);
        assert_eq!(
            backend_of("postgres://u@h/db").unwrap(),
            DbBackend::Postgres
        );
        assert_eq!(
            backend_of("PostgreSQL://u@h/db").unwrap(),
            DbBackend::Postgres
        );
    }

    #[test]
    fn other_schemes_are_refused_without_echoing_credentials() {
        let err = backend_of("mysql://root:hunter2@host/db").unwrap_err();
        assert!(matches!(&err, StoreError::UnsupportedUrl { scheme } if scheme == "mysql"));
        assert!(!err.to_string().contains("hunter2"));
        assert!(backend_of("no-scheme-at-all").is_err());
    }
}
