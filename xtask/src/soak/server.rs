//! The soak's server process: the release binary with `LOG_FORMAT=json`, whose warnings and
//! errors are counted by message as they are logged (retried deliveries, fenced leases,
//! server errors), so the report can show that the SMTP faults really bit. Killed when dropped.
//!
//! (`bench::process::Process` keeps only POST latencies; a shared spawning helper could take
//! both over.)

use anyhow::Context as _;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Duration;

/// (level, message) → how many times it was logged.
pub type Events = BTreeMap<(String, String), usize>;

pub struct Server {
    pub address: String,
    child: Child,
    events: Arc<Mutex<Events>>,
}

impl Server {
    /// Starts `program serve` on a free loopback port with `env`, and waits until it listens.
    pub fn start(program: &Path, env: &[(String, String)]) -> anyhow::Result<Self> {
        let mut child = Command::new(program)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("LOG_FORMAT", "json")
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn,microblog=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        let stdout = child.stdout.take().context("stdout is piped")?;
        let events = Arc::new(Mutex::new(Events::new()));
        let counted = Arc::clone(&events);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(event) = warning_or_error(&line) {
                    *counted
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(event)
                        .or_default() += 1;
                }
                if let Some(rest) = line.split("running on http://").nth(1)
                    && let Some(tx) = tx.take()
                {
                    let address: String = rest
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '"')
                        .collect();
                    let _ = tx.send(address);
                }
            }
        });
        let address = rx
            .recv_timeout(Duration::from_secs(60))
            .context("the server did not say where it listens")?;
        Ok(Self {
            address,
            child,
            events,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The warnings and errors logged so far.
    pub fn events(&self) -> Events {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
