//! Starting the release binaries under test and reading their address and memory.

use anyhow::Context as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A server process that is killed when dropped.
pub struct Process {
    pub address: String,
    child: Child,
    posts: PostLog,
}

/// Path and server-side latency (ms) of every POST the server logged, in order: read from its
/// `LOG_FORMAT=json` request lines, so a latency can be told apart from the client's own
/// scheduling delays. GETs are not kept (a page load makes hundreds of thousands).
type PostLog = Arc<Mutex<Vec<(String, f64)>>>;

impl Process {
    /// Starts `program args...` with `env`, and waits for a "running on http://ADDR" line.
    pub fn start(program: &Path, args: &[&str], env: &[(String, String)]) -> anyhow::Result<Self> {
        let mut child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn,microblog=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        let stdout = child.stdout.take().context("stdout is piped")?;
        let (tx, rx) = mpsc::channel();
        let posts = PostLog::default();
        let log = Arc::clone(&posts);
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(post) = logged_post(&line) {
                    locked(&log).push(post);
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
            .with_context(|| format!("{} did not say where it listens", program.display()))?;
        Ok(Self {
            address,
            child,
            posts,
        })
    }

    /// Starts a process that does not listen (the dispatcher).
    pub fn start_quiet(
        program: &Path,
        args: &[&str],
        env: &[(String, String)],
    ) -> anyhow::Result<Self> {
        let child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        Ok(Self {
            address: String::new(),
            child,
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
        self.child.id()
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

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
