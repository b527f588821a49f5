//! The feed writes of posting, following and unfollowing. Each runs inside the transaction
//! of the change it follows (see `SeaOrmPosts`), so a feed never misses or doubles a post.
//!
//! On PostgreSQL, a post by an author and a follow or unfollow of that author first take a
//! transaction-scoped advisory lock on the author: otherwise a post and a new follow
//! committing at once could each miss the other (the fan-out not seeing the edge, the
//! back-fill not seeing the post). SQLite has one writer, so these already take turns.

use crate::binds::Binds;
use microblog_domain::ports::FeedLimits;
use microblog_domain::{PostId, UserId};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};

/// The first key of the advisory locks on authors (`'feed'` in ASCII), so that they share
/// no key with the migrations' lock, which uses the one-number form.
const AUTHOR_LOCK_SPACE: i32 = 0x6665_6564;

/// On PostgreSQL, waits for and holds (until the transaction ends) the lock on `author`'s
/// fan-out; a no-op on SQLite.
pub(crate) async fn lock_author(txn: &impl ConnectionTrait, author: UserId) -> Result<(), DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut binds = Binds::new(DbBackend::Postgres);
    let sql = format!(
        "SELECT pg_advisory_xact_lock({}, CAST({} % 2147483647 AS INTEGER))",
        binds.bind(AUTHOR_LOCK_SPACE),
        binds.bind(author.0),
    );
    txn.execute_raw(binds.statement(sql)).await?;
    Ok(())
}

/// Copies the new post `post` by `author` at `timestamp` into its author's feed and, unless
/// the author has more than `fanout_max_followers` followers, into every follower's (then
/// marking it fanned out). Trims about one in [`FeedLimits::TRIM_SLACK`] of the feeds it
/// reached. Returns whether the post was fanned out.
pub(crate) async fn fan_out(
    txn: &impl ConnectionTrait,
    author: UserId,
    post: PostId,
    timestamp: i64,
    limits: FeedLimits,
) -> Result<bool, DbErr> {
    let backend = txn.get_database_backend();
    let fanned_out = follower_count_at_most(txn, author, limits.fanout_max_followers).await?;
    // SQLite's `?` are numbered by their place in the text: bind in the order of the text.
    let mut binds = Binds::new(backend);
    let entry = |binds: &mut Binds| {
        format!(
            "{}, {}, {}",
            binds.bind(timestamp),
            binds.bind(post.0),
            binds.bind(author.0)
        )
    };
    let followers = if fanned_out {
        format!(
            r#"SELECT "follower_id", {} FROM "followers" WHERE "followed_id" = {} AND "follower_id" <> {} UNION ALL "#,
            entry(&mut binds),
            binds.bind(author.0),
            binds.bind(author.0),
        )
    } else {
        String::new()
    };
    let own = format!("SELECT {}, {}", binds.bind(author.0), entry(&mut binds));
    let sql = format!("{INSERT_ENTRIES} {followers}{own}");
    txn.execute_raw(binds.statement(sql)).await?;
    if !fanned_out {
        let mut binds = Binds::new(backend);
        let sql = format!(
            r#"UPDATE "post" SET "fanned_out" = FALSE WHERE "id" = {}"#,
            binds.bind(post.0)
        );
        txn.execute_raw(binds.statement(sql)).await?;
    }
    for user in feeds_to_trim(txn, author, post, fanned_out).await? {
        trim(txn, user, limits.max_entries).await?;
    }
    Ok(fanned_out)
}

/// The start of every insert into `timeline_entry`.
pub(crate) const INSERT_ENTRIES: &str =
    r#"INSERT INTO "timeline_entry" ("user_id", "post_timestamp", "post_id", "author_id")"#;

/// Whether `author` has at most `max` followers; counts no further than `max + 1`.
async fn follower_count_at_most(
    txn: &impl ConnectionTrait,
    author: UserId,
    max: u64,
) -> Result<bool, DbErr> {
    let backend = txn.get_database_backend();
    let mut binds = Binds::new(backend);
    let limit = max.saturating_add(1);
    let sql = format!(
        r#"SELECT COUNT(*) AS "n" FROM (SELECT 1 AS "one" FROM "followers" WHERE "followed_id" = {} LIMIT {limit}) AS "f""#,
        binds.bind(author.0)
    );
    let row = txn.query_one_raw(binds.statement(sql)).await?;
    let count: i64 = match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(count).unwrap_or(0) <= max)
}

