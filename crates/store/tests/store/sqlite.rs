//! SQLite specifics: WAL, concurrent writers, and an idle dispatcher poll that stays off
//! the write lock.

use microblog_domain::ports::{Outbox, PostRepository, UserRepository};
use microblog_domain::{PageRequest, PostBody};
use microblog_store::testing::TestDatabase;
use microblog_testkit::contract::user_repository::new_user;
use sea_orm::{ConnectionTrait, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use std::time::Duration;
use time::macros::datetime;

const WRITERS: usize = 20;
const POSTS_EACH: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_see_database_is_locked() {
    let test_db = TestDatabase::sqlite().await;
    let db = test_db.connect().await;
    let users = db.users();
    let author = users
        .create(new_user("susan", "susan@example.com"))
        .await
        .expect("create");
    let start = datetime!(2026-01-01 0:00 UTC);
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (posts, users) = (db.posts(), db.users());
        writers.push(tokio::spawn(async move {
            for n in 0..POSTS_EACH {
                let body = PostBody::parse(&format!("writer {writer} post {n}")).expect("body");
                let at = start + time::Duration::seconds((writer * POSTS_EACH + n) as i64);
                posts.create(author.id, &body, at).await?;
                users.touch_last_seen(author.id, at).await?;
            }
            Ok::<_, microblog_domain::ports::RepoError>(())
        }));
    }
    for writer in writers {
        let result = writer.await.expect("writer task");
        assert!(
            result.is_ok(),
            "a concurrent write failed: {:?}",
            result.map_err(|e| format!("{e:?}"))
        );
    }
    let page = db
        .posts()
        .explore(PageRequest::new(1, 1_000))
        .await
        .expect("explore");
    assert_eq!(page.items.len(), WRITERS * POSTS_EACH, "every write landed");
}

#[tokio::test]
async fn the_database_runs_in_wal_mode() {
    let test_db = TestDatabase::sqlite().await;
    let _db = test_db.connect().await;
    let raw = sea_orm::Database::connect(test_db.url())
        .await
        .expect("raw connection");
    let row = raw
        .query_one_raw(sea_orm::Statement::from_string(
            raw.get_database_backend(),
            "PRAGMA journal_mode",
        ))
        .await
        .expect("pragma")
        .expect("a row");
    let mode: String = row.try_get_by_index(0).expect("journal_mode");
    assert_eq!(mode.to_ascii_lowercase(), "wal");
}

/// With another connection holding the write lock, a poll that finds nothing due returns at
/// once instead of waiting for the lock (or failing with "database is locked").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_claim_does_not_wait_for_the_write_lock() {
    let test_db = TestDatabase::sqlite().await;
    let db = test_db.connect().await;
    let raw = sea_orm::Database::connect(test_db.url())
        .await
        .expect("raw connection");
    let writer = raw
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
        .expect("the other connection takes the write lock");
    let now = datetime!(2026-01-01 0:00 UTC);
    let outbox = db.outbox();
    let poll = outbox.claim_due(now, 10, Duration::from_secs(60));
    let polled = tokio::time::timeout(Duration::from_secs(1), poll).await;
    let polled = polled.expect("an idle poll must not wait for the write lock");
    assert_eq!(polled.expect("claim_due").len(), 0);
    writer.rollback().await.expect("rollback");
}

/// Writes queued behind another process's write lock wait without a pooled connection, so
/// reads still get one: before the write gate, five writers sleeping in SQLite's busy handler
/// held the test pool's five connections and a one-row read waited for the lock too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_find_a_connection_while_writes_wait_for_the_lock() {
    let test_db = TestDatabase::sqlite().await;
    let db = test_db.connect().await;
    let susan = db
        .users()
        .create(new_user("susan", "susan@example.com"))
        .await
        .expect("create");
    let raw = sea_orm::Database::connect(test_db.url())
        .await
        .expect("raw connection");
    let other_process = raw
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
        .expect("the other connection takes the write lock");
    let at = datetime!(2026-01-01 0:00 UTC);
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let users = db.users();
            tokio::spawn(async move { users.touch_last_seen(susan.id, at).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let read = tokio::time::timeout(Duration::from_secs(1), db.users().by_id(susan.id)).await;
    let read = read.expect("a read must not wait behind writers holding every connection");
    assert_eq!(read.expect("by_id").map(|user| user.id), Some(susan.id));
    other_process.rollback().await.expect("rollback");
    for writer in writers {
        writer
            .await
            .expect("writer task")
            .expect("the write lands once the lock is free");
    }
}
