//! Seeding a scale world straight into the tables the migrations made: users (one Argon2id
//! hash shared by all), follows, posts and home feeds, each table in one transaction of
//! multi-row `INSERT`s, with the secondary indexes built once at the end.

use super::bulk::{self, text};
use super::world::{SeededPost, World};
use crate::bench::seed;
use microblog_domain::ports::FeedLimits;
use microblog_domain::values::{EmailAddress, Username};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};
use std::time::Instant;

/// The tables the seed fills, in the order their foreign keys need.
const TABLES: [&str; 4] = ["user", "post", "followers", "timeline_entry"];

const MICROS: i64 = 1_000_000;

/// Fills a migrated, empty database with `world`. Every user's password is
/// [`seed::PASSWORD`], hashed once as `password_hash` (a PHC string).
pub async fn seed(
    conn: &DatabaseConnection,
    world: World,
    password_hash: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        world.follows_per_user < world.users,
        "a user cannot follow {} others among {} users",
        world.follows_per_user,
        world.users
    );
    // The newest post is a minute old; post `s` of the history is `s` seconds after base.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let base = now - world.total_posts() as i64 - 60;
    let backend = conn.get_database_backend();
    loading_mode(conn, backend).await?;
    let indexes = bulk::drop_secondary_indexes(conn, &TABLES).await?;
    timed("users", insert_users(conn, world, password_hash, base)).await?;
    timed("posts", insert_posts(conn, world, base)).await?;
    timed("follows", insert_follows(conn, world)).await?;
    timed("home feeds", insert_feeds(conn, world, base)).await?;
    let started = Instant::now();
    bulk::recreate(conn, &indexes).await?;
    println!(
        "  indexes rebuilt in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    serving_mode(conn, backend).await
}

