//! A burst of password hashing: past `HASH_CONCURRENCY` + `HASH_QUEUE`, logins answer 503
//! with `Retry-After` (never a 500), and the server answers normally right after.

use super::harness::{Backend, PASSWORD, TestApp, form_fields, location};
use std::sync::Arc;
use tokio::sync::Barrier;

const BURST: usize = 24;

async fn a_burst_of_logins_gets_503_past_capacity_and_the_server_recovers(backend: Backend) {
    let env = [("HASH_CONCURRENCY", "1"), ("HASH_QUEUE", "1")];
    let Some(app) = TestApp::spawn_with(backend, &env).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let app = Arc::new(app);
    app.user("susan").await;
    // Every client loads the form first, then all submit at once.
    let start = Arc::new(Barrier::new(BURST));
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..BURST {
        let (app, start) = (Arc::clone(&app), Arc::clone(&start));
        burst.spawn(async move {
            let client = app.browser();
            let page = app.page(&client, "/login").await;
            let (_, mut fields) = form_fields(&page.body, "").expect("the login form");
            fields.retain(|(name, _)| name == "csrf_token");
            fields.push(("username".into(), "susan".into()));
            fields.push(("password".into(), "a wrong guess".into()));
            start.wait().await;
            let response = client
                .post(app.url("/login"))
                .form(&fields)
                .send()
                .await
                .expect("POST answers");
            let retry_after = response.headers().get("retry-after").cloned();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            (status, retry_after, body)
        });
    }
    let answers = burst.join_all().await;
    let busy: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 503).collect();
    let refused = answers.iter().filter(|(s, _, _)| *s == 302).count();
    assert_eq!(
        busy.len() + refused,
        BURST,
        "only 302 (wrong password) or 503: {:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    assert!(!busy.is_empty(), "the burst went past capacity");
    assert!(refused >= 1, "some guesses were checked");
    for (_, retry_after, body) in busy {
        assert!(retry_after.is_some(), "503 says when to retry");
        assert!(body.contains("The site is busy"), "{body}");
    }
    let client = app.browser();
    let response = app.login(&client, "susan", PASSWORD).await;
    assert_eq!(
        location(&response),
        "/index",
        "the server answers normally right after"
    );
    assert!(
        !app.logs().contains("server error answering"),
        "no 500 logged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_logins_gets_503_past_capacity_on_sqlite() {
    a_burst_of_logins_gets_503_past_capacity_and_the_server_recovers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_logins_gets_503_past_capacity_on_postgres() {
    a_burst_of_logins_gets_503_past_capacity_and_the_server_recovers(Backend::Postgres).await;
}
