//! `ServerProcess`: a program under test (the `microblog` binary, chromedriver) started with a
//! chosen environment, awaited until it is ready, its output kept, and killed when dropped.
//!
//! The whole-application tests, the browser walk and the benchmarks all start the server
//! through this one type, so they agree on how readiness is read and how a process is stopped.

mod builder;
mod output;

pub use builder::ServerProcessBuilder;

use std::fs::File;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How long a program may take to become ready.
pub const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How often the wait for readiness checks whether the program has exited instead.
const POLL: Duration = Duration::from_millis(200);

/// When a started program counts as ready.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ready {
    /// When it says where it listens on stdout, `… running on http://ADDR` (as `microblog
    /// serve` does): [`ServerProcess::address`] is then `ADDR`, so port 0 works.
    Address,
    /// When a line on stdout or stderr contains this text.
    Line(String),
    /// As soon as it is started (a process that does not listen, such as `dispatch`).
    Started,
}

/// Where the program's stdout and stderr go, line by line.
pub enum Output {
    /// Both streams kept in memory, for [`ServerProcess::logs`].
    Memory,
    /// Both streams written to this file.
    File(File),
    /// stdout handed to this function a line at a time; stderr passes through to this
    /// process's own stderr.
    Stdout(Box<dyn FnMut(&str) + Send>),
}

/// A program that could not be started or did not become ready. Either way it is gone: a
/// program that is still running is killed.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("{program} exited before it was ready ({})", describe(.status))]
    Exited {
        program: String,
        /// `None` when it closed its output but its status could not be read yet.
        status: Option<ExitStatus>,
        /// What it printed, with [`Output::Memory`].
        logs: String,
    },
    #[error("{program} did not say {awaited:?} within {timeout:?}")]
    NotReady {
        program: String,
        /// The text it was expected to print.
        awaited: String,
        timeout: Duration,
        /// What it printed, with [`Output::Memory`].
        logs: String,
    },
}

impl StartError {
    /// What the program printed before it failed, with [`Output::Memory`] (else empty).
    pub fn logs(&self) -> &str {
        match self {
            Self::Spawn { .. } => "",
            Self::Exited { logs, .. } | Self::NotReady { logs, .. } => logs,
        }
    }
}

fn describe(status: &Option<ExitStatus>) -> String {
    status.map_or_else(|| "it closed its output".to_owned(), |s| s.to_string())
}

/// A running program, killed (SIGKILL) and reaped when dropped: also when a test panics.
pub struct ServerProcess {
    program: String,
    child: Child,
    own_process_group: bool,
    address: Option<String>,
    logs: Arc<Mutex<Vec<String>>>,
    /// The threads reading its output.
    readers: Vec<JoinHandle<()>>,
}

impl ServerProcess {
    /// `host:port` it said it listens on, when started with [`Ready::Address`].
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    /// Everything it has printed so far, one line per line, with [`Output::Memory`] (else
    /// empty).
    pub fn logs(&self) -> String {
        lock(&self.logs).join("\n")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it is still running (it may have exited on its own, or been killed).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, as in a crash: no graceful shutdown. Returns once the process is gone; with
    /// [`ServerProcessBuilder::own_process_group`], its whole group is killed too. Does
    /// nothing when it has already exited.
    pub fn kill(&mut self) {
        if !self.is_running() {
            return;
        }
        #[cfg(unix)]
        if self.own_process_group {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the first thing `ready` reports, while checking that the program still
    /// runs.
    async fn wait_until_ready(
        &mut self,
        mut ready: mpsc::UnboundedReceiver<String>,
        awaited: &str,
    ) -> Result<String, StartError> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match tokio::time::timeout(POLL, ready.recv()).await {
                Ok(Some(found)) => return Ok(found),
                // Its output ended before it was ready: it has exited, or is about to.
                Ok(None) => {
                    let status = self.exit_status(POLL * 5).await;
                    return Err(self.exited(status).await);
                }
                Err(_) => {}
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(self.exited(Some(status)).await);
            }
            if Instant::now() >= deadline {
                return Err(StartError::NotReady {
                    program: self.program.clone(),
                    awaited: awaited.to_owned(),
                    timeout: READY_TIMEOUT,
                    logs: self.logs(),
                });
            }
        }
    }

    /// Its exit status, waiting up to `patience` for it.
    async fn exit_status(&mut self, patience: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + patience;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                _ => return None,
            }
        }
    }

    /// The error for a program that exited, with all it printed: its output is read to the
    /// end first (for up to a second).
    async fn exited(&self, status: Option<ExitStatus>) -> StartError {
        let deadline = Instant::now() + Duration::from_secs(1);
        while self.readers.iter().any(|r| !r.is_finished()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        StartError::Exited {
            program: self.program.clone(),
            status,
            logs: self.logs(),
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The kept lines, even if a reader thread panicked while holding them.
fn lock(logs: &Mutex<Vec<String>>) -> std::sync::MutexGuard<'_, Vec<String>> {
    logs.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
