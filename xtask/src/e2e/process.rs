//! The processes under test: the release server and chromedriver, started through the
//! testkit's `ServerProcess`, each killed when dropped (so also when a step fails or the walk
//! panics), their output kept in a log file.

use anyhow::{Context as _, anyhow, bail};
use microblog_testkit::server_process::{Output, ServerProcess, ServerProcessBuilder, StartError};
use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// A process of the walk, named in what it prints; killed and reaped when dropped.
pub struct Spawned {
    name: &'static str,
    process: ServerProcess,
}

impl Spawned {
    /// Kills the process now (dropping it does the same) and says so.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        if self.process.is_running() {
            self.process.kill();
            println!("e2e: stopped {} (pid {})", self.name, self.process.pid());
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A free TCP port on 127.0.0.1 for a child to listen on: a stable port, outside the kernel's
/// ephemeral range, so no outgoing connection takes it before the child binds it.
pub fn free_port() -> anyhow::Result<u16> {
    microblog_testkit::ports::stable_port().context("no free loopback port")
}

/// Starts `program`, writing its stdout and stderr to `log`, and waits until it is ready.
///
/// # Errors
/// The program cannot be started, or exits or stays silent for a minute before it is ready.
pub async fn start(
    name: &'static str,
    program: ServerProcessBuilder,
    log: &Path,
) -> anyhow::Result<Spawned> {
    let log_file =
        File::create(log).with_context(|| format!("could not create {}", log.display()))?;
    let process = program
        .output(Output::File(log_file))
        .start()
        .await
        .map_err(|error| match error {
            StartError::Exited { status, .. } => {
                let status = status.map_or_else(|| "no status".to_owned(), |s| s.to_string());
                anyhow!(
                    "{name} exited before it was ready ({status}); see {}",
                    log.display()
                )
            }
            StartError::NotReady { awaited, .. } => anyhow!(
                "{name} did not say {awaited:?} within a minute; see {}",
                log.display()
            ),
            StartError::Spawn { .. } => anyhow::Error::new(error),
        })?;
    println!(
        "e2e: started {name} (pid {}), output in {}",
        process.pid(),
        log.display()
    );
    Ok(Spawned { name, process })
}

/// Waits until something accepts connections on `port`.
///
/// # Errors
/// Nothing listens there after ten seconds.
pub fn wait_for_port(port: u16) -> anyhow::Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        if Instant::now() > deadline {
            bail!("nothing listens on {address} after 10 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// The path of `program`: `$env_var` if set, else the first match on `PATH`.
///
/// # Errors
/// Not found, with the Debian packages that provide it.
pub fn locate(program: &str, env_var: &str) -> anyhow::Result<std::path::PathBuf> {
    if let Some(path) = std::env::var_os(env_var) {
        return Ok(path.into());
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .with_context(|| {
            format!(
                "{program} not found on PATH (set {env_var}, or: apt-get install chromium chromium-driver)"
            )
        })
}
