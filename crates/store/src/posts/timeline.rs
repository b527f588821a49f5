//! The one query behind every timeline: posts joined with their authors, newest first.
//!
//! Shape, chosen from `EXPLAIN QUERY PLAN` on a seeded database (1,000 users, 50,000 posts,
//! 20 follows each): the page is picked by an inner `SELECT id` that a covering index
//! answers ((`user_id`, `timestamp`, `id`) for a set of authors, (`timestamp`, `id`) for
//! explore), so only 8-byte keys are sorted; the 26 winners are then joined with `post` and
//! `user`. Sorting the joined wide rows, and `user_id = ? OR user_id IN (...)` (a
//! multi-index OR), cost SQLite 8 times as much (570 µs against 70 µs per home page).
//!
//! `LIMIT` and `OFFSET` are written into the SQL as integer literals, not bound: the
//! bundled SQLite reads a bound `LIMIT` while planning and then recompiles the statement
//! whenever another value is bound, which re-parsed the query on every request. Integers
//! formatted by Rust cannot inject anything.

use crate::timestamp::from_micros;
use microblog_domain::ports::RepoError;
use microblog_domain::{
    EmailAddress, Page, PageRequest, Post, PostBody, PostId, TimelinePost, UserId, Username,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};
use std::collections::HashMap;

/// Which posts a page lists.
#[derive(Clone, Copy, Debug)]
pub(super) enum Posts {
    /// Every post (explore).
    All,
    /// One author's posts (a profile).
    By(UserId),
    /// The user's own posts and those of everyone they follow (the home timeline).
    FollowedBy(UserId),
}

/// A post with its author's name and address, as the join returns it.
#[derive(Debug, FromQueryResult)]
struct TimelineRow {
    id: i64,
    body: String,
    timestamp: i64,
    user_id: i64,
    author_username: String,
    author_email: String,
}

/// One page of `posts`, ordered `timestamp DESC, id DESC`, fetched with one look-ahead row
/// to learn whether a next page exists.
pub(super) async fn page(
    conn: &DatabaseConnection,
    posts: Posts,
    request: PageRequest,
) -> Result<Page<TimelinePost>, RepoError> {
    let statement = statement(
        conn.get_database_backend(),
        posts,
        u64::from(request.per_page()) + 1,
        request.offset(),
    );
    let rows = conn
        .query_all_raw(statement)
        .await
        .map_err(RepoError::new)?
        .iter()
        .map(|row| TimelineRow::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()
        .map_err(RepoError::new)?;
    let mut authors = Authors::default();
    let items = rows
        .into_iter()
        .map(|row| authors.post(row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_lookahead(request, items))
}

/// The SQL of one page, for `backend`'s placeholders. Identifiers are quoted (`user` is
/// reserved in PostgreSQL).
fn statement(backend: DbBackend, posts: Posts, limit: u64, offset: u64) -> Statement {
    let (filter, values): (String, Vec<Value>) = match posts {
        Posts::All => (String::new(), Vec::new()),
        Posts::By(author) => (
            format!(r#" WHERE "user_id" = {}"#, placeholder(backend, 1)),
            vec![author.0.into()],
        ),
        Posts::FollowedBy(user) => (
            format!(
                r#" WHERE "user_id" IN (SELECT "followed_id" FROM "followers" WHERE "follower_id" = {} UNION ALL SELECT {})"#,
                placeholder(backend, 1),
                placeholder(backend, 2),
            ),
            vec![user.0.into(), user.0.into()],
        ),
    };
    let sql = format!(
        r#"SELECT "p"."id", "p"."body", "p"."timestamp", "p"."user_id", "u"."username" AS "author_username", "u"."email" AS "author_email" FROM "post" AS "p" INNER JOIN "user" AS "u" ON "u"."id" = "p"."user_id" WHERE "p"."id" IN (SELECT "id" FROM "post"{filter} ORDER BY "timestamp" DESC, "id" DESC LIMIT {limit} OFFSET {offset}) ORDER BY "p"."timestamp" DESC, "p"."id" DESC"#
    );
    Statement::from_sql_and_values(backend, sql, values)
}

/// The `n`th (1-based) bind placeholder.
fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
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
                    EmailAddress::parse(&row.author_email).map_err(RepoError::new)?,
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
        let statement = statement(DbBackend::Postgres, Posts::FollowedBy(UserId(7)), 26, 50);
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
        let sqlite = super::statement(DbBackend::Sqlite, Posts::By(UserId(7)), 26, 0);
        assert!(sqlite.sql.contains(r#"WHERE "user_id" = ? ORDER BY"#));
        let all = super::statement(DbBackend::Sqlite, Posts::All, 26, 0);
        assert!(all.values.is_none_or(|values| values.0.is_empty()));
    }
}
