//! Probes, static files, 404/405 pages, and the 500 page with its alert.

use crate::support::TestApp;
use axum::http::StatusCode;
use microblog_domain::EmailKind;
use microblog_domain::ports::{MockOutbox, OutboxError};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn healthz_and_readyz_answer_without_sessions() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let health = app.get("/healthz").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    assert!(health.header("set-cookie").is_none());
    let ready = app.get("/readyz").await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
    assert!(ready.header("set-cookie").is_none());

    *app.world.readiness.failure.lock().unwrap() = Some("migrations pending".to_owned());
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.body.contains("migrations pending"));
}

#[tokio::test]
async fn the_stylesheet_is_served_with_a_long_cache_or_revalidation() {
    let mut app = TestApp::new();
    let page = app.get("/login").await.text();
    let start = page
        .find("/static/style.css?v=")
        .expect("the page links the stylesheet");
    let href: String = page[start..].chars().take_while(|c| *c != '"').collect();
    let css = app.get(&href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains(".post"));
    assert!(css.header("cache-control").is_some());
    assert!(css.header("set-cookie").is_none());
    assert_eq!(
        app.get("/static/nope.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/static/..%2FCargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_routes_get_the_404_page() {
    let mut app = TestApp::new();
    let reply = app.get("/no/such/page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.text().contains("File Not Found"));
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn wrong_methods_get_405_pages() {
    let mut app = TestApp::new();
    let reply = app.post("/explore", &[]).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(reply.text().contains("Method not allowed"));
    assert_eq!(
        app.post("/sessions", &[]).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn a_non_form_body_gets_a_friendly_page() {
    let mut app = TestApp::new();
    let request = axum::http::Request::post("/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{}"))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(reply.text().contains("The form data could not be read."));
}

async fn alerts_sent(app: &TestApp) -> Vec<microblog_domain::Email> {
    for _ in 0..100 {
        let alerts: Vec<_> = app
            .sent_emails()
            .await
            .into_iter()
            .filter(|e| e.kind == EmailKind::ServerError)
            .collect();
        if !alerts.is_empty() {
            return alerts;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Vec::new()
}

#[tokio::test]
async fn a_storage_failure_is_an_opaque_500_with_request_id_and_an_alert() {
    let mut outbox = MockOutbox::new();
    outbox
        .expect_enqueue()
        .returning(|_, _| Err(OutboxError::new(std::io::Error::other("disk on fire"))));
    let mut app = TestApp::build(|ports| ports.outbox = Arc::new(outbox), |_| {});
    let reply = app
        .submit(
            "/reset_password_request",
            "/reset_password_request?secret=1",
            &[("email", "susan@example.com")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = reply.header("x-request-id").unwrap().to_owned();
    let text = reply.text();
    assert!(text.contains("An unexpected error has occurred"));
    assert!(text.contains(&request_id), "the page shows the request id");
    assert!(
        !text.contains("disk on fire") && !text.contains("storage failed"),
        "opaque"
    );

    let alerts = alerts_sent(&app).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].to, vec!["admin@example.com".to_owned()]);
    let alert = &alerts[0].text_body;
    assert!(alert.contains("POST /reset_password_request\n"), "{alert}");
    assert!(!alert.contains("secret=1"), "no query string");
    assert!(
        alert.contains(&request_id) && alert.contains("disk on fire"),
        "{alert}"
    );
}

#[tokio::test]
async fn a_panic_in_a_handler_is_a_500_page_with_an_alert() {
    let mut outbox = MockOutbox::new();
    outbox
        .expect_enqueue()
        .returning(|_, _| panic!("the handler exploded"));
    let mut app = TestApp::build(|ports| ports.outbox = Arc::new(outbox), |_| {});
    let reply = app
        .submit(
            "/reset_password_request",
            "/reset_password_request",
            &[("email", "a@example.com")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply.text().contains("An unexpected error has occurred"));
    assert!(!reply.text().contains("exploded"));
    let alerts = alerts_sent(&app).await;
    assert!(alerts[0].text_body.contains("the handler exploded"));
    assert_eq!(
        app.get("/login").await.status,
        StatusCode::OK,
        "the server carries on"
    );
}

/// One HTTP/1.1 exchange over a fresh connection; returns the status line.
async fn status_line(address: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    response.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn served_over_a_real_socket_form_posts_are_rate_limited() {
    let app = TestApp::build(|_| {}, |config| config.rate_limit_per_minute = 1);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = app
        .router()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    let health = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_eq!(status_line(address, health).await, "HTTP/1.1 200 OK");
    let login = "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
        Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b";
    assert_eq!(
        status_line(address, login).await,
        "HTTP/1.1 400 Bad Request"
    );
    assert_eq!(
        status_line(address, login).await,
        "HTTP/1.1 429 Too Many Requests"
    );
}
