//! A profile page in one statement: the user found by name, their follow counts, whether
//! the viewer follows them, and one page of their posts as a JSON array, in one row.
//!
//! Shape: `SELECT <USER_COLUMNS>, <counts>, <edge>, (SELECT <JSON array of the page's
//! posts> FROM "post" AS "p" WHERE "p"."id" IN (<the page's keys>)) FROM "user" AS "u"
//! WHERE "u"."username" = ?`: one row for a known name (with `[]` for no posts), none for
//! an unknown one. The page's keys are the by-author subquery of
//! [`timeline`](super::timeline) (a range of the `(user_id, timestamp, id)` index,
//! `LIMIT`/`OFFSET` literals); the counts and the viewer's edge are scalar subqueries on
//! the `followers` indexes. Every post's author is the profile's user, so a post needs
//! only its id, body and timestamp.
//!
//! The posts travel as one array, not as one row each beside the user (`"user" LEFT JOIN
//! "post"`): sqlx copies every column of every SQLite row into a value of its own (a
//! `malloc` each, about 1,000 instructions), so the user's 18 columns repeated on 26 rows
//! made that statement cost more than the four it replaced (callgrind,
//! `xtask/profile/profile.sh`: 2.02 M instructions per profile page against 1.60 M).
//! The array is built by `json_group_array` on SQLite, `json_agg` on PostgreSQL, each in
//! the page's order (`ORDER BY` inside the aggregate).
//!
//! Every subquery finds the user's id by name itself rather than by `"u"."id"`: an
//! uncorrelated subquery runs once per statement on both backends (SQLite's `ONCE`,
//! PostgreSQL's `InitPlan`), and PostgreSQL turns only an uncorrelated `IN` into a
//! semi-join. A cursor page first looks its cursor post up, as every listing does
//! ([`Start::of`]).

use crate::binds::Binds;
use crate::posts::timeline::Start;
use crate::timestamp::from_micros;
use crate::users::{USER_COLUMNS, to_user, user_at};
use microblog_domain::ports::RepoError;
use microblog_domain::{
    FollowCounts, Page, PageRequest, Post, PostBody, PostId, ProfilePage, TimelinePost, User,
    UserId, Username,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement};

/// The position of the followers count, after [`USER_COLUMNS`].
const FOLLOWERS: usize = 15;
/// The position of the following count.
const FOLLOWING: usize = FOLLOWERS + 1;
/// The position of "the viewer follows the user" (0 or 1).
const VIEWER_EDGE: usize = FOLLOWING + 1;
/// The position of the page's posts: a JSON array of `[id, body, timestamp]`.
const POSTS: usize = VIEWER_EDGE + 1;

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
    let Some(row) = conn
        .query_one_raw(statement)
        .await
        .map_err(RepoError::new)?
    else {
        return Ok(None);
    };
    let user = user_at(&row, 0).map_err(RepoError::new).and_then(to_user)?;
    let posts: String = row.try_get_by_index(POSTS).map_err(RepoError::new)?;
    let posts = decode_posts(&posts, &user)?;
    let counts = FollowCounts {
        followers: count(&row, FOLLOWERS)?,
        following: count(&row, FOLLOWING)?,
    };
    let viewer_follows = count(&row, VIEWER_EDGE)? > 0 && viewer != Some(user.id);
    Ok(Some(ProfilePage {
        user,
        posts: Page::from_lookahead(request, posts),
        counts,
        viewer_follows,
    }))
}

/// The posts of `author` in the JSON array `posts` of `[id, body, timestamp]`, in its
/// order.
fn decode_posts(posts: &str, author: &User) -> Result<Vec<TimelinePost>, RepoError> {
    let rows: Vec<(i64, String, i64)> = serde_json::from_str(posts).map_err(RepoError::new)?;
    rows.into_iter()
        .map(|(id, body, timestamp)| {
            Ok(TimelinePost {
                post: Post {
                    id: PostId(id),
                    author: author.id,
                    body: PostBody::from_stored(&body).map_err(RepoError::new)?,
                    timestamp: from_micros(timestamp).map_err(RepoError::new)?,
                },
                author_username: author.username.clone(),
                author_email: author.email.clone(),
            })
        })
        .collect()
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

/// The profile's statement: [`USER_COLUMNS`], the two counts, the viewer's edge and the
/// page's posts (at most `limit`, in the page's order) as a JSON array, for a user with
/// that name.
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
    let post = r#""p"."id", "p"."body", "p"."timestamp""#;
    let order = format!(r#"ORDER BY "p"."timestamp" {direction}, "p"."id" {direction}"#);
    let array = match backend {
        // `json_agg` of no rows is `NULL`; its type, `json`, is cast to the `text` that
        // sqlx reads as a `String`.
        DbBackend::Postgres => {
            format!("COALESCE(CAST(json_agg(json_build_array({post}) {order}) AS TEXT), '[]')")
        }
        _ => format!("json_group_array(json_array({post}) {order})"),
    };
    let sql = format!(
        r#"SELECT {USER_COLUMNS}, {followers} AS "followers", {following} AS "following", {viewer_edge} AS "viewer_edge", (SELECT {array} FROM "post" AS "p" WHERE "p"."id" IN ({keys})) AS "posts" FROM "user" AS "u" WHERE "u"."username" = {}"#,
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
    fn the_positions_follow_the_column_list() {
        assert_eq!(USER_COLUMNS.split(", ").count(), FOLLOWERS);
    }

    #[test]
    fn placeholders_come_in_text_order_and_limits_are_literals() {
        let older = Start::Older(1_000, 42);
        let statement = statement(DbBackend::Postgres, &susan(), Some(UserId(7)), older, 26);
        let sql = &statement.sql;
        let positions: Vec<usize> = (1..=9)
            .map(|n| {
                let at = sql.find(&format!("${n}"));
                at.unwrap_or_else(|| panic!("${n} missing in {sql}"))
            })
            .collect();
        assert!(positions.is_sorted(), "{sql}");
        assert!(!sql.contains("$10"), "{sql}");
        assert!(sql.contains("LIMIT 26 OFFSET 0"), "{sql}");
        assert!(
            sql.contains(r#""timestamp" DESC, "id" DESC LIMIT"#),
            "{sql}"
        );
        assert!(!sql.contains("susan"), "bound: {sql}");
        assert!(sql.contains("json_agg(json_build_array("), "{sql}");
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
        assert!(sql.contains("json_group_array(json_array("), "{sql}");
        assert_eq!(sql.matches('?').count(), 4, "{sql}");
        assert_eq!(statement.values.map(|v| v.0.len()), Some(4));
    }
}
