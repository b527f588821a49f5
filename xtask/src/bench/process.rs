//! The release binaries under test, started through the testkit's `ServerProcess`: their
//! address, the server-side latency of every POST they log, and their memory.

use anyhow::Context as _;
use microblog_testkit::server_process::{Output, Ready, ServerProcess, StartError};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A server process that is killed when dropped.
pub struct Process {
    pub address: String,
    process: ServerProcess,
    posts: PostLog,
}

/// Path and server-side latency (ms) of every POST the server logged, in order: read from its
/// `LOG_FORMAT=json` request lines, so a latency can be told apart from the client's own
/// scheduling delays. GETs are not kept (a page load makes hundreds of thousands).
type PostLog = Arc<Mutex<Vec<(String, f64)>>>;

impl Process {
    /// Starts `program args...` with `env`, and waits for a "running on http://ADDR" line.
    /// Its stderr passes through.
    pub async fn start(
        program: &Path,
        args: &[&str],
        env: &[(String, String)],
    ) -> anyhow::Result<Self> {
        let posts = PostLog::default();
        let log = Arc::clone(&posts);
        let started = ServerProcess::builder(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn,microblog=info")
            .ready(Ready::Address)
            .output(Output::Stdout(Box::new(move |line| {
                if let Some(post) = logged_post(line) {
                    locked(&log).push(post);
                }
            })))
            .start()
            .await;
        let process = started.map_err(|error| match error {
            StartError::Spawn { .. } => anyhow::Error::new(error),
            _ => anyhow::Error::new(error).context(format!(
                "{} did not say where it listens",
                program.display()
            )),
        })?;
        Ok(Self {
            address: process.address().unwrap_or_default().to_owned(),
            process,
            posts,
        })
    }

    /// Starts a process that does not listen (the dispatcher); its stdout is dropped, its
    /// stderr passes through.
    pub async fn start_quiet(
        program: &Path,
        args: &[&str],
        env: &[(String, String)],
    ) -> anyhow::Result<Self> {
        let process = ServerProcess::builder(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "warn")
            .ready(Ready::Started)
            .output(Output::Stdout(Box::new(|_| {})))
            .start()
            .await?;
        Ok(Self {
            address: String::new(),
            process,
            posts: PostLog::default(),
        })
    }

    /// How many POSTs the server has logged so far: a mark for [`Process::posts_since`].
    pub fn posts_logged(&self) -> usize {
        locked(&self.posts).len()
    }

    /// Server-side latencies (ms) of the POSTs to `path` logged after `mark`.
    pub fn posts_since(&self, mark: usize, path: &str) -> Vec<f64> {
        let posts = locked(&self.posts);
        posts
            .iter()
            .skip(mark)
            .filter(|(logged, _)| logged == path)
            .map(|(_, latency)| *latency)
            .collect()
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc/<pid>/status")
    }
}

/// The log, even if a reader thread panicked while holding it (its entries are still whole).
fn locked(posts: &PostLog) -> std::sync::MutexGuard<'_, Vec<(String, f64)>> {
    posts
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The path and latency of a JSON "request handled" line for a POST.
fn logged_post(line: &str) -> Option<(String, f64)> {
    if !line.starts_with('{') || !line.contains("\"POST\"") {
        return None;
    }
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    if entry["message"] != "request handled" || entry["span"]["method"] != "POST" {
        return None;
    }
    let path = entry["span"]["path"].as_str()?.to_owned();
    Some((path, entry["latency_ms"].as_f64()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_read_from_json_request_lines_only() {
        let post = r#"{"timestamp":"2026-11-24T03:34:59Z","level":"INFO","message":"request handled","status":302,"latency_ms":0.412,"span":{"method":"POST","path":"/reset_password_request","request_id":"ab","name":"request"}}"#;
        assert_eq!(
            logged_post(post),
            Some(("/reset_password_request".to_owned(), 0.412))
        );
        let get = post.replace(r#""method":"POST""#, r#""method":"GET""#);
        assert_eq!(logged_post(&get), None);
        assert_eq!(logged_post("INFO request handled POST /login"), None);
        let other = post.replace("request handled", "mail queued");
        assert_eq!(logged_post(&other), None);
    }
}
