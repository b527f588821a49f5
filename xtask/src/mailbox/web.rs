//! The web inbox's HTTP side (axum): the list, each message (HTML part in a sandboxed iframe,
//! text part with clickable links, headers, raw source), "delete all", and the version the
//! list polls to update itself.
//!
//! It listens on loopback only, and still assumes hostile pages in the developer's browser:
//! requests must name this mailbox as their `Host` (no DNS rebinding to read the mail), "delete
//! all" must come from the inbox's own page (`Sec-Fetch-Site`, `Origin`), and every mail's
//! HTML runs in an iframe sandboxed twice (the `sandbox` attribute and a `sandbox` CSP), with
//! no script, no network and no access to the inbox.

use super::inbox::Inbox;
use super::pages;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; frame-src 'self'; connect-src 'self'; form-action 'self'; \
    base-uri 'none'; frame-ancestors 'none'";
/// For a mail's HTML part: a unique origin, no script, only inline styles and inline
/// images; links open outside the sandbox, in a new tab.
const MAIL_POLICY: &str = "sandbox allow-popups allow-popups-to-escape-sandbox; \
    default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

const STYLE: &str = include_str!("inbox.css");
const SCRIPT: &str = include_str!("inbox.js");

#[derive(Clone)]
struct Mailbox {
    inbox: Inbox,
    smtp_port: u16,
    /// `Host` values this inbox answers to (`127.0.0.1:port`, `localhost:port`).
    hosts: [String; 2],
}

/// The inbox's routes, for a listener on `web_port`, describing the SMTP side on `smtp_port`.
pub fn router(inbox: Inbox, smtp_port: u16, web_port: u16) -> Router {
    let state = Mailbox {
        inbox,
        smtp_port,
        hosts: [
            format!("127.0.0.1:{web_port}"),
            format!("localhost:{web_port}"),
        ],
    };
    Router::new()
        .route("/", get(list))
        .route("/api/version", get(version))
        .route("/messages/{id}", get(message))
        .route("/messages/{id}/html", get(html_part))
        .route("/messages/{id}/raw", get(raw))
        .route("/delete-all", post(delete_all))
        .route(
            "/inbox.css",
            get(async || asset("text/css; charset=utf-8", STYLE)),
        )
        .route(
            "/inbox.js",
            get(async || asset("text/javascript; charset=utf-8", SCRIPT)),
        )
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses requests for another host name; adds the page's security headers.
async fn guard(State(mailbox): State<Mailbox>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !mailbox.hosts.iter().any(|h| h == host) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "not this mailbox's host name",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(PAGE_POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn list(State(mailbox): State<Mailbox>) -> Response {
    let version = mailbox.inbox.version();
    let messages = mailbox.inbox.newest_first();
    html(pages::list(&messages, version, mailbox.smtp_port))
}

async fn version(State(mailbox): State<Mailbox>) -> Response {
    let body = serde_json::json!({ "version": mailbox.inbox.version() }).to_string();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn message(State(mailbox): State<Mailbox>, Path(id): Path<u64>) -> Response {
    match mailbox.inbox.get(id) {
        Some(m) => html(pages::message(&m, mailbox.smtp_port)),
        None => not_found(),
    }
}

async fn html_part(State(mailbox): State<Mailbox>, Path(id): Path<u64>) -> Response {
    let Some(body) = mailbox.inbox.get(id).and_then(|m| m.html.clone()) else {
        return not_found();
    };
    let mut response = html(format!("<base target=\"_blank\">{body}"));
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MAIL_POLICY),
    );
    response
}

async fn raw(State(mailbox): State<Mailbox>, Path(id): Path<u64>) -> Response {
    match mailbox.inbox.get(id) {
        Some(m) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            m.raw.clone(),
        )
            .into_response(),
        None => not_found(),
    }
}

/// Empties the inbox, for a form posted from the inbox's own page only.
async fn delete_all(State(mailbox): State<Mailbox>, headers: HeaderMap) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let same_site = text("sec-fetch-site").is_none_or(|site| site == "same-origin");
    let same_origin = text("origin").is_none_or(|origin| {
        mailbox
            .hosts
            .iter()
            .any(|host| origin == format!("http://{host}"))
    });
    if !(same_site && same_origin) {
        return (
            StatusCode::FORBIDDEN,
            "delete all is only accepted from the inbox page",
        )
            .into_response();
    }
    mailbox.inbox.clear();
    Redirect::to("/").into_response()
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "no such message (deleted, or dropped as the inbox filled up)",
    )
        .into_response()
}
