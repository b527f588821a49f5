//! Logging the benchmark user in over HTTP, as a browser would, to get a session cookie.

use super::paced::hidden_value;
use anyhow::Context as _;

/// Logs in and returns the `Cookie` header value of the resulting session.
pub async fn login(base: &str, username: &str, password: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = client.get(format!("{base}/login")).send().await?;
    let cookie = cookies(&form);
    let body = form.text().await?;
    let csrf = hidden_value(&body, "csrf_token").context("no csrf_token on /login")?;
    let answer = client
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await?;
    let target = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(
        target == "/index",
        "login as {username} failed (redirect to {target:?})"
    );
    Ok(merged(&cookie, &answer))
}

/// `cookie` (a `Cookie` header value) with the cookies `response` sets replacing those of
/// the same name, as a browser keeps them (the login cookie stays when a page only
/// refreshes the `session` cookie); cookies the response removes are dropped.
pub(crate) fn merged(cookie: &str, response: &reqwest::Response) -> String {
    let mut jar: Vec<(String, String)> = pairs(cookie).collect();
    for set in response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        let Some((name, value)) = set.split(';').next().and_then(|p| p.split_once('=')) else {
            continue;
        };
        jar.retain(|(kept, _)| kept != name);
        if !set.contains("Max-Age=0") {
            jar.push((name.to_owned(), value.to_owned()));
        }
    }
    let kept: Vec<String> = jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
    kept.join("; ")
}

fn pairs(cookie: &str) -> impl Iterator<Item = (String, String)> + '_ {
    cookie
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
}

/// The `name=value` pairs a response sets, as a `Cookie` header value.
pub(crate) fn cookies(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}
