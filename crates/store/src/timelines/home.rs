//! A home page from the feed: the page's keys from `timeline_entry` (one primary-key range)
//! merged with the posts of followed authors that were not fanned out (a partial index holds
//! only those), then the winners joined with `post` and `user`. When the feed ends before
//! the page does, the page comes from the read-time query instead, which gives the same
//! answer for any request: a feed always holds a newest-first prefix of the fanned-out
//! timeline (trims cut its oldest end; an unfollow removes one author everywhere in it).

use crate::binds::Binds;
use crate::posts::timeline::{self, POST_COLUMNS, Posts, Start};
use microblog_domain::ports::RepoError;
use microblog_domain::{Page, PageRequest, TimelinePost, UserId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::cmp::Reverse;

/// A post's place in the order: `(timestamp, id)`.
type Key = (i64, i64);

/// The page `request` of `user`'s home timeline.
pub(super) async fn page(
    conn: &DatabaseConnection,
    user: UserId,
    request: PageRequest,
) -> Result<Page<TimelinePost>, RepoError> {
    let Some(start) = Start::of(conn, request).await? else {
        return Ok(Page::empty(request));
    };
    let wanted = usize::try_from(request.per_page()).unwrap_or(usize::MAX) + 1;
    let skip = usize::try_from(start.offset()).unwrap_or(usize::MAX);
    let needed = wanted.saturating_add(skip);
    let keys = feed_and_merged(conn, user, start, needed)
        .await
        .map_err(RepoError::new)?;
    let Some(mut keys) = keys else {
        return timeline::page(conn, Posts::FollowedBy(user), request).await;
    };
    let newer = matches!(start, Start::Newer(..));
    if newer {
        keys.sort_unstable();
    } else {
        keys.sort_unstable_by_key(|key| Reverse(*key));
    }
    keys.dedup();
    let ids: Vec<i64> = keys
        .into_iter()
        .skip(skip)
        .take(wanted)
        .map(|k| k.1)
        .collect();
    let rows = posts_by_id(conn, &ids, start.direction()).await?;
    Ok(Page::from_lookahead(request, rows))
}

/// The keys of up to `needed` feed entries and as many merged posts from `start`, or `None`
/// when the feed cannot answer (it ends before `needed` entries while older posts may
/// exist, or it does not reach back to a "newer than" cursor).
async fn feed_and_merged(
    conn: &DatabaseConnection,
    user: UserId,
    start: Start,
    needed: usize,
) -> Result<Option<Vec<Key>>, DbErr> {
    if let Start::Newer(timestamp, id) = start
        && !feed_reaches(conn, user, (timestamp, id)).await?
    {
        return Ok(None);
    }
    let limit = needed as u64;
    let backend = conn.get_database_backend();
    let direction = start.direction();
    let mut binds = Binds::new(backend);
    let sql = format!(
        r#"SELECT "post_timestamp" AS "t", "post_id" AS "i" FROM "timeline_entry" WHERE "user_id" = {}{} ORDER BY "post_timestamp" {direction}, "post_id" {direction} LIMIT {limit}"#,
        binds.bind(user.0),
        start.range_on(&mut binds, "post_timestamp", "post_id"),
    );
    let mut keys = query_keys(conn, binds, &sql).await?;
    let newer = matches!(start, Start::Newer(..));
    if keys.len() < needed && !newer {
        return Ok(None);
    }
    let mut binds = Binds::new(backend);
    let sql = format!(
        r#"SELECT "timestamp" AS "t", "id" AS "i" FROM "post" WHERE "fanned_out" = FALSE AND "user_id" IN (SELECT "followed_id" FROM "followers" WHERE "follower_id" = {}){} ORDER BY "timestamp" {direction}, "id" {direction} LIMIT {limit}"#,
        binds.bind(user.0),
        start.range_on(&mut binds, "timestamp", "id"),
    );
    keys.extend(query_keys(conn, binds, &sql).await?);
    Ok(Some(keys))
}

/// Whether `user`'s feed holds an entry at or before `key`: then it holds every fanned-out
/// post newer than `key` too.
async fn feed_reaches(conn: &DatabaseConnection, user: UserId, key: Key) -> Result<bool, DbErr> {
    let mut binds = Binds::new(conn.get_database_backend());
    let sql = format!(
        r#"SELECT "post_timestamp" AS "t", "post_id" AS "i" FROM "timeline_entry" WHERE "user_id" = {} AND "post_timestamp" <= {} AND ("post_timestamp" < {} OR "post_id" <= {}) LIMIT 1"#,
        binds.bind(user.0),
        binds.bind(key.0),
        binds.bind(key.0),
        binds.bind(key.1),
    );
    Ok(!query_keys(conn, binds, &sql).await?.is_empty())
}

/// The `("t", "i")` pairs a statement returns.
async fn query_keys(conn: &DatabaseConnection, binds: Binds, sql: &str) -> Result<Vec<Key>, DbErr> {
    conn.query_all_raw(binds.statement(sql))
        .await?
        .iter()
        .map(|row| Ok((row.try_get("", "t")?, row.try_get("", "i")?)))
        .collect()
}

/// The posts `ids`, with their authors, ordered by `(timestamp, id)` in `direction`.
async fn posts_by_id(
    conn: &DatabaseConnection,
    ids: &[i64],
    direction: &str,
) -> Result<Vec<TimelinePost>, RepoError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::new(conn.get_database_backend());
    let list: Vec<String> = ids.iter().map(|id| binds.bind(*id)).collect();
    let sql = format!(
        r#"SELECT {POST_COLUMNS} FROM "post" AS "p" INNER JOIN "user" AS "u" ON "u"."id" = "p"."user_id" WHERE "p"."id" IN ({}) ORDER BY "p"."timestamp" {direction}, "p"."id" {direction}"#,
        list.join(", ")
    );
    timeline::with_authors(conn, binds.statement(sql)).await
}
