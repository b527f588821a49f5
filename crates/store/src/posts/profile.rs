//! A profile page in one statement: the user found by name, one page of their posts, their
//! follow counts and whether the viewer follows them.
//!
//! Shape: `FROM "user" AS "u" LEFT JOIN "post" AS "p" ON "p"."id" IN (<the page's keys>)
//! WHERE "u"."username" = ?`, so a user without posts still gives one row (its post columns
//! `NULL`) and an unknown name gives none. The page's keys are [`timeline`](super::timeline)'s by-author
//! subquery (a range of the `(user_id, timestamp, id)` index, `LIMIT`/`OFFSET` literals);
//! the counts and the viewer's edge are scalar subqueries on the `followers` indexes. The
//! author of every post is the profile's user, so `"u"` is both, and [`POST_COLUMNS`] and
//! [`USER_COLUMNS`] read the same row.
//!
//! Every subquery finds the user's id by name itself rather than by `"u"."id"`: an
//! uncorrelated subquery runs once per statement on both backends (SQLite's `ONCE`,
//! PostgreSQL's `InitPlan`), where a correlated one would be run again for each of the
//! page's rows, and PostgreSQL can turn only an uncorrelated `IN` into a semi-join
//! (correlated with the left side of the `LEFT JOIN`, it filtered every post).
//!
//! One statement rather than four (user, page, counts, edge): each statement through
//! sea-orm and sqlx costs about as much as the SQLite work of a whole page (callgrind,
//! `xtask/profile/profile.sh`). A cursor page first looks its cursor post up, as every
//! listing does ([`Start::of`]).

use crate::binds::Binds;
use crate::posts::timeline::{POST_COLUMNS, Start, decode_posts};
use crate::users::{USER_COLUMNS, to_user, user_at};
use microblog_domain::ports::RepoError;
use microblog_domain::{FollowCounts, Page, PageRequest, ProfilePage, UserId, Username};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement};

/// The position of [`USER_COLUMNS`], after [`POST_COLUMNS`].
const USER_AT: usize = 7;
/// The position of the followers count, after [`USER_COLUMNS`].
const FOLLOWERS: usize = USER_AT + 15;
/// The position of the following count.
const FOLLOWING: usize = FOLLOWERS + 1;
/// The position of "the viewer follows the user" (0 or 1).
const VIEWER_EDGE: usize = FOLLOWING + 1;

/// The profile of the user named `username` as `viewer` sees it, with the page `request`
/// of their posts; `None` when no user has that name.
pub(super) async fn profile(
    conn: &DatabaseConnection,
    username: &Username,
    viewer: Option<UserId>,
    request: PageRequest,
) -> Result<Option<ProfilePage>, RepoError> {
    let (start, limit) = match Start::of(conn, request).await? {
        Some(start) => (start, u64::from(request.per_page()) + 1),
        // The cursor post is gone: an empty page, but the user and counts all the same.
        None => (Start::Skip(0), 0),
    };
    let backend = conn.get_database_backend();
    let statement = statement(backend, username, viewer, start, limit);
    let rows = conn
        .query_all_raw(statement)
        .await
        .map_err(RepoError::new)?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let user = user_at(first, USER_AT)
        .map_err(RepoError::new)
        .and_then(to_user)?;
    let no_posts = first
        .try_get_by_index::<Option<i64>>(0)
        .map_err(RepoError::new)?
        .is_none();
    let posts = if no_posts {
        Vec::new()
    } else {
        decode_posts(&rows)?
    };
    let counts = FollowCounts {
        followers: count(first, FOLLOWERS)?,
        following: count(first, FOLLOWING)?,
    };
    let viewer_follows = count(first, VIEWER_EDGE)? > 0 && viewer != Some(user.id);
    Ok(Some(ProfilePage {
        user,
        posts: Page::from_lookahead(request, posts),
        counts,
        viewer_follows,
    }))
}

/// The `COUNT(*)` at position `at` of `row`.
fn count(row: &QueryResult, at: usize) -> Result<u64, RepoError> {
    let value: i64 = row.try_get_by_index(at).map_err(RepoError::new)?;
    u64::try_from(value).map_err(RepoError::new)
}

/// The id of the user named by the next placeholder, as a scalar subquery (the unique
/// index on `username`).
fn id_of(binds: &mut Binds, username: &Username) -> String {
    format!(
        r#"(SELECT "id" FROM "user" WHERE "username" = {})"#,
        binds.bind(username.as_str())
    )
}

