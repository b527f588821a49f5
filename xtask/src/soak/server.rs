//! The soak's server process: the release binary with `LOG_FORMAT=json`, whose warnings and
//! errors are counted by message as they are logged (retried deliveries, fenced leases,
//! server errors), so the report can show that the SMTP faults really bit. Started, awaited
//! and killed when dropped by the testkit's shared `ServerProcess`.

use microblog_testkit::server_process::{Output, Ready, ServerProcess};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

/// (level, message) → how many times it was logged.
pub type Events = BTreeMap<(String, String), usize>;

pub struct Server {
    pub address: String,
    process: ServerProcess,
    events: Arc<Mutex<Events>>,
}

impl Server {
    /// Starts `program serve` on a free loopback port with `env`, and waits until it listens.
    pub async fn start(program: &Path, env: &[(String, String)]) -> anyhow::Result<Self> {
        let events = Arc::new(Mutex::new(Events::new()));
        let counted = Arc::clone(&events);
        let count = move |line: &str| {
            if let Some(event) = warning_or_error(line) {
                *counted
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entry(event)
                    .or_default() += 1;
            }
        };
        let process = ServerProcess::builder(program)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("LOG_FORMAT", "json")
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn,microblog=info")
            .ready(Ready::Address)
            .output(Output::Stdout(Box::new(count)))
            .start()
            .await?;
        let address = process
            .address()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("the server did not say where it listens"))?;
        Ok(Self {
            address,
            process,
            events,
        })
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The warnings and errors logged so far.
    pub fn events(&self) -> Events {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The level and message of a JSON log line at WARN or ERROR.
fn warning_or_error(line: &str) -> Option<(String, String)> {
    if !line.starts_with('{') || !(line.contains("\"WARN\"") || line.contains("\"ERROR\"")) {
        return None;
    }
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    let level = entry["level"].as_str()?;
    if level != "WARN" && level != "ERROR" {
        return None;
    }
    Some((level.to_owned(), entry["message"].as_str()?.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_errors_are_counted_by_message_and_the_rest_ignored() {
        let retry = r#"{"timestamp":"2026-12-03T08:00:00Z","level":"WARN","message":"mail delivery failed; will retry","outbox_id":7,"attempts":1}"#;
        assert_eq!(
            warning_or_error(retry),
            Some(("WARN".into(), "mail delivery failed; will retry".into()))
        );
        let handled = r#"{"level":"INFO","message":"request handled","status":200}"#;
        assert_eq!(warning_or_error(handled), None);
        assert_eq!(warning_or_error("WARN plain text"), None);
    }
}
