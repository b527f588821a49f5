//! A fixed-rate load generator for POST /reset_password_request: wrk drives as fast as it
//! can, but the reset target is a latency at a given rate, so requests leave on a schedule.

use anyhow::Context as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Latencies of one paced run.
#[derive(Clone, Debug, Default)]
pub struct PacedResult {
    pub rate: u32,
    pub sent: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: usize,
    /// p99 and max of the same requests as the server logged them (0 when not measured).
    pub server_p99_ms: f64,
    pub server_max_ms: f64,
}

/// An anonymous session able to post the reset form: its cookie and CSRF token.
pub struct FormSession {
    pub cookie: String,
    pub csrf_token: String,
}

/// GETs the reset request form and keeps the session cookie and CSRF token it sets.
pub async fn open_form(base: &str) -> anyhow::Result<FormSession> {
    let client = reqwest::Client::new();
    let response = client
        .get(format!("{base}/reset_password_request"))
        .send()
        .await?;
    let cookie = super::session::cookies(&response);
    let body = response.text().await?;
    let csrf_token = hidden_value(&body, "csrf_token").context("no csrf_token on the form")?;
    Ok(FormSession { cookie, csrf_token })
}

/// The value of the hidden input named `name` in `html`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

/// Sends `total` reset requests at `rate` per second, addresses from `address(i)`.
pub async fn run(
    base: &str,
    session: &FormSession,
    rate: u32,
    total: usize,
    address: impl Fn(usize) -> String,
) -> anyhow::Result<PacedResult> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()?;
    let url = format!("{base}/reset_password_request");
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let errors = Arc::new(Mutex::new(0usize));
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let request = client
            .post(&url)
            .header(reqwest::header::COOKIE, &session.cookie)
            .form(&[
                ("csrf_token", session.csrf_token.as_str()),
                ("email", address(i).as_str()),
            ]);
        let (latencies, errors) = (Arc::clone(&latencies), Arc::clone(&errors));
        tasks.spawn(async move {
            let sent = Instant::now();
            let ok = matches!(request.send().await, Ok(r) if r.status().is_redirection());
            let took = sent.elapsed();
            latencies.lock().await.push(took);
            if !ok {
                *errors.lock().await += 1;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let mut latencies = latencies.lock().await.clone();
    latencies.sort();
    let latencies: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    let pick = |q: f64| quantile(&latencies, q);
    let errors = *errors.lock().await;
    Ok(PacedResult {
        rate,
        sent: latencies.len(),
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        max_ms: pick(1.0),
        errors,
        server_p99_ms: 0.0,
        server_max_ms: 0.0,
    })
}

/// The `q` quantile (nearest rank) of sorted `values`, 0 when there are none.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let index = ((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1);
    sorted.get(index).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_hidden_field_whatever_the_attribute_order() {
        let html = r#"<form><input type="hidden" name="csrf_token" value="abc123"></form>"#;
        assert_eq!(hidden_value(html, "csrf_token").as_deref(), Some("abc123"));
        let html = r#"<input value="xyz" name="csrf_token" type="hidden">"#;
        assert_eq!(hidden_value(html, "csrf_token").as_deref(), Some("xyz"));
        assert_eq!(hidden_value("<p>no form</p>", "csrf_token"), None);
    }
}
