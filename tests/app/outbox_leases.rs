//! Two dispatchers behind a relay slower than the outbox lease: renewed, fenced leases
//! deliver every mail exactly once, on SQLite and on PostgreSQL.

use super::cluster::{deliveries, request_resets, seed_users};
use super::harness::{Backend, TestApp};
use std::time::Duration;

const USERS: usize = 24;

/// Each reply of the relay waits 700 ms, so one message takes about 4 s: longer than the
/// 3 s lease. Without renewal the second dispatcher would take over every lease in flight
/// and send those mails again; without fencing, the first would still record them.
async fn two_dispatchers_behind_a_slow_relay_send_each_mail_once(backend: Backend) {
    let env = [("OUTBOX_LEASE", "3"), ("MAIL_TIMEOUT", "20")];
    let Some(mut app) = TestApp::spawn_with(backend, &env).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    seed_users(&app.database.connect().await, USERS).await;
    let second = app.start_instance(&[]).await;
    app.sink.set_delay(Duration::from_millis(700));
    let bases = [
        format!("http://{}", app.address),
        format!("http://{}", second.address),
    ];
    request_resets(&bases, 0..USERS).await;

    assert!(
        app.sink
            .wait_for_total(USERS as u64, Duration::from_secs(120))
            .await,
        "{}",
        app.logs()
    );
    // Long enough for any lease to run out and any duplicate to arrive.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let counts = deliveries(&app);
    let duplicates: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(counts.len(), USERS, "no mail is lost");
    assert!(duplicates.is_empty(), "sent twice: {duplicates:?}");
    let outbox = app.database.connect().await.outbox_counts().await.unwrap();
    assert_eq!(
        (outbox.sent, outbox.queued, outbox.sending, outbox.dead),
        (USERS as u64, 0, 0, 0)
    );
    app.address = second.address.clone();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dispatchers_behind_a_slow_relay_send_each_mail_once_on_sqlite() {
    two_dispatchers_behind_a_slow_relay_send_each_mail_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dispatchers_behind_a_slow_relay_send_each_mail_once_on_postgres() {
    two_dispatchers_behind_a_slow_relay_send_each_mail_once(Backend::Postgres).await;
}