/// The feeds this post trims: those reached by it whose id plus the post's is a multiple
/// of [`FeedLimits::TRIM_SLACK`], so every feed is trimmed about once per that many posts.
async fn feeds_to_trim(
    txn: &impl ConnectionTrait,
    author: UserId,
    post: PostId,
    fanned_out: bool,
) -> Result<Vec<UserId>, DbErr> {
    let spread = i64::try_from(FeedLimits::TRIM_SLACK).unwrap_or(16);
    let picked = |user: i64| (user + post.0).rem_euclid(spread) == 0;
    let mut users = Vec::new();
    if picked(author.0) {
        users.push(author);
    }
    if !fanned_out {
        return Ok(users);
    }
    let mut binds = Binds::new(txn.get_database_backend());
    let sql = format!(
        r#"SELECT "follower_id" FROM "followers" WHERE "followed_id" = {} AND ("follower_id" + {}) % {spread} = 0 AND "follower_id" <> {}"#,
        binds.bind(author.0),
        binds.bind(post.0),
        binds.bind(author.0),
    );
    for row in txn.query_all_raw(binds.statement(sql)).await? {
        users.push(UserId(row.try_get("", "follower_id")?));
    }
    Ok(users)
}

/// Deletes every entry of `user`'s feed older than its newest `max_entries`.
pub(crate) async fn trim(
    txn: &impl ConnectionTrait,
    user: UserId,
    max_entries: u32,
) -> Result<(), DbErr> {
    let backend = txn.get_database_backend();
    let mut binds = Binds::new(backend);
    let sql = format!(
        r#"SELECT "post_timestamp", "post_id" FROM "timeline_entry" WHERE "user_id" = {} ORDER BY "post_timestamp" DESC, "post_id" DESC LIMIT 1 OFFSET {max_entries}"#,
        binds.bind(user.0)
    );
    let Some(row) = txn.query_one_raw(binds.statement(sql)).await? else {
        return Ok(());
    };
    let (timestamp, post): (i64, i64) = (
        row.try_get("", "post_timestamp")?,
        row.try_get("", "post_id")?,
    );
    let mut binds = Binds::new(backend);
    let sql = format!(
        r#"DELETE FROM "timeline_entry" WHERE "user_id" = {} AND "post_timestamp" <= {} AND ("post_timestamp" < {} OR "post_id" <= {})"#,
        binds.bind(user.0),
        binds.bind(timestamp),
        binds.bind(timestamp),
        binds.bind(post),
    );
    txn.execute_raw(binds.statement(sql)).await?;
    Ok(())
}

/// Copies into `follower`'s feed the newest `max_entries` fanned-out posts of `followed`,
/// then trims the feed back to `max_entries` (so it is again exactly the newest posts it
/// should hold).
pub(crate) async fn back_fill(
    txn: &impl ConnectionTrait,
    follower: UserId,
    followed: UserId,
    max_entries: u32,
) -> Result<(), DbErr> {
    let mut binds = Binds::new(txn.get_database_backend());
    let sql = format!(
        r#"{INSERT_ENTRIES} SELECT {}, "timestamp", "id", "user_id" FROM (SELECT "timestamp", "id", "user_id" FROM "post" WHERE "user_id" = {} AND "fanned_out" = TRUE ORDER BY "timestamp" DESC, "id" DESC LIMIT {max_entries}) AS "newest" WHERE TRUE ON CONFLICT DO NOTHING"#,
        binds.bind(follower.0),
        binds.bind(followed.0),
    );
    txn.execute_raw(binds.statement(sql)).await?;
    trim(txn, follower, max_entries).await
}

/// Takes every post of `followed` out of `follower`'s feed.
pub(crate) async fn forget_author(
    txn: &impl ConnectionTrait,
    follower: UserId,
    followed: UserId,
) -> Result<(), DbErr> {
    let mut binds = Binds::new(txn.get_database_backend());
    let sql = format!(
        r#"DELETE FROM "timeline_entry" WHERE "user_id" = {} AND "author_id" = {}"#,
        binds.bind(follower.0),
        binds.bind(followed.0),
    );
    txn.execute_raw(binds.statement(sql)).await?;
    Ok(())
}