async fn timed(
    what: &str,
    work: impl std::future::Future<Output = anyhow::Result<u64>>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let rows = work.await?;
    println!(
        "  {rows} {what} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Settings for one connection that writes alone and need not survive a crash (a failed
/// seed is redone). Foreign keys are off while loading: the rows satisfy them by design.
async fn loading_mode(conn: &DatabaseConnection, backend: DbBackend) -> anyhow::Result<()> {
    if backend == DbBackend::Postgres
        && conn
            .execute_unprepared("SET session_replication_role = replica")
            .await
            .is_err()
    {
        println!("  (foreign keys stay checked while loading: the role is not a superuser)");
    }
    let statements: &[&str] = match backend {
        DbBackend::Postgres => &[
            "SET synchronous_commit = off",
            "SET maintenance_work_mem = '512MB'",
        ],
        _ => &[
            "PRAGMA journal_mode = OFF",
            "PRAGMA synchronous = OFF",
            "PRAGMA foreign_keys = OFF",
            "PRAGMA cache_size = -1048576",
            "PRAGMA temp_store = MEMORY",
        ],
    };
    for sql in statements {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// Back to what the product expects: WAL on SQLite; on PostgreSQL, the sequences past the
/// seeded ids and fresh planner statistics (as autovacuum would soon gather).
async fn serving_mode(conn: &DatabaseConnection, backend: DbBackend) -> anyhow::Result<()> {
    let statements: &[&str] = match backend {
        DbBackend::Postgres => &[
            "SET session_replication_role = DEFAULT",
            r#"SELECT setval(pg_get_serial_sequence('"user"', 'id'), (SELECT MAX("id") FROM "user"))"#,
            r#"SELECT setval(pg_get_serial_sequence('"post"', 'id'), (SELECT MAX("id") FROM "post"))"#,
            "VACUUM ANALYZE",
        ],
        _ => &["PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL"],
    };
    for sql in statements {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// Users `user0000`…, confirmed, with the skeleton and normalized address the product
/// computes, all sharing one password hash.
async fn insert_users(
    conn: &DatabaseConnection,
    world: World,
    password_hash: &str,
    base: i64,
) -> anyhow::Result<u64> {
    let hash = text(password_hash);
    let joined = base * MICROS;
    let mut rows = Vec::with_capacity(world.users);
    for i in 0..world.users {
        let username = Username::parse(&seed::username(i))?;
        let email = EmailAddress::parse(&seed::email(i))?;
        rows.push(format!(
            "{}, {}, {}, {}, {}, {hash}, '', {joined}, 0, {joined}, {joined}",
            World::user_id(i),
            text(username.as_str()),
            text(username.skeleton().as_str()),
            text(email.as_str()),
            text(email.normalized()),
        ));
    }
    let columns = [
        "id",
        "username",
        "username_skeleton",
        "email",
        "email_normalized",
        "password_hash",
        "about_me",
        "last_seen",
        "session_epoch",
        "created_at",
        "email_confirmed_at",
    ];
    in_one_transaction(conn, "user", &columns, rows.into_iter()).await
}

/// Every post, oldest first, so ids grow with time.
async fn insert_posts(conn: &DatabaseConnection, world: World, base: i64) -> anyhow::Result<u64> {
    let rows = (0..world.posts_per_user).flat_map(move |round| {
        (0..world.users).map(move |author| {
            let post = SeededPost { round, author };
            let body = format!(
                "Post {round} of {}: benchmarks are a feature.",
                seed::username(author)
            );
            format!(
                "{}, {}, {}, {}, TRUE",
                world.post_id(post),
                text(&body),
                timestamp(world, post, base),
                World::user_id(author),
            )
        })
    });
    let columns = ["id", "body", "timestamp", "user_id", "fanned_out"];
    in_one_transaction(conn, "post", &columns, rows).await
}

/// User `i` follows `i+1..=i+k` (mod n), as [`World::followed`] says: generated by the
/// database itself (the edges are plain arithmetic on ids; at L they are 100 M rows, which
/// as text would cost more to parse than to store), user by user, so the primary key grows
/// almost in order. The S seed's check against `rebuild-timelines` proves both agree.
async fn insert_follows(conn: &DatabaseConnection, world: World) -> anyhow::Result<u64> {
    let (users, follows) = (world.users, world.follows_per_user);
    let sql = format!(
        r#"WITH RECURSIVE "step"("n") AS (SELECT 1 UNION ALL SELECT "n" + 1 FROM "step" WHERE "n" < {follows})
        INSERT INTO "followers" ("follower_id", "followed_id")
        SELECT "u"."id", ("u"."id" - 1 + "step"."n") % {users} + 1 FROM "user" AS "u" CROSS JOIN "step""#
    );
    let txn = conn.begin().await?;
    let inserted = txn.execute_unprepared(&sql).await?.rows_affected();
    txn.commit().await?;
    Ok(inserted)
}

/// Each user's newest `TIMELINE_MAX_ENTRIES` (default) home posts, computed from the
/// world's structure rather than by `microblog rebuild-timelines`, in primary-key order.
async fn insert_feeds(conn: &DatabaseConnection, world: World, base: i64) -> anyhow::Result<u64> {
    let max_entries = FeedLimits::default().max_entries as usize;
    let rows = (0..world.users).flat_map(move |i| {
        let mut feed: Vec<SeededPost> = world.home(i).newest(max_entries).collect();
        feed.reverse();
        feed.into_iter().map(move |post| {
            format!(
                "{}, {}, {}, {}",
                World::user_id(i),
                timestamp(world, post, base),
                world.post_id(post),
                World::user_id(post.author),
            )
        })
    });
    let columns = ["user_id", "post_timestamp", "post_id", "author_id"];
    in_one_transaction(conn, "timeline_entry", &columns, rows).await
}

async fn in_one_transaction(
    conn: &DatabaseConnection,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = String> + Send + 'static,
) -> anyhow::Result<u64> {
    let txn = conn.begin().await?;
    let inserted = bulk::insert_all(&txn, table, columns, rows).await?;
    txn.commit().await?;
    Ok(inserted)
}

/// A post's timestamp in microseconds: its place in the history, in seconds after `base`.
fn timestamp(world: World, post: SeededPost, base: i64) -> i64 {
    (base + world.sequence(post) as i64) * MICROS
}