/// The profile's statement: [`POST_COLUMNS`] (`NULL` without posts), [`USER_COLUMNS`], the
/// two counts and the viewer's edge, one row per post of the page (at most `limit`, in the
/// page's order), or one row without posts, or none for an unknown name.
///
/// Placeholders are handed out in the order they appear in the text (SQLite numbers `?` by
/// position); `LIMIT`/`OFFSET` are integer literals, as in [`timeline`](super::timeline).
fn statement(
    backend: DbBackend,
    username: &Username,
    viewer: Option<UserId>,
    start: Start,
    limit: u64,
) -> Statement {
    let (direction, offset) = (start.direction(), start.offset());
    let mut binds = Binds::new(backend);
    let followers = format!(
        r#"(SELECT COUNT(*) FROM "followers" WHERE "followed_id" = {})"#,
        id_of(&mut binds, username)
    );
    let following = format!(
        r#"(SELECT COUNT(*) FROM "followers" WHERE "follower_id" = {})"#,
        id_of(&mut binds, username)
    );
    let viewer_edge = match viewer {
        Some(viewer) => format!(
            r#"(SELECT COUNT(*) FROM "followers" WHERE "follower_id" = {} AND "followed_id" = {})"#,
            binds.bind(viewer.0),
            id_of(&mut binds, username)
        ),
        // BIGINT like the `COUNT(*)` it stands for (a bare `0` is `INT4` on PostgreSQL).
        None => String::from("CAST(0 AS BIGINT)"),
    };
    let keys = format!(
        r#"SELECT "id" FROM "post" WHERE "user_id" = {}{} ORDER BY "timestamp" {direction}, "id" {direction} LIMIT {limit} OFFSET {offset}"#,
        id_of(&mut binds, username),
        start.range_on(&mut binds, "timestamp", "id"),
    );
    let sql = format!(
        r#"SELECT {POST_COLUMNS}, {USER_COLUMNS}, {followers} AS "followers", {following} AS "following", {viewer_edge} AS "viewer_edge" FROM "user" AS "u" LEFT JOIN "post" AS "p" ON "p"."id" IN ({keys}) WHERE "u"."username" = {} ORDER BY "p"."timestamp" {direction}, "p"."id" {direction}"#,
        binds.bind(username.as_str()),
    );
    binds.statement(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn susan() -> Username {
        Username::parse("susan").expect("a valid name")
    }

    #[test]
    fn the_positions_follow_the_column_lists() {
        assert_eq!(POST_COLUMNS.split(", ").count(), USER_AT);
        assert_eq!(USER_COLUMNS.split(", ").count(), FOLLOWERS - USER_AT);
    }

    #[test]
    fn placeholders_come_in_text_order_and_limits_are_literals() {
        let older = Start::Older(1_000, 42);
        let statement = statement(DbBackend::Postgres, &susan(), Some(UserId(7)), older, 26);
        let sql = &statement.sql;
        let positions: Vec<usize> = (1..=9)
            .map(|n| {
                sql.find(&format!("${n} "))
                    .or_else(|| sql.find(&format!("${n})")))
            })
            .map(|found| found.unwrap_or_else(|| panic!("placeholder missing in {sql}")))
            .collect();
        assert!(positions.is_sorted(), "{sql}");
        assert!(!sql.contains("$10"), "{sql}");
        assert!(sql.contains("LIMIT 26 OFFSET 0"), "{sql}");
        assert!(
            sql.contains(r#""timestamp" DESC, "id" DESC LIMIT"#),
            "{sql}"
        );
        assert!(!sql.contains("'") && !sql.contains("susan"), "bound: {sql}");
        assert_eq!(statement.values.map(|v| v.0.len()), Some(9));
    }

    #[test]
    fn an_anonymous_viewer_and_a_numbered_page_bind_only_the_name() {
        let statement = statement(DbBackend::Sqlite, &susan(), None, Start::Skip(50), 26);
        let sql = &statement.sql;
        assert!(
            sql.contains(r#"CAST(0 AS BIGINT) AS "viewer_edge""#),
            "{sql}"
        );
        assert!(sql.contains("LIMIT 26 OFFSET 50"), "{sql}");
        assert_eq!(sql.matches('?').count(), 4, "{sql}");
        assert_eq!(statement.values.map(|v| v.0.len()), Some(4));
    }
}
