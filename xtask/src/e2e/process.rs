//! The processes under test: the release server and chromedriver, each killed when dropped
//! (so also when a step fails or the walk panics), their output kept in a log file.

use anyhow::{Context as _, bail};
use std::fs::File;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a process may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A child process that is killed and reaped when dropped.
pub struct Spawned {
    name: &'static str,
    child: Child,
    /// Whether the child leads a process group of its own, killed as a whole (chromedriver
    /// and the Chromium processes it starts).
    own_group: bool,
}

impl Spawned {
    /// Kills the process now (dropping it does the same) and says so.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            if self.own_group {
                let group = format!("-{}", self.child.id());
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &group])
                    .stderr(Stdio::null())
                    .status();
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
            println!("e2e: stopped {} (pid {})", self.name, self.child.id());
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

/// Starts `program` with `args` and `env`, writing stdout and stderr to `log`, and waits
/// until a line contains `ready_marker`. With `own_group`, the program leads a new process
/// group, and stopping it kills the whole group.
///
/// # Errors
/// The program cannot be started, or exits or stays silent for a minute before it is ready.
pub fn start(
    name: &'static str,
    program: &Path,
    args: &[String],
    env: &[(&str, String)],
    log: &Path,
    ready_marker: &'static str,
    own_group: bool,
) -> anyhow::Result<Spawned> {
    let log_file =
        Arc::new(Mutex::new(File::create(log).with_context(|| {
            format!("could not create {}", log.display())
        })?));
    let mut command = Command::new(program);
    if own_group {
        command.process_group(0);
    }
    let mut child = command
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {}", program.display()))?;
    println!(
        "e2e: started {name} (pid {}), output in {}",
        child.id(),
        log.display()
    );
    let (ready_tx, ready_rx) = mpsc::channel();
    let stdout = child.stdout.take().context("stdout is piped")?;
    let stderr = child.stderr.take().context("stderr is piped")?;
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let log_file = Arc::clone(&log_file);
        let ready_tx = ready_tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Ok(mut file) = log_file.lock() {
                    let _ = writeln!(file, "{line}");
                }
                if line.contains(ready_marker) {
                    let _ = ready_tx.send(());
                }
            }
        });
    }
    let mut spawned = Spawned {
        name,
        child,
        own_group,
    };
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if ready_rx.recv_timeout(Duration::from_millis(200)).is_ok() {
            return Ok(spawned);
        }
        if let Ok(Some(status)) = spawned.child.try_wait() {
            bail!(
                "{name} exited before it was ready ({status}); see {}",
                log.display()
            );
        }
        if Instant::now() > deadline {
            bail!(
                "{name} did not say {ready_marker:?} within a minute; see {}",
                log.display()
            );
        }
    }
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
