//! The one query behind every timeline: posts joined with their authors, newest first.
//!
//! Shape, chosen from `EXPLAIN QUERY PLAN` on a seeded database (1,000 users, 50,000 posts,
//! 20 follows each): the page is picked by an inner `SELECT id` that a covering index
//! answers ((`user_id`, `timestamp`, `id`) for a set of authors, (`timestamp`, `id`) for
//! explore), so only 8-byte keys are sorted; the 26 winners are then joined with `post` and
//! `user`. Sorting the joined wide rows, and `user_id = ? OR user_id IN (...)` (a
//! multi-index OR), cost SQLite 8 times as much (570 µs against 70 µs per home page).
//!
//! Pages are found by keyset: a cursor page (`?before=`/`?after=` a post) looks the cursor
//! post's `(timestamp, id)` up by primary key and starts the index range scan there, so
//! page 100,000 costs what page 1 does. Numbered pages skip with `OFFSET`, which the domain
//! bounds ([`PageRequest::MAX_OFFSET`]).
//!
//! `LIMIT` and `OFFSET` are written into the SQL as integer literals, not bound: the
//! bundled SQLite reads a bound `LIMIT` while planning and then recompiles the statement
//! whenever another value is bound, which re-parsed the query on every request. Integers
//! formatted by Rust cannot inject anything.

use crate::binds::Binds;
use crate::timestamp::from_micros;
use microblog_domain::ports::RepoError;
use microblog_domain::{
    EmailAddress, Page, PagePosition, PageRequest, Post, PostBody, PostId, TimelinePost, UserId,
    Username,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, Statement};
use std::collections::HashMap;

/// Which posts a page lists.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Posts {
    /// Every post (explore).
    All,
    /// One author's posts (a profile).
    By(UserId),
    /// The user's own posts and those of everyone they follow (the home timeline).
    FollowedBy(UserId),
}

/// A post with its author's name and address, as the join returns it.
#[derive(Debug)]
struct TimelineRow {
    id: i64,
    body: String,
    timestamp: i64,
    user_id: i64,
    author_username: String,
    author_email: String,
    author_email_key: String,
}

impl TimelineRow {
    /// The row's first columns, [`POST_COLUMNS`], read by position: by name, sea-orm formats
    /// each column's name into a new string per row (a third of a page's decoding).
    fn at(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(0)?,
            body: row.try_get_by_index(1)?,
            timestamp: row.try_get_by_index(2)?,
            user_id: row.try_get_by_index(3)?,
            author_username: row.try_get_by_index(4)?,
            author_email: row.try_get_by_index(5)?,
            author_email_key: row.try_get_by_index(6)?,
        })
    }
}

/// Where a page's index scan starts: the `(timestamp, id)` of a cursor post, and which way
/// it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// From the newest row, skipping `offset` rows.
    Skip(u64),
    /// Rows strictly older than the key, newest first.
    Older(i64, i64),
    /// Rows strictly newer than the key, oldest first.
    Newer(i64, i64),
}

impl Start {
    /// The start of `request`, or `None` when its cursor post does not exist (any more).
    pub(crate) async fn of(
        conn: &DatabaseConnection,
        request: PageRequest,
    ) -> Result<Option<Self>, RepoError> {
        let (post, older) = match request.position() {
            PagePosition::Number(_) => return Ok(Some(Self::Skip(request.offset()))),
            PagePosition::Before(post) => (post, true),
            PagePosition::After(post) => (post, false),
        };
        let Some((timestamp, id)) = cursor_key(conn, post).await? else {
            return Ok(None);
        };
        Ok(Some(if older {
            Self::Older(timestamp, id)
        } else {
            Self::Newer(timestamp, id)
        }))
    }

    /// `ASC` when the scan runs towards newer rows, else `DESC`.
    pub(crate) fn direction(self) -> &'static str {
        match self {
            Self::Newer(..) => "ASC",
            Self::Skip(_) | Self::Older(..) => "DESC",
        }
    }

    /// The `OFFSET` literal.
    pub(crate) fn offset(self) -> u64 {
        match self {
            Self::Skip(offset) => offset,
            Self::Older(..) | Self::Newer(..) => 0,
        }
    }
}

impl Start {
    /// ` AND <range>` on the columns `timestamp` and `id`, binding the key in `binds`.
    /// Written as `timestamp <= t AND (timestamp < t OR id < i)` rather than a row-value
    /// comparison, so that both SQLite and PostgreSQL bound the index scan by the first
    /// column.
    pub(crate) fn range_on(self, binds: &mut Binds, timestamp: &str, id: &str) -> String {
        let (key, (wide, strict)) = match self {
            Self::Skip(_) => return String::new(),
            Self::Older(t, i) => ((t, i), ("<=", "<")),
            Self::Newer(t, i) => ((t, i), (">=", ">")),
        };
        let (t1, t2, i) = (binds.bind(key.0), binds.bind(key.0), binds.bind(key.1));
        format!(
            r#" AND "{timestamp}" {wide} {t1} AND ("{timestamp}" {strict} {t2} OR "{id}" {strict} {i})"#
        )
    }
}

