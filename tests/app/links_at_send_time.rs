//! Links are minted when the mail is sent: a relay outage longer than the link's lifetime
//! still delivers a working link, and no token is ever at rest in the database.

use super::harness::{Backend, TestApp, link_path, location};
use microblog_testkit::smtp_sink::SmtpSink;
use std::path::PathBuf;
use std::time::Duration;

/// Links live 3 s here, and the relay stays down for 8 s.
const SHORT_TTL: &str = "3";

async fn outage_longer_than_the_ttl_still_delivers_a_working_link(mut app: TestApp) {
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    let port = app.sink.port();
    let sink = std::mem::replace(&mut app.sink, SmtpSink::start().await.unwrap());
    sink.shutdown().await;

    let answer = app.request_reset(&app.browser(), "susan@example.com").await;
    assert_eq!(location(&answer), "/login");
    tokio::time::sleep(Duration::from_secs(8)).await;
    app.sink = SmtpSink::start_on(port).await.unwrap();

    let link = app.reset_link("susan@example.com", 1).await;
    let opened = app.get(&browser, &link_path(&link)).await;
    assert_eq!(
        location(&opened),
        "/reset_password",
        "a link delivered 8 s after the request, with a 3 s lifetime, works: it was minted at \
         delivery\n{}",
        app.logs()
    );
}

#[tokio::test]
async fn a_reset_mail_held_up_past_the_ttl_arrives_with_a_working_link_on_sqlite() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("RESET_TOKEN_TTL", SHORT_TTL)])
        .await
        .expect("sqlite always runs");
    outage_longer_than_the_ttl_still_delivers_a_working_link(app).await;
}

#[tokio::test]
async fn a_reset_mail_held_up_past_the_ttl_arrives_with_a_working_link_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, &[("RESET_TOKEN_TTL", SHORT_TTL)]).await
    else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    outage_longer_than_the_ttl_still_delivers_a_working_link(app).await;
}

/// Requests a reset, receives the link, uses it; returns the token and its signature.
async fn deliver_and_use_a_token(app: &TestApp) -> (String, String) {
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&app.browser(), "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let token = link.rsplit('/').next().unwrap_or_default().to_owned();
    let signature = token.rsplit('.').next().unwrap_or_default().to_owned();
    assert!(signature.len() >= 40, "a JWT signature: {token}");
    let done = app
        .reset_with_link(
            &app.browser(),
            &link,
            "new password here",
            "new password here",
        )
        .await;
    assert_eq!(location(&done), "/login");
    // Let the "password changed" notice go out too.
    app.wait_for_mail("susan@example.com").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    (token, signature)
}

/// Every file of the SQLite database (main file, WAL, shared memory), as bytes.
fn sqlite_files(url: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let path = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
        .expect("a sqlite URL");
    let dir = PathBuf::from(path)
        .parent()
        .expect("a directory")
        .to_owned();
    std::fs::read_dir(&dir)
        .expect("the database directory")
        .map(|entry| entry.expect("an entry").path())
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable");
            (path, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn no_token_is_in_the_sqlite_files_after_sending_and_after_use() {
    let app = TestApp::spawn().await;
    let (token, signature) = deliver_and_use_a_token(&app).await;
    let files = sqlite_files(app.database.url());
    assert!(!files.is_empty());
    for (path, bytes) in files {
        for needle in [&token, &signature] {
            assert!(
                !contains(&bytes, needle),
                "{} holds the delivered token",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn no_token_is_in_a_postgres_dump_after_sending_and_after_use() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, &[]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let (token, signature) = deliver_and_use_a_token(&app).await;
    let dump = std::process::Command::new("pg_dump")
        .arg("--data-only")
        .arg(app.database.url())
        .output()
        .expect("pg_dump runs (PostgreSQL client tools are installed with the server)");
    assert!(
        dump.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&dump.stderr)
    );
    assert!(
        contains(&dump.stdout, "susan@example.com"),
        "the dump has the data"
    );
    for needle in [&token, &signature] {
        assert!(!contains(&dump.stdout, needle), "the dump holds the token");
    }
}
