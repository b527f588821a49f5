//! The server process: started with a clean environment, its log captured line by line.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Variables a developer's shell might have set that must not leak into a test server.
const CLEARED: &[&str] = &[
    "DATABASE_URL",
    "SECRET_KEY",
    "BASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "ADMINS",
    "RESET_TOKEN_TTL",
    "POSTS_PER_PAGE",
    "LOG_FORMAT",
    "BIND",
    "TRUST_FORWARDED_FOR",
    "LOGIN_LOCKOUT_THRESHOLD",
    "LOGIN_LOCKOUT_WINDOW",
    "LOGIN_LOCKOUT_DURATION",
];

/// One running `microblog` process.
pub struct Server {
    pub address: String,
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `microblog serve --bind 127.0.0.1:0 <extra args>` and waits for its
    /// "running on" line.
    pub async fn start(env: &[(String, String)], extra_args: &[&str]) -> Self {
        let mut args = vec!["serve", "--bind", "127.0.0.1:0"];
        args.extend_from_slice(extra_args);
        let mut command = Self::command(env, &args);
        let mut child = command.spawn().expect("the microblog binary starts");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = tokio::sync::oneshot::channel();
        let stdout = child.stdout.take().expect("stdout piped");
        let stderr = child.stderr.take().expect("stderr piped");
        tokio::spawn(collect(
            BufReader::new(stdout),
            Arc::clone(&logs),
            Some(address_tx),
        ));
        tokio::spawn(collect(BufReader::new(stderr), Arc::clone(&logs), None));
        let address = tokio::time::timeout(Duration::from_secs(60), address_rx)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_else(|| {
                panic!("server did not start:\n{}", logs.lock().unwrap().join("\n"))
            });
        Self {
            address,
            child,
            logs,
        }
    }

    /// `microblog <args>` with `env`, output captured, killed when dropped.
    pub fn command(env: &[(String, String)], args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_microblog"));
        command
            .args(args)
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for name in CLEARED {
            command.env_remove(name);
        }
        command
            .env("RUST_LOG", "info,sqlx=warn")
            .env("NO_COLOR", "1");
        command.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// SIGKILL: no graceful shutdown, as in a crash.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

async fn collect(
    reader: impl tokio::io::AsyncBufRead + Unpin,
    logs: Arc<Mutex<Vec<String>>>,
    mut address_tx: Option<tokio::sync::oneshot::Sender<String>>,
) {
    let mut lines = reader.lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(rest) = line.split("running on http://").nth(1)
            && let Some(tx) = address_tx.take()
        {
            let address: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '"')
                .collect();
            let _ = tx.send(address);
        }
        logs.lock().unwrap().push(line);
    }
}
