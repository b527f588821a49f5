//! The browser's console: its SEVERE entries, read through chromedriver's log endpoint, and
//! told apart into page errors and third-party resources that cannot load offline.

use super::Browser;
use anyhow::Context as _;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::json;

/// What the console said since the last look.
#[derive(Default)]
pub struct Console {
    /// SEVERE entries: script errors, CSP violations, failed first-party loads.
    pub errors: Vec<String>,
    /// SEVERE entries about third-party resources that cannot load offline.
    pub offline: Vec<String>,
}

impl Browser {
    /// The console's SEVERE entries since the last call.
    pub async fn console(&self) -> anyhow::Result<Console> {
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .context("could not read the browser log")?;
        let mut console = Console::default();
        for entry in entries.as_array().into_iter().flatten() {
            if entry["level"].as_str() != Some("SEVERE") {
                continue;
            }
            let message = entry["message"].as_str().unwrap_or_default().to_owned();
            if is_offline_third_party(&self.origin, &message) {
                console.offline.push(message);
            } else {
                console.errors.push(message);
            }
        }
        Ok(console)
    }
}

/// Whether a console message is a third-party resource that could not be resolved (the
/// browser resolves no name, so Gravatar avatars never load), rather than a page error:
/// `https://www.gravatar.com/avatar/… - Failed to load resource: net::ERR_NAME_NOT_RESOLVED`.
/// CSP violations, script errors and failed first-party loads are never left aside.
fn is_offline_third_party(origin: &str, message: &str) -> bool {
    let Some((url, rest)) = message.split_once(' ') else {
        return false;
    };
    url.starts_with("https://")
        && !url.starts_with(origin)
        && rest.contains("Failed to load resource: net::ERR_NAME_NOT_RESOLVED")
}

/// chromedriver's `POST /session/{id}/se/log {"type": "browser"}`: the console entries
/// since the last call (with `goog:loggingPrefs` set to collect them).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::is_offline_third_party;

    const ORIGIN: &str = "http://127.0.0.1:5000";

    #[test]
    fn only_unresolvable_third_party_loads_are_left_aside() {
        let gravatar = "https://www.gravatar.com/avatar/f3fc?d=identicon&s=36 - \
                        Failed to load resource: net::ERR_NAME_NOT_RESOLVED";
        assert!(is_offline_third_party(ORIGIN, gravatar));
        let csp = "http://127.0.0.1:5000/index 1 Executing inline script violates the following \
                   Content Security Policy directive 'default-src 'none''.";
        assert!(!is_offline_third_party(ORIGIN, csp));
        let first_party = "http://127.0.0.1:5000/static/style.css - Failed to load resource: \
                           the server responded with a status of 404 (Not Found)";
        assert!(!is_offline_third_party(ORIGIN, first_party));
        let blocked = "https://www.gravatar.com/avatar/f3fc - Failed to load resource: \
                       net::ERR_BLOCKED_BY_CSP";
        assert!(!is_offline_third_party(ORIGIN, blocked));
    }
}
