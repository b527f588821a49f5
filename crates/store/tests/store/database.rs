//! The `Database` handle: URLs, health, counts, time precision, and errors that never leak.

use microblog_domain::ports::{Outbox, PostRepository, UserRepository};
use microblog_domain::{MailRequest, PageRequest, PostBody, UserId};
use microblog_store::{Database, OutboxCounts, PoolConfig, StoreError};
use std::time::Duration;
use time::macros::datetime;

fn email(n: u32) -> MailRequest {
    MailRequest::Test {
        to: vec![format!("user{n}@example.com")],
        sent_at: datetime!(2026-01-01 0:00 UTC),
    }
}

#[tokio::test]
async fn an_unsupported_url_is_refused_without_echoing_it() {
    let err = Database::connect("mysql://root:hunter2@db/app", PoolConfig::default())
        .await
        .expect_err("mysql is not supported");
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }), "{err:?}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    let pool = PoolConfig {
        acquire_timeout: Duration::from_secs(2),
        ..PoolConfig::default()
    };
    let err = Database::connect("postgres://postgres@127.0.0.1:1/nothing", pool)
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        matches!(
            err,
            StoreError::Connect {
                backend: "postgres",
                ..
            }
        ),
        "{err:?}"
    );
}

on_each_backend! {
    ping_answers_and_names_the_backend => |test_db, db| async {
        db.ping().await.expect("ping");
        let expected = if test_db.url().starts_with("sqlite:") { "sqlite" } else { "postgres" };
        assert_eq!(db.backend_name(), expected);
    };

    outbox_counts_follow_each_state => |test_db, db| async {
        let outbox = db.outbox();
        let now = datetime!(2026-01-01 0:00 UTC);
        assert_eq!(db.outbox_counts().await.expect("counts"), OutboxCounts::default());
        for n in 0..5 {
            outbox.enqueue(&email(n), now).await.expect("enqueue");
        }
        let leased = outbox.claim_due(now, 3, Duration::from_secs(60)).await.expect("claim");
        outbox.mark_sent(leased[0].lease(), now).await.expect("mark_sent");
        outbox.mark_dead(leased[1].lease(), "550").await.expect("mark_dead");
        outbox.mark_dropped(leased[2].lease(), now, "throttled").await.expect("mark_dropped");
        let expected = OutboxCounts { queued: 2, sending: 0, sent: 1, dropped: 1, dead: 1 };
        assert_eq!(db.outbox_counts().await.expect("counts"), expected);
    };

    timestamps_keep_microsecond_order => |test_db, db| async {
        let users = db.users();
        let posts = db.posts();
        let new_user = microblog_testkit::contract::user_repository::new_user;
        let susan = users.create(new_user("susan", "susan@example.com")).await.expect("create");
        let body = PostBody::parse("tick").expect("body");
        let earlier = datetime!(2026-01-01 0:00:00.000001 UTC);
        let later = datetime!(2026-01-01 0:00:00.000002 UTC);
        let second = posts.create(susan.id, &body, later).await.expect("post");
        let first = posts.create(susan.id, &body, earlier).await.expect("post");
        let page = posts.explore(PageRequest::new(1, 10)).await.expect("explore");
        let order: Vec<_> = page.items.iter().map(|p| (p.post.id, p.post.timestamp)).collect();
        assert_eq!(order, vec![(second.id, later), (first.id, earlier)], "1 µs apart, in order");
    };

    a_closed_pool_fails_with_port_errors_not_panics => |test_db, db| async {
        let (users, posts, outbox) = (db.users(), db.posts(), db.outbox());
        db.clone().close().await.expect("close");
        assert!(db.ping().await.is_err(), "ping fails once closed");
        let user = users.by_id(UserId(1)).await;
        assert!(user.is_err(), "a failed query is a RepoError: {user:?}");
        let page = posts.explore(PageRequest::new(1, 10)).await;
        assert!(page.is_err(), "a failed query is a RepoError: {page:?}");
        let now = datetime!(2026-01-01 0:00 UTC);
        let claim = outbox.claim_due(now, 10, Duration::from_secs(60)).await;
        assert!(claim.is_err(), "a failed claim is an OutboxError: {claim:?}");
        let shown = user.expect_err("failed").to_string();
        assert_eq!(shown, "storage failed", "the message shown is opaque; the cause is chained");
    };
}
