//! The burst's clients: each prepared with its own session and CSRF token (and for a reset,
//! its own emailed link), then released together by a barrier.

use super::super::paced::hidden_value;
use super::super::process::Process;
use super::super::{seed, session};
use anyhow::Context as _;
use microblog_testkit::smtp_sink::SmtpSink;
use reqwest::{Client, RequestBuilder, StatusCode, redirect};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

/// What a fired burst got back.
pub struct Fired {
    pub statuses: BTreeMap<u16, usize>,
    pub transport_errors: usize,
    /// From the release to the last answer.
    pub took: Duration,
}

/// A client of its own (own connection, own cookie), not following redirects.
fn client(cookie_store: bool) -> anyhow::Result<Client> {
    Ok(Client::builder()
        .redirect(redirect::Policy::none())
        .cookie_store(cookie_store)
        .timeout(Duration::from_secs(120))
        .build()?)
}

/// `count` wrong-password logins, one per client, each with the session and token its own
/// `GET /login` gave it; usernames of seeded users.
pub async fn wrong_logins(server: &Process, count: usize) -> anyhow::Result<Vec<RequestBuilder>> {
    let base = format!("http://{}", server.address);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let base = base.clone();
        tasks.spawn(async move {
            let client = client(false)?;
            let form = client.get(format!("{base}/login")).send().await?;
            let cookie = session::cookies(&form);
            let body = form.text().await?;
            let csrf = hidden_value(&body, "csrf_token").context("no csrf_token on /login")?;
            let request = client
                .post(format!("{base}/login"))
                .header(reqwest::header::COOKIE, cookie)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("username", seed::username(i).as_str()),
                    ("password", "a wrong guess"),
                ]);
            anyhow::Ok((i, request))
        });
    }
    collect(tasks).await
}

/// One new-password submit per user in `users`: asks for a reset link for the user, takes it
/// from `sink`, follows it in a client of its own (the token goes into that client's
/// session) and loads the form for its CSRF token.
pub async fn new_password_submits(
    server: &Process,
    sink: &SmtpSink,
    users: Range<usize>,
) -> anyhow::Result<Vec<RequestBuilder>> {
    let base = format!("http://{}", server.address);
    let form = super::super::paced::open_form(&base).await?;
    let asker = client(false)?;
    for i in users.clone() {
        let answer = asker
            .post(format!("{base}/reset_password_request"))
            .header(reqwest::header::COOKIE, &form.cookie)
            .form(&[
                ("csrf_token", form.csrf_token.as_str()),
                ("email", seed::email(i).as_str()),
            ])
            .send()
            .await?;
        anyhow::ensure!(
            answer.status() == StatusCode::FOUND,
            "reset request for {} answered {}",
            seed::email(i),
            answer.status()
        );
    }
    let mut tasks = tokio::task::JoinSet::new();
    for i in users {
        let message = sink
            .wait_for_message(&seed::email(i), Duration::from_secs(60))
            .await
            .with_context(|| format!("no reset email for {} within 60 s", seed::email(i)))?;
        let text = message.text.unwrap_or_default();
        // The link's origin is BASE_URL, which defaults to the configured `--bind` address
        // (port 0 here): follow its path on the address the server really listens on.
        let path = reset_path(&text).context("no reset link in the email")?;
        let base = base.clone();
        tasks.spawn(async move {
            let client = client(true)?;
            let followed = client.get(format!("{base}{path}")).send().await?;
            anyhow::ensure!(
                followed.status() == StatusCode::SEE_OTHER,
                "following the link answered {}",
                followed.status()
            );
            let page = client.get(format!("{base}/reset_password")).send().await?;
            anyhow::ensure!(page.status() == StatusCode::OK, "form: {}", page.status());
            let body = page.text().await?;
            let csrf = hidden_value(&body, "csrf_token").context("no csrf_token on the form")?;
            let request = client.post(format!("{base}/reset_password")).form(&[
                ("csrf_token", csrf.as_str()),
                ("password", "a new burst password"),
                ("password2", "a new burst password"),
            ]);
            anyhow::Ok((i, request))
        });
    }
    collect(tasks).await
}

/// The prepared requests in a stable order.
async fn collect(
    mut tasks: tokio::task::JoinSet<anyhow::Result<(usize, RequestBuilder)>>,
) -> anyhow::Result<Vec<RequestBuilder>> {
    let mut prepared = Vec::new();
    while let Some(done) = tasks.join_next().await {
        prepared.push(done??);
    }
    prepared.sort_by_key(|(i, _)| *i);
    Ok(prepared.into_iter().map(|(_, request)| request).collect())
}

/// Sends every request at the same moment: each task waits at a barrier for all the others.
pub async fn fire(requests: Vec<RequestBuilder>) -> Fired {
    let start = Arc::new(Barrier::new(requests.len() + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for request in requests {
        let start = Arc::clone(&start);
        tasks.spawn(async move {
            start.wait().await;
            let answer = request.send().await;
            answer.map(|r| r.status().as_u16()).ok()
        });
    }
    start.wait().await;
    let released = Instant::now();
    let mut fired = Fired {
        statuses: BTreeMap::new(),
        transport_errors: 0,
        took: Duration::ZERO,
    };
    while let Some(done) = tasks.join_next().await {
        match done.ok().flatten() {
            Some(status) => *fired.statuses.entry(status).or_default() += 1,
            None => fired.transport_errors += 1,
        }
    }
    fired.took = released.elapsed();
    fired
}

/// The path of the reset link in an email's text: `/reset_password/<token>`.
pub fn reset_path(text: &str) -> Option<String> {
    let start = text.find("/reset_password/")?;
    let path: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>'))
        .collect();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_link_in_a_reset_email() {
        let text = "Dear user0001,\n\nTo reset your password click on the following link:\n\n\
                    http://127.0.0.1:4321/reset_password/eyJ.abc-_.def\n\nIf you have not...";
        assert_eq!(
            reset_path(text).as_deref(),
            Some("/reset_password/eyJ.abc-_.def")
        );
        assert_eq!(reset_path("no link here"), None);
    }
}
