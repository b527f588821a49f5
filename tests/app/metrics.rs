//! `METRICS_BIND`: Prometheus metrics on their own listener, scraped and parsed as
//! Prometheus would, counters growing as pages are requested.

use super::harness::{Backend, TestApp};
use prometheus_parse::{Sample, Scrape, Value};

/// The app with metrics on a port of their own; returns it and the metrics URL.
async fn app_with_metrics(backend: Backend) -> Option<(TestApp, String)> {
    let port = microblog_testkit::ports::stable_port().expect("a free port");
    let bind = format!("127.0.0.1:{port}");
    let app = TestApp::spawn_with(backend, &[("METRICS_BIND", &bind)]).await?;
    Some((app, format!("http://{bind}/metrics")))
}

async fn scrape(url: &str) -> Scrape {
    let text = scrape_text(url).await;
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("the Prometheus text format")
}

async fn scrape_text(url: &str) -> String {
    let response = reqwest::get(url).await.expect("metrics answer");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().await.unwrap()
}

fn find<'a>(scrape: &'a Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
}

fn number(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    match find(scrape, metric, labels).map(|s| &s.value) {
        Some(Value::Counter(n) | Value::Gauge(n) | Value::Untyped(n)) => *n,
        other => panic!("{metric} {labels:?}: {other:?}"),
    }
}

async fn metrics_grow_as_pages_are_requested(backend: Backend) {
    let Some((app, url)) = app_with_metrics(backend).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.login(&browser, "susan", "not her password").await;
    for _ in 0..3 {
        app.get(&app.browser(), "/login").await;
    }
    app.get(&app.browser(), "/user/susan").await;
    let first = scrape(&url).await;
    let logins = [("method", "GET"), ("route", "/login"), ("status", "200")];
    let before = number(&first, "http_requests_total", &logins);
    assert!(before >= 3.0, "{before}");
    for _ in 0..2 {
        app.get(&app.browser(), "/login").await;
    }
    let second = scrape(&url).await;
    assert_eq!(
        number(&second, "http_requests_total", &logins),
        before + 2.0
    );

    // The text itself (the parser does not take braces inside label values).
    let text = scrape_text(&url).await;
    assert!(
        !text.contains("susan"),
        "route templates only, never a raw path"
    );
    assert!(
        text.contains("route=\"/user/{username}\""),
        "the profile page counted under its template"
    );
    match find(
        &second,
        "http_request_duration_seconds",
        &[("route", "/login")],
    )
    .map(|s| &s.value)
    {
        Some(Value::Histogram(buckets)) => assert!(buckets.len() > 5, "{buckets:?}"),
        other => panic!("no request duration histogram: {other:?}"),
    }
    assert!(
        number(
            &second,
            "login_failures_total",
            &[("reason", "wrong_password")]
        ) >= 1.0
    );
    for state in ["queued", "sending", "sent", "dead"] {
        number(&second, "outbox_mails", &[("state", state)]);
    }
    assert!(number(&second, "database_connections", &[("state", "idle")]) >= 0.0);
    number(&second, "database_connections", &[("state", "in_use")]);
    assert_eq!(number(&second, "password_hash_queue_depth", &[]), 0.0);
}

#[tokio::test]
async fn metrics_grow_as_pages_are_requested_on_sqlite() {
    metrics_grow_as_pages_are_requested(Backend::Sqlite).await;
}

#[tokio::test]
async fn metrics_grow_as_pages_are_requested_on_postgres() {
    metrics_grow_as_pages_are_requested(Backend::Postgres).await;
}

#[tokio::test]
async fn mail_outcomes_are_counted_by_kind() {
    let Some((app, url)) = app_with_metrics(Backend::Sqlite).await else {
        unreachable!("sqlite always runs")
    };
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    // Registering mails the address confirmation first; the reset is the second mail sent.
    app.wait_for_confirmation("susan@example.com").await;
    app.request_reset(&app.browser(), "susan@example.com").await;
    app.wait_for_mail("susan@example.com").await;
    // The counter moves when the relay accepts the mail, the `sent` gauge when the outbox
    // row is marked a moment later: poll until both have caught up.
    let mut scraped = scrape(&url).await;
    for _ in 0..50 {
        let counted = find(&scraped, "mail_sent_total", &[("kind", "reset_password")]).is_some();
        if counted && number(&scraped, "outbox_mails", &[("state", "sent")]) == 2.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        scraped = scrape(&url).await;
    }
    let count = |kind| number(&scraped, "mail_sent_total", &[("kind", kind)]);
    assert_eq!(count("reset_password"), 1.0);
    assert_eq!(count("confirm_email"), 1.0);
    assert_eq!(number(&scraped, "outbox_mails", &[("state", "sent")]), 2.0);
}

#[tokio::test]
async fn metrics_are_never_on_the_public_listener() {
    let app = TestApp::spawn().await;
    let answer = app.get(&app.browser(), "/metrics").await;
    assert_eq!(answer.status(), 404);
}
