//! Fresh databases for tests: a SQLite file in its own temporary directory, or a PostgreSQL
//! database created on the server named by `TEST_DATABASE_URL`. Each is removed when the
//! [`TestDatabase`] is dropped.

use crate::{Database, PoolConfig};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The environment variable naming the PostgreSQL server tests may use.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    /// Remove this directory (the SQLite file and its WAL files).
    Directory(PathBuf),
    /// `DROP DATABASE name WITH (FORCE)` through the server at `admin_url`.
    Postgres {
        admin_url: String,
        name: String,
    },
    Done,
}

impl TestDatabase {
    /// A new empty SQLite database file in a fresh temporary directory.
    ///
    /// # Panics
    /// When the temporary directory cannot be created.
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("microblog-test-{}", unique_suffix()));
        if let Err(err) = std::fs::create_dir_all(&dir) {
            panic!("cannot create the test directory {}: {err}", dir.display());
        }
        let url = format!("sqlite://{}?mode=rwc", dir.join("microblog.db").display());
        Self {
            url,
            cleanup: Cleanup::Directory(dir),
        }
    }

    /// A new empty database `microblog_test_<random>` on the PostgreSQL server named by
    /// `TEST_DATABASE_URL`, or `None` (saying why on stderr) when that variable is unset.
    ///
    /// # Panics
    /// When the variable is set but the database cannot be created: a test that was asked
    /// to run against PostgreSQL must not pass silently.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(TEST_DATABASE_URL) else {
            eprintln!("skipping the PostgreSQL variant: {TEST_DATABASE_URL} is not set");
            return None;
        };
        let name = format!("microblog_test_{}", unique_suffix());
        let admin = admin_pool(&admin_url).await;
        if let Err(err) = admin
            .execute_sql(&format!(r#"CREATE DATABASE "{name}""#))
            .await
        {
            panic!("cannot create the test database {name}: {err}");
        }
        admin.close().await;
        Some(Self {
            url: with_database(&admin_url, &name),
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A connected and migrated [`Database`] on this test database (a small pool).
    ///
    /// # Panics
    /// When connecting or migrating fails.
    pub async fn connect(&self) -> Database {
        let pool = PoolConfig {
            max_connections: 5,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
        };
        let db = match Database::connect(&self.url, pool).await {
            Ok(db) => db,
            Err(err) => panic!("cannot connect to the test database: {}", chain(&err)),
        };
        if let Err(err) = db.migrate().await {
            panic!("cannot migrate the test database: {}", chain(&err));
        }
        db
    }

    /// Removes the database now (dropping does the same, blocking the thread meanwhile).
    pub async fn cleanup(mut self) {
        match std::mem::replace(&mut self.cleanup, Cleanup::Done) {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => drop_postgres(&admin_url, &name).await,
            Cleanup::Done => {}
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.cleanup, Cleanup::Done) {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop may run inside an async runtime: do the async work on a thread with
                // a runtime of its own, and wait for it so the database is gone afterwards.
                let worker =
                    std::thread::spawn(move || match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(runtime) => runtime.block_on(drop_postgres(&admin_url, &name)),
                        Err(err) => eprintln!("cannot drop test database {name}: {err}"),
                    });
                let _ = worker.join();
            }
            Cleanup::Done => {}
        }
    }
}

/// A one-connection pool on the admin database.
async fn admin_pool(admin_url: &str) -> AdminPool {
    let pool = PoolConfig {
        max_connections: 1,
        min_connections: 0,
        acquire_timeout: Duration::from_secs(30),
    };
    match Database::connect(admin_url, pool).await {
        Ok(db) => AdminPool(db),
        Err(err) => panic!("cannot connect to {TEST_DATABASE_URL}: {}", chain(&err)),
    }
}

/// The admin connection, kept apart from the test's pools.
struct AdminPool(Database);

impl AdminPool {
    async fn execute_sql(&self, sql: &str) -> Result<(), sea_orm::DbErr> {
        use sea_orm::ConnectionTrait;
        self.0.connection().execute_unprepared(sql).await.map(drop)
    }

    async fn close(self) {
        let _ = self.0.close().await;
    }
}

async fn drop_postgres(admin_url: &str, name: &str) {
    let admin = admin_pool(admin_url).await;
    let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
    if let Err(err) = admin.execute_sql(&sql).await {
        eprintln!("cannot drop test database {name}: {err}");
    }
    admin.close().await;
}

/// `url` with its database (the path after the authority) replaced by `name`, keeping the
/// query string.
fn with_database(url: &str, name: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let authority_start = before_query.find("://").map_or(0, |i| i + 3);
    let base = match before_query[authority_start..].find('/') {
        Some(slash) => &before_query[..authority_start + slash],
        None => before_query,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// 16 hex digits, random per call (seeded by the OS through `RandomState`).
fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(elapsed) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    format!("{:016x}", hasher.finish())
}

/// An error and its sources on one line.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_replaces_the_path_and_keeps_the_query() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[test]
    fn suffixes_differ() {
        assert_ne!(unique_suffix(), unique_suffix());
    }
}