impl Start {
    /// ` AND <timestamp> >= t - window` for a page of older rows, `<= t + window` for newer
    /// ones (`t` the cursor's timestamp): the rows within `window` microseconds beyond the
    /// cursor, binding the edge in `binds`. Nothing for [`Self::Skip`], which has no cursor.
    pub(crate) fn window_on(self, binds: &mut Binds, timestamp: &str, window: i64) -> String {
        let (bound, edge) = match self {
            Self::Skip(_) => return String::new(),
            Self::Older(t, _) => (">=", t.saturating_sub(window)),
            Self::Newer(t, _) => ("<=", t.saturating_add(window)),
        };
        format!(r#" AND "{timestamp}" {bound} {}"#, binds.bind(edge))
    }
}

/// A post's `(timestamp, id)`, by primary key.
async fn cursor_key(
    conn: &DatabaseConnection,
    post: PostId,
) -> Result<Option<(i64, i64)>, RepoError> {
    let mut binds = Binds::new(conn.get_database_backend());
    let sql = format!(
        r#"SELECT "timestamp", "id" FROM "post" WHERE "id" = {}"#,
        binds.bind(post.0)
    );
    let Some(row) = binds.query_one(conn, sql).await? else {
        return Ok(None);
    };
    let timestamp: i64 = row.try_get("", "timestamp").map_err(RepoError::new)?;
    let id: i64 = row.try_get("", "id").map_err(RepoError::new)?;
    Ok(Some((timestamp, id)))
}

/// One page of `posts`, ordered `timestamp DESC, id DESC` (or its reverse, for a page of
/// newer posts), fetched with one look-ahead row to learn whether another page exists.
pub(crate) async fn page(
    conn: &DatabaseConnection,
    posts: Posts,
    request: PageRequest,
) -> Result<Page<TimelinePost>, RepoError> {
    let Some(start) = Start::of(conn, request).await? else {
        return Ok(Page::empty(request));
    };
    page_from(conn, posts, request, start).await
}

/// [`page`] for a request whose start is already looked up.
pub(crate) async fn page_from(
    conn: &DatabaseConnection,
    posts: Posts,
    request: PageRequest,
    start: Start,
) -> Result<Page<TimelinePost>, RepoError> {
    let limit = u64::from(request.per_page()) + 1;
    let statement = statement(conn.get_database_backend(), posts, start, limit, None);
    let rows = with_authors(conn, statement).await?;
    Ok(Page::from_lookahead(request, rows))
}

/// The rows of [`page_from`] (with its look-ahead row) within `window` microseconds of the
/// cursor, in the scan's direction ([`Start::window_on`]). Each author's index range is
/// then bounded at both ends, so the scan costs the posts inside the window, not every
/// post of every author. When it returns the whole `limit`, these are exactly the rows the
/// unbounded query gives (every post beyond the window comes after them in the page's
/// order); fewer says nothing.
pub(crate) async fn rows_within(
    conn: &DatabaseConnection,
    posts: Posts,
    start: Start,
    limit: u64,
    window: i64,
) -> Result<Vec<TimelinePost>, RepoError> {
    let statement = statement(
        conn.get_database_backend(),
        posts,
        start,
        limit,
        Some(window),
    );
    with_authors(conn, statement).await
}

/// The posts `statement` selects (with the columns of [`TimelineRow`]), in its order.
pub(crate) async fn with_authors(
    conn: &DatabaseConnection,
    statement: Statement,
) -> Result<Vec<TimelinePost>, RepoError> {
    let rows = conn
        .query_all_raw(statement)
        .await
        .map_err(RepoError::new)?;
    decode_posts(&rows)
}

/// The posts of `rows` whose first columns are [`POST_COLUMNS`], in their order.
pub(crate) fn decode_posts(rows: &[QueryResult]) -> Result<Vec<TimelinePost>, RepoError> {
    let mut authors = Authors::default();
    rows.iter()
        .map(|row| authors.post(TimelineRow::at(row).map_err(RepoError::new)?))
        .collect()
}

/// The columns of a listed post and its author, for `SELECT`s over `"post" AS "p"` joined
/// with `"user" AS "u"`; first in the list, as [`decode_posts`] reads them by position.
pub(crate) const POST_COLUMNS: &str = r#""p"."id", "p"."body", "p"."timestamp", "p"."user_id", "u"."username" AS "author_username", "u"."email" AS "author_email", "u"."email_normalized" AS "author_email_key""#;

/// The SQL of one page, for `backend`'s placeholders. Identifiers are quoted (`user` is
/// reserved in PostgreSQL).
fn statement(
    backend: DbBackend,
    posts: Posts,
    start: Start,
    limit: u64,
    window: Option<i64>,
) -> Statement {
    let mut binds = Binds::new(backend);
    let filter = match posts {
        Posts::All => String::from(" WHERE 1 = 1"),
        Posts::By(author) => format!(r#" WHERE "user_id" = {}"#, binds.bind(author.0)),
        Posts::FollowedBy(user) => format!(
            r#" WHERE "user_id" IN (SELECT "followed_id" FROM "followers" WHERE "follower_id" = {} UNION ALL SELECT {})"#,
            binds.bind(user.0),
            binds.bind(user.0),
        ),
    };
    let mut range = start.range_on(&mut binds, "timestamp", "id");
    if let Some(window) = window {
        range.push_str(&start.window_on(&mut binds, "timestamp", window));
    }
    let (direction, offset) = (start.direction(), start.offset());
    let sql = format!(
        r#"SELECT {POST_COLUMNS} FROM "post" AS "p" INNER JOIN "user" AS "u" ON "u"."id" = "p"."user_id" WHERE "p"."id" IN (SELECT "id" FROM "post"{filter}{range} ORDER BY "timestamp" {direction}, "id" {direction} LIMIT {limit} OFFSET {offset}) ORDER BY "p"."timestamp" {direction}, "p"."id" {direction}"#
    );
    binds.statement(sql)
}

/// The authors met on one page: each author's name and address are checked once per page,
/// not once per post (a page is often several posts of one author).
#[derive(Default)]
struct Authors(HashMap<i64, (Username, EmailAddress)>);

impl Authors {
    fn post(&mut self, row: TimelineRow) -> Result<TimelinePost, RepoError> {
        let (author_username, author_email) = match self.0.get(&row.user_id) {
            Some(known) => known.clone(),
            None => {
                let parsed = (
                    Username::from_stored(&row.author_username).map_err(RepoError::new)?,
                    EmailAddress::from_stored(&row.author_email, &row.author_email_key)
                        .map_err(RepoError::new)?,
                );
                self.0.insert(row.user_id, parsed.clone());
                parsed
            }
        };
        Ok(TimelinePost {
            post: Post {
                id: PostId(row.id),
                author: UserId(row.user_id),
                body: PostBody::from_stored(&row.body).map_err(RepoError::new)?,
                timestamp: from_micros(row.timestamp).map_err(RepoError::new)?,
            },
            author_username,
            author_email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_literals_and_ids_are_bound() {
        let statement = statement(
            DbBackend::Postgres,
            Posts::FollowedBy(UserId(7)),
            Start::Skip(50),
            26,
            None,
        );
        assert!(
            statement.sql.contains("LIMIT 26 OFFSET 50"),
            "{}",
            statement.sql
        );
        assert!(
            statement
                .sql
                .contains(r#""follower_id" = $1 UNION ALL SELECT $2"#)
        );
        assert!(!statement.sql.contains('7'), "ids are bound, not written");
        let sqlite = super::statement(
            DbBackend::Sqlite,
            Posts::By(UserId(7)),
            Start::Skip(0),
            26,
            None,
        );
        assert!(sqlite.sql.contains(r#"WHERE "user_id" = ? ORDER BY"#));
        let all = super::statement(DbBackend::Sqlite, Posts::All, Start::Skip(0), 26, None);
        assert!(all.values.is_none_or(|values| values.0.is_empty()));
    }

    #[test]
    fn a_cursor_bounds_the_scan_by_the_cursor_posts_key() {
        let older = Start::Older(1_000, 42);
        let page = statement(DbBackend::Postgres, Posts::By(UserId(7)), older, 26, None);
        assert!(
            page.sql.contains(r#""user_id" = $1 AND "timestamp" <= $2 AND ("timestamp" < $3 OR "id" < $4) ORDER BY "timestamp" DESC"#),
            "{}",
            page.sql
        );
        assert!(page.sql.contains("LIMIT 26 OFFSET 0"));
        let window = statement(
            DbBackend::Postgres,
            Posts::By(UserId(7)),
            older,
            26,
            Some(100),
        );
        assert!(
            window
                .sql
                .contains(r#"("timestamp" < $3 OR "id" < $4) AND "timestamp" >= $5 ORDER BY"#),
            "{}",
            window.sql
        );
        let edge = window.values.map(|values| values.0[4].clone());
        assert_eq!(edge, Some(900_i64.into()), "100 µs older than the cursor");
        let newer = statement(
            DbBackend::Sqlite,
            Posts::All,
            Start::Newer(1_000, 42),
            26,
            Some(1_000),
        );
        assert!(
            newer.sql.contains(r#""timestamp" >= ? AND ("timestamp" > ? OR "id" > ?) AND "timestamp" <= ? ORDER BY "timestamp" ASC, "id" ASC"#),
            "{}",
            newer.sql
        );
    }
}
