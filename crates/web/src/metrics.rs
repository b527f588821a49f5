//! Request counts and durations for Prometheus, through the `metrics` facade, labelled by
//! route *template* (`/user/{username}`, never the raw path with a name or a reset token),
//! method and status.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Requests answered, by method, route and status.
pub const HTTP_REQUESTS: &str = "http_requests_total";
/// Time to answer, in seconds, by route (a histogram).
pub const HTTP_DURATION: &str = "http_request_duration_seconds";
/// The route label of a request no route matched (its path is never a label).
const UNMATCHED: &str = "unmatched";

/// Counts and times every request.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED.to_owned(), |path| path.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(HTTP_DURATION, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}

/// The method as a label from a fixed set, so made-up methods cannot grow the label space.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
