//! Where each size's seeded database lives, and reusing it: a SQLite file under
//! `target/bench-scale/`, or a PostgreSQL database beside `TEST_DATABASE_URL`'s, both named
//! by size and a fingerprint of the schema (the migrations) and of the seed format. A
//! database counts as complete once its `bench_scale_seed` row is written, the seed's last
//! step; anything else is seeded again.

use super::size::ScaleSize;
use super::{cli, seeding, verify};
use crate::bench::seed;
use anyhow::Context as _;
use microblog_crypto::{Argon2Hasher, HashLimits};
use microblog_domain::ports::PasswordHasher as _;
use microblog_domain::values::Password;
use microblog_migrations::MigratorTrait as _;
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, Statement};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Changes whenever the seeder writes something else, so old caches are not reused.
const SEED_FORMAT: &str = "scale seed v1";

/// A seeded database ready to serve, and how long seeding it took.
pub struct SeededDatabase {
    pub url: String,
    pub seconds: f64,
    /// Seeded by this run (else reused from an earlier one).
    pub fresh: bool,
    /// Where it is, for the report: a file or a database name.
    pub location: String,
}

/// Which backend, and where it keeps its databases.
pub enum Backend {
    Sqlite { dir: PathBuf },
    Postgres { admin_url: String },
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }

    pub fn tag(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

/// The seeded database of `size`: reused when complete and not `reseed`, else (re)created,
/// migrated by `microblog migrate`, seeded, and at S checked against `rebuild-timelines`.
pub async fn prepare(
    backend: &Backend,
    microblog: &Path,
    size: ScaleSize,
    reseed: bool,
) -> anyhow::Result<SeededDatabase> {
    let fingerprint = fingerprint();
    let (url, location) = locate(backend, size, &fingerprint);
    if !reseed && let Some(seconds) = completed(backend, &url, size, &fingerprint).await {
        println!("reusing the {} seed at {location}", size.name());
        settle(backend, &url).await?;
        return Ok(SeededDatabase {
            url,
            seconds,
            fresh: false,
            location,
        });
    }
    let world = size.world();
    println!(
        "seeding {}: {} users, {} posts, {} follows each, into {location}...",
        size.name(),
        world.users,
        world.total_posts(),
        world.follows_per_user
    );
    let started = Instant::now();
    recreate(backend, &url, &location).await?;
    cli::microblog(microblog, &["migrate"], &url)?;
    let conn = connect_alone(&url).await?;
    let hash = Argon2Hasher::owasp(HashLimits::for_this_machine())
        .hash(&Password::parse(seed::PASSWORD)?)
        .await?;
    seeding::seed(&conn, world, hash.as_str()).await?;
    if size == ScaleSize::S {
        verify::feeds_match_rebuild(&conn, microblog, &url).await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    mark_complete(&conn, size, &fingerprint, seconds).await?;
    conn.close().await?;
    settle(backend, &url).await?;
    println!("seeded {} in {seconds:.1} s", size.name());
    Ok(SeededDatabase {
        url,
        seconds,
        fresh: true,
        location,
    })
}

/// The URL and a printable location of `size`'s database.
fn locate(backend: &Backend, size: ScaleSize, fingerprint: &str) -> (String, String) {
    match backend {
        Backend::Sqlite { dir } => {
            let file = dir.join(format!("{}-{fingerprint}.db", size.name()));
            (
                format!("sqlite://{}?mode=rwc", file.display()),
                file.display().to_string(),
            )
        }
        Backend::Postgres { admin_url } => {
            let name = format!(
                "microblog_scale_{}_{fingerprint}",
                size.name().to_lowercase()
            );
            (with_database(admin_url, &name), name)
        }
    }
}

/// The seeding time recorded in a complete database of this size and fingerprint.
async fn completed(
    backend: &Backend,
    url: &str,
    size: ScaleSize,
    fingerprint: &str,
) -> Option<f64> {
    if let Backend::Sqlite { .. } = backend
        && !Path::new(url_path(url)).exists()
    {
        return None;
    }
    let conn = connect_alone(url).await.ok()?;
    let sql = format!(
        r#"SELECT "seconds" FROM "bench_scale_seed" WHERE "size" = '{}' AND "fingerprint" = '{fingerprint}'"#,
        size.name()
    );
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .ok()??;
    let seconds = row.try_get::<f64>("", "seconds").ok();
    let _ = conn.close().await;
    seconds
}

/// An empty database where `url` points, whatever was there.
async fn recreate(backend: &Backend, url: &str, location: &str) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite { dir } => {
            std::fs::create_dir_all(dir)?;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", url_path(url)));
            }
        }
        Backend::Postgres { admin_url } => {
            let admin = connect_alone(admin_url)
                .await
                .context("cannot connect to TEST_DATABASE_URL")?;
            admin
                .execute_unprepared(&format!(
                    r#"DROP DATABASE IF EXISTS "{location}" WITH (FORCE)"#
                ))
                .await?;
            admin
                .execute_unprepared(&format!(r#"CREATE DATABASE "{location}""#))
                .await?;
            admin.close().await?;
        }
    }
    Ok(())
}

async fn mark_complete(
    conn: &DatabaseConnection,
    size: ScaleSize,
    fingerprint: &str,
    seconds: f64,
) -> anyhow::Result<()> {
    conn.execute_unprepared(
        r#"CREATE TABLE "bench_scale_seed" ("size" TEXT NOT NULL, "fingerprint" TEXT NOT NULL, "seconds" DOUBLE PRECISION NOT NULL)"#,
    )
    .await?;
    conn.execute_unprepared(&format!(
        r#"INSERT INTO "bench_scale_seed" VALUES ('{}', '{fingerprint}', {seconds})"#,
        size.name()
    ))
    .await?;
    Ok(())
}

/// A pool of one connection, so per-connection settings hold for every statement.
/// On PostgreSQL, `VACUUM ANALYZE` from a connection of its own, last before the load: the
/// state autovacuum keeps a live database in. The seeder's own `VACUUM` left most pages of
/// `post` and `followers` not all-visible (`pg_class.relallvisible` 0 of 667 for `post` at
/// S), so index-only scans fetched every heap row: `/explore?page=401` then measured 3.2×
/// its first page, and a profile's follow counts a heap block per follower. Cheap when
/// there is nothing left to do, so it runs on reused seeds too.
async fn settle(backend: &Backend, url: &str) -> anyhow::Result<()> {
    if let Backend::Postgres { .. } = backend {
        let conn = connect_alone(url).await?;
        conn.execute_unprepared("VACUUM ANALYZE").await?;
        conn.close().await?;
    }
    Ok(())
}

async fn connect_alone(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    Ok(sea_orm::Database::connect(options).await?)
}

/// The schema and seed format in 16 hex digits: FNV-1a of every migration's name.
pub fn fingerprint() -> String {
    let names: Vec<String> = microblog_migrations::Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    format!("{:016x}", fnv1a(&[SEED_FORMAT, &names.join(",")].join(";")))
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The file of a `sqlite://PATH?mode=rwc` URL.
fn url_path(url: &str) -> &str {
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    path.split_once('?').map_or(path, |(path, _)| path)
}

/// `url` (a PostgreSQL server URL) naming database `name` instead, query kept.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = url
        .split_once('?')
        .map_or((url, None), |(h, q)| (h, Some(q)));
    let authority = head.find("://").map_or(0, |i| i + 3);
    let server = head[authority..]
        .find('/')
        .map_or(head, |slash| &head[..authority + slash]);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_name_the_size_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "scale_s"),
            "postgres://postgres@127.0.0.1:5432/scale_s"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    #[test]
    fn sqlite_files_are_keyed_by_size_and_fingerprint() {
        let backend = Backend::Sqlite {
            dir: PathBuf::from("/t/bench-scale"),
        };
        let (url, location) = locate(&backend, ScaleSize::M, "00ff");
        assert_eq!(url, "sqlite:///t/bench-scale/M-00ff.db?mode=rwc");
        assert_eq!(url_path(&url), location);
    }

    #[test]
    fn the_fingerprint_follows_the_migrations() {
        assert_eq!(fingerprint(), fingerprint());
        assert_eq!(fingerprint().len(), 16);
        assert_ne!(fnv1a("a,b"), fnv1a("a,c"));
    }
}
