//! `microblog outbox ...` against a running app, on SQLite and PostgreSQL: status, list,
//! the retry of a mail the relay refused with 550, purges, the dead-mail digest to
//! `ADMINS`, and the exit codes.

use super::harness::{Backend, TestApp};
use microblog_testkit::smtp_sink::Fault;
use serde_json::Value;
use std::process::Output;
use std::time::Duration;

const ADMIN: &str = "admin@microblog.test";

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `microblog <args>`, which must succeed; its standard output.
async fn ok(app: &TestApp, args: &[&str]) -> String {
    let output = app.run(args).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        describe(&output)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// `microblog <args> --json`, parsed.
async fn json(app: &TestApp, args: &[&str]) -> Value {
    let args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
    let stdout = ok(app, &args).await;
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Waits until `outbox status` shows `count` entries in `state`.
async fn wait_for_state(app: &TestApp, state: &str, count: u64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let status = json(app, &["outbox", "status"]).await;
        if status[state] == count {
            return status;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {count} {state}: {status}\n{}",
            app.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn operators_inspect_retry_and_purge_the_outbox(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    app.wait_for_confirmation("susan@example.com").await;
    app.sink
        .fail_with(Fault::rcpt(550, "5.1.1 No such user").times(1));
    app.request_reset(&app.browser(), "susan@example.com").await;

    // Refused with 550: dead at once, no retry.
    let status = wait_for_state(&app, "dead", 1).await;
    for (state, count) in [("queued", 0), ("sending", 0), ("sent", 1), ("dropped", 0)] {
        assert_eq!(status[state], count, "{state}: {status}");
    }
    assert!(status["oldest_queued_seconds"].is_null(), "{status}");
    assert!(status["next_attempt_at"].is_null(), "{status}");
    let text = ok(&app, &["outbox", "status"]).await;
    assert!(
        text.contains("dead     1") && text.contains("sent     1"),
        "{text}"
    );
    assert!(text.contains("oldest queued mail: none"), "{text}");

    let dead = json(&app, &["outbox", "list", "--state", "dead"]).await;
    let entries = dead.as_array().expect("an array");
    assert_eq!(entries.len(), 1, "{dead}");
    let entry = &entries[0];
    assert_eq!(entry["kind"], "reset_password");
    assert_eq!(entry["recipients"][0], "susan@example.com");
    assert_eq!(entry["attempts"], 1);
    let error = entry["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("550") && error.contains("No such user"),
        "{error}"
    );
    let id = entry["id"].as_i64().expect("an id").to_string();
    let text = ok(&app, &["outbox", "list", "--state", "dead"]).await;
    assert!(
        text.contains(&format!("#{id} reset_password to susan@example.com")),
        "{text}"
    );
    assert!(text.contains("No such user"), "{text}");

    // The digest to ADMINS, with the address masked and the commands to use.
    let digest = app
        .sink
        .wait_for(Duration::from_secs(30), |m| m.is_to(ADMIN))
        .await
        .unwrap_or_else(|| panic!("no digest to {ADMIN}:\n{}", app.logs()));
    assert_eq!(digest.subject.as_deref(), Some("Microblog Dead Mail (1)"));
    let body = digest.text.clone().unwrap_or_default();
    assert!(
        body.contains(&format!("#{id} reset_password to s***@example.com")),
        "{body}"
    );
    assert!(body.contains("microblog outbox retry <id>"), "{body}");
    assert!(!body.contains("susan@"), "the address is masked: {body}");

    // Retried, with the relay accepting now: delivered once.
    let text = ok(&app, &["outbox", "retry", &id]).await;
    assert!(text.contains("requeued 1 of 1"), "{text}");
    let reset = app.wait_for_mail("susan@example.com").await;
    assert_eq!(
        reset.subject.as_deref(),
        Some("[Microblog] Reset Your Password")
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(app.mails_to("susan@example.com").len(), 1, "delivered once");
    let status = wait_for_state(&app, "sent", 3).await;
    assert_eq!(status["dead"], 0, "{status}");
    assert_eq!(
        app.mails_to(ADMIN).len(),
        1,
        "one digest, not one per failure"
    );

    // A sent or unknown id is refused by name, exit 2.
    let again = app.run(&["outbox", "retry", &id, "99999"]).await;
    assert_eq!(again.status.code(), Some(2), "{}", describe(&again));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains(&format!("outbox entry {id} is sent, not dead")),
        "{stderr}"
    );
    assert!(
        stderr.contains("outbox entry 99999 does not exist"),
        "{stderr}"
    );

    // Purges: sent mail older than a second, then every dead mail.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let purged = json(&app, &["outbox", "purge", "--sent-older-than", "1s"]).await;
    assert_eq!(
        purged["deleted"], 3,
        "confirmation, reset and digest: {purged}"
    );
    app.sink
        .fail_with(Fault::rcpt(550, "5.1.1 No such user").times(1));
    app.register(&app.browser(), "john", "john@example.com")
        .await;
    wait_for_state(&app, "dead", 1).await;
    let text = ok(&app, &["outbox", "purge", "--dead"]).await;
    assert_eq!(text, "deleted 1 dead mail\n");
    let status = json(&app, &["outbox", "status"]).await;
    let left: Vec<&Value> = ["queued", "sending", "sent", "dead"]
        .iter()
        .map(|s| &status[*s])
        .collect();
    assert_eq!(left, [0, 0, 0, 0], "{status}");
}

#[tokio::test]
async fn operators_inspect_retry_and_purge_the_outbox_on_sqlite() {
    operators_inspect_retry_and_purge_the_outbox(Backend::Sqlite).await;
}

#[tokio::test]
async fn operators_inspect_retry_and_purge_the_outbox_on_postgres() {
    operators_inspect_retry_and_purge_the_outbox(Backend::Postgres).await;
}

async fn bad_arguments_exit_2_with_a_message(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    for (args, says) in [
        (
            &["outbox", "list", "--state", "lost"][..],
            "unknown outbox state \"lost\"",
        ),
        (&["outbox", "list"][..], "--state"),
        (
            &["outbox", "list", "--state", "dead", "--limit", "0"][..],
            "--limit",
        ),
        (
            &["outbox", "purge", "--sent-older-than", "soon"][..],
            "not a duration like 7d",
        ),
        (&["outbox", "purge"][..], "--sent-older-than"),
        (
            &["outbox", "purge", "--dead", "--sent-older-than", "7d"][..],
            "cannot be used with",
        ),
        (&["outbox", "retry"][..], "--all-dead"),
        (
            &["outbox", "retry", "abc"][..],
            "\"abc\" is not an outbox id",
        ),
        (&["outbox", "retry", "0"][..], "not an outbox id"),
        (
            &["outbox", "retry", "1", "--all-dead"][..],
            "cannot be used with",
        ),
        (&["outbox", "frobnicate"][..], "unrecognized subcommand"),
    ] {
        let output = app.run(args).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            describe(&output)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(says),
            "{args:?} should say {says:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?}: {}", describe(&output));
    }
}

#[tokio::test]
async fn bad_arguments_exit_2_with_a_message_on_sqlite() {
    bad_arguments_exit_2_with_a_message(Backend::Sqlite).await;
}

#[tokio::test]
async fn bad_arguments_exit_2_with_a_message_on_postgres() {
    bad_arguments_exit_2_with_a_message(Backend::Postgres).await;
}

#[tokio::test]
async fn an_unreachable_database_exits_1_with_one_line() {
    let sqlite = "sqlite:///nonexistent-directory/for/microblog.db?mode=rwc".to_owned();
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let postgres = "postgres://postgres@127.0.0.1:1/microblog".to_owned();
    for url in [sqlite, postgres] {
        let env = [("DATABASE_URL".to_owned(), url.clone())];
        let output = super::harness::run(&env, &["outbox", "status", "--json"]).await;
        assert_eq!(
            output.status.code(),
            Some(1),
            "{url}: {}",
            describe(&output)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(errors.len(), 1, "{url}: {stderr}");
        assert!(
            errors[0].contains("could not open the database"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty(), "{url}: {}", describe(&output));
    }
}
