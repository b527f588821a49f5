//! A home page from the feed, in one statement: the page's keys from `timeline_entry` (one
//! primary-key range) united with the posts of followed authors that were not fanned out
//! (a partial index holds only those), the winners joined with `post` and `user`, and
//! beside them whether the feed could answer. When the feed ends before the page does, the
//! page comes from the read-time query instead, which gives the same answer for any
//! request: a feed always holds a newest-first prefix of the fanned-out timeline (trims cut
//! its oldest end; an unfollow removes one author everywhere in it). A cursor page beyond
//! the feed first asks the read-time query for a window of time next to the cursor, sized
//! from the feed's rate of posts ([`past_the_feed`]).
//!
//! One statement rather than three (feed keys, merged keys, posts by id): each statement
//! through sea-orm and sqlx costs about as much as the SQLite work of a whole page, and the
//! keys no longer travel to Rust and back (callgrind, `xtask/profile/profile.sh`).

use crate::binds::Binds;
use crate::posts::timeline::{self, POST_COLUMNS, Posts, Start, decode_posts};
use microblog_domain::ports::RepoError;
use microblog_domain::{Page, PageRequest, TimelinePost, UserId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// The position of the "feed entries in range" column, after [`POST_COLUMNS`].
const FEED_ROWS: usize = 7;
/// The position of the "feed reaches back to the cursor" column.
const FEED_REACHES: usize = 8;

/// The page `request` of `user`'s home timeline.
pub(super) async fn page(
    conn: &DatabaseConnection,
    user: UserId,
    request: PageRequest,
) -> Result<Page<TimelinePost>, RepoError> {
    let Some(start) = Start::of(conn, request).await? else {
        return Ok(Page::empty(request));
    };
    let wanted = u64::from(request.per_page()) + 1;
    let needed = wanted.saturating_add(start.offset());
    let statement = statement(conn.get_database_backend(), user, start, wanted, needed);
    let rows = conn
        .query_all_raw(statement)
        .await
        .map_err(RepoError::new)?;
    let feed_answers = match rows.first() {
        None => false,
        Some(row) => {
            let in_range: i64 = row.try_get_by_index(FEED_ROWS).map_err(RepoError::new)?;
            let reaches: i64 = row.try_get_by_index(FEED_REACHES).map_err(RepoError::new)?;
            match start {
                Start::Newer(..) => reaches > 0,
                Start::Skip(_) | Start::Older(..) => u64::try_from(in_range).unwrap_or(0) >= needed,
            }
        }
    };
    if !feed_answers {
        return past_the_feed(conn, user, request, start).await;
    }
    Ok(Page::from_lookahead(request, decode_posts(&rows)?))
}

/// How many posts a probe's window is sized to hold, per post the page needs: the feed's
/// recent rate of posts is only an estimate of the rate beyond it.
const PROBE_MARGIN: u64 = 4;

/// A page the feed cannot answer, from the read-time query. A cursor page first probes a
/// window of time next to its cursor, sized from the feed's own rate of posts to hold
/// [`PROBE_MARGIN`] pages: each followed author's index range is then a short one, where
/// the unbounded query walks every post of every followed author older (or newer) than the
/// cursor. A full window is the exact answer; a short one falls back to the unbounded query.
async fn past_the_feed(
    conn: &DatabaseConnection,
    user: UserId,
    request: PageRequest,
    start: Start,
) -> Result<Page<TimelinePost>, RepoError> {
    let posts = Posts::FollowedBy(user);
    let wanted = u64::from(request.per_page()) + 1;
    if let Start::Older(..) | Start::Newer(..) = start
        && let Some(window) = probe_window(conn, user, wanted).await?
    {
        let rows = timeline::rows_within(conn, posts, start, wanted, window).await?;
        if rows.len() as u64 >= wanted {
            return Ok(Page::from_lookahead(request, rows));
        }
    }
    timeline::page_from(conn, posts, request, start).await
}

/// The span of time in which the user's feed gathered `PROBE_MARGIN × wanted` posts, from
/// its oldest and newest entries and their count; `None` when the feed is too short to
/// say. One primary-key range of at most `TIMELINE_MAX_ENTRIES` (plus slack) rows.
async fn probe_window(
    conn: &DatabaseConnection,
    user: UserId,
    wanted: u64,
) -> Result<Option<i64>, RepoError> {
    let mut binds = Binds::new(conn.get_database_backend());
    let sql = format!(
        r#"SELECT MIN("post_timestamp"), MAX("post_timestamp"), COUNT(*) FROM "timeline_entry" WHERE "user_id" = {}"#,
        binds.bind(user.0)
    );
    let Some(row) = binds.query_one(conn, sql).await? else {
        return Ok(None);
    };
    let oldest: Option<i64> = row.try_get_by_index(0).map_err(RepoError::new)?;
    let newest: Option<i64> = row.try_get_by_index(1).map_err(RepoError::new)?;
    let entries: i64 = row.try_get_by_index(2).map_err(RepoError::new)?;
    Ok(window_for(oldest, newest, entries, wanted))
}

/// `span × PROBE_MARGIN × wanted / (entries - 1)`: the time in which entries arrive
/// `PROBE_MARGIN × wanted` at a time, at least one microsecond; `None` for fewer than two
/// entries or a span of zero.
fn window_for(oldest: Option<i64>, newest: Option<i64>, entries: i64, wanted: u64) -> Option<i64> {
    let span = i128::from(newest?) - i128::from(oldest?);
    let gaps = i128::from(entries) - 1;
    if span <= 0 || gaps <= 0 {
        return None;
    }
    let posts = i128::from(PROBE_MARGIN * wanted);
    i64::try_from((span * posts / gaps).max(1)).ok()
}

/// The page's posts from the feed and the un-fanned posts, each row carrying how many feed
/// entries lie in the page's range (up to `needed`: fewer means the feed ended) and, for a
/// "newer than" cursor, whether the feed holds an entry at or before the cursor (then it
/// holds every fanned-out post newer than it too).
///
/// The two halves never share a post, so `UNION ALL` (no de-duplicating sort): the feed
/// holds the user's own posts and the fanned-out posts of whom they follow, the merged half
/// only un-fanned posts of whom they follow, and nobody follows themselves.
///
/// Only the winning keys are joined with `post` and `user` (`"p"."id" IN (...)`; a join with
/// the keys as a derived table cost SQLite three times as much).
///
/// Placeholders are handed out in the order they appear in the text (SQLite numbers `?` by
/// position); `LIMIT`/`OFFSET` are integer literals, as in [`timeline`].
fn statement(
    backend: DbBackend,
    user: UserId,
    start: Start,
    wanted: u64,
    needed: u64,
) -> Statement {
    let direction = start.direction();
    let skip = start.offset();
    let mut binds = Binds::new(backend);
    let in_range = format!(
        r#"(SELECT COUNT(*) FROM (SELECT 1 AS "one" FROM "timeline_entry" WHERE "user_id" = {}{} LIMIT {needed}) AS "c")"#,
        binds.bind(user.0),
        start.range_on(&mut binds, "post_timestamp", "post_id"),
    );
    let reaches = match start {
        Start::Newer(timestamp, id) => format!(
            r#"(SELECT COUNT(*) FROM (SELECT 1 AS "one" FROM "timeline_entry" WHERE "user_id" = {} AND "post_timestamp" <= {} AND ("post_timestamp" < {} OR "post_id" <= {}) LIMIT 1) AS "r")"#,
            binds.bind(user.0),
            binds.bind(timestamp),
            binds.bind(timestamp),
            binds.bind(id),
        ),
        // BIGINT like the `COUNT(*)` it stands for (a bare `0` is `INT4` on PostgreSQL).
        Start::Skip(_) | Start::Older(..) => String::from("CAST(0 AS BIGINT)"),
    };
    let feed = format!(
        r#"SELECT "post_timestamp" AS "t", "post_id" AS "i" FROM "timeline_entry" WHERE "user_id" = {}{} ORDER BY "post_timestamp" {direction}, "post_id" {direction} LIMIT {needed}"#,
        binds.bind(user.0),
        start.range_on(&mut binds, "post_timestamp", "post_id"),
    );
    // A join, not `"user_id" IN (SELECT "followed_id" ...)`: inside the union, SQLite ran
    // the `IN` form at several times the cost of the whole page. Only `post` has the
    // columns `timestamp`, `id` and `user_id`, so they need no table name.
    let merged = format!(
        r#"SELECT "timestamp" AS "t", "id" AS "i" FROM "followers" INNER JOIN "post" ON "user_id" = "followed_id" AND "fanned_out" = FALSE WHERE "follower_id" = {}{} ORDER BY "timestamp" {direction}, "id" {direction} LIMIT {needed}"#,
        binds.bind(user.0),
        start.range_on(&mut binds, "timestamp", "id"),
    );
    let sql = format!(
        r#"SELECT {POST_COLUMNS}, {in_range} AS "feed_rows", {reaches} AS "feed_reaches" FROM "post" AS "p" INNER JOIN "user" AS "u" ON "u"."id" = "p"."user_id" WHERE "p"."id" IN (SELECT "i" FROM (SELECT "t", "i" FROM ({feed}) AS "f" UNION ALL SELECT "t", "i" FROM ({merged}) AS "m") AS "keys" ORDER BY "t" {direction}, "i" {direction} LIMIT {wanted} OFFSET {skip}) ORDER BY "p"."timestamp" {direction}, "p"."id" {direction}"#
    );
    binds.statement(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_holds_the_margin_at_the_feeds_rate() {
        // 801 entries one second apart: 104 posts arrive in 104 seconds.
        let second = 1_000_000;
        let window = window_for(Some(0), Some(800 * second), 801, 26);
        assert_eq!(window, Some(104 * second));
        assert_eq!(window_for(None, None, 0, 26), None, "an empty feed");
        assert_eq!(window_for(Some(5), Some(5), 1, 26), None, "one entry");
        assert_eq!(window_for(Some(5), Some(5), 9, 26), None, "no span");
        assert_eq!(
            window_for(Some(0), Some(1), 800, 26),
            Some(1),
            "at least 1 µs"
        );
        assert_eq!(
            window_for(Some(i64::MIN), Some(i64::MAX), 2, 26),
            None,
            "beyond i64"
        );
    }

    #[test]
    fn placeholders_come_in_text_order_and_limits_are_literals() {
        let statement = statement(
            DbBackend::Postgres,
            UserId(7),
            Start::Newer(1_000, 42),
            26,
            26,
        );
        let sql = &statement.sql;
        let positions: Vec<usize> = (1..=16)
            .map(|n| {
                sql.find(&format!("${n} "))
                    .or_else(|| sql.find(&format!("${n})")))
            })
            .map(|found| found.unwrap_or_else(|| panic!("placeholder missing in {sql}")))
            .collect();
        assert!(positions.is_sorted(), "{sql}");
        assert!(!sql.contains("$17"), "{sql}");
        assert!(sql.contains("LIMIT 26 OFFSET 0"), "{sql}");
        assert_eq!(
            statement.values.map(|v| v.0.len()),
            Some(16),
            "bound, not written"
        );
        let skip = super::statement(DbBackend::Sqlite, UserId(7), Start::Skip(50), 26, 76);
        assert!(
            skip.sql.contains(r#"CAST(0 AS BIGINT) AS "feed_reaches""#),
            "{}",
            skip.sql
        );
        assert!(skip.sql.contains("LIMIT 76) AS \"c\""), "{}", skip.sql);
        assert!(skip.sql.contains("LIMIT 26 OFFSET 50"), "{}", skip.sql);
    }
}
