//! Running it: health endpoints, JSON logs without secrets, separate dispatcher processes.

use super::harness::{Backend, TestApp, link_path, location};
use std::time::Duration;

#[tokio::test]
async fn health_endpoints_answer_without_sessions() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get(&app.browser(), path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{path} sets no cookie"
        );
    }
}

#[tokio::test]
async fn json_logs_carry_request_facts_and_never_a_secret() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("LOG_FORMAT", "json")])
        .await
        .unwrap();
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    let login = app.login(&browser, "susan", super::harness::PASSWORD).await;
    let session_cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("microblog_login="))
        .and_then(|v| v.split(';').next())
        .filter(|secret| !secret.is_empty())
        .expect("a login cookie with its secret")
        .to_owned();
    app.request_reset(&app.browser(), "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let token = link_path(&link)
        .trim_start_matches("/reset_password/")
        .to_owned();
    app.reset_with_link(
        &app.browser(),
        &link,
        "the new secret pw",
        "the new secret pw",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let logs = app.logs();
    for secret in [
        token.as_str(),
        session_cookie.as_str(),
        super::harness::PASSWORD,
        "the new secret pw",
        super::harness::SECRET_KEY,
    ] {
        assert!(
            !logs.contains(secret),
            "a secret leaked into the log: {secret:.24}…"
        );
    }
    let mut requests = 0;
    for line in logs.lines().filter(|l| l.starts_with('{')) {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if entry["message"] == "request handled" {
            requests += 1;
            let span = &entry["span"];
            assert!(span["request_id"].is_string(), "{line}");
            assert!(
                span["path"].is_string() && span["method"].is_string(),
                "{line}"
            );
            assert!(
                entry["status"].is_number() && entry["latency_ms"].is_number(),
                "{line}"
            );
        }
    }
    assert!(requests >= 8, "every request is logged ({requests})");
    assert!(
        logs.contains("/reset_password/<token>"),
        "the token is redacted from paths"
    );
}

#[tokio::test]
async fn a_web_only_instance_leaves_mail_to_a_dispatch_process() {
    let mut app = TestApp::spawn().await;
    let web_only = app.start_instance(&["--no-dispatcher"]).await;
    app.address = web_only.address.clone();
    // The first instance (with a dispatcher) is stopped: only the web-only one runs.
    app.stop_server().await;
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    let answer = app.request_reset(&app.browser(), "susan@example.com").await;
    assert_eq!(location(&answer), "/login");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(app.mails().is_empty(), "no dispatcher, no mail yet");

    let mut dispatcher = app.start_process(&["dispatch"]).await;
    app.wait_for_mail("susan@example.com").await;
    dispatcher.kill();
    drop(web_only);
}
