//! The server process as the whole-app tests run it: the `microblog` binary with a clean
//! environment, its log kept line by line (the testkit's `ServerProcess` does the rest).

use microblog_testkit::server_process::{Output, Ready, ServerProcess, ServerProcessBuilder};

/// Variables a developer's shell might have set that must not leak into a test server.
const CLEARED: &[&str] = &[
    "DATABASE_URL",
    "SECRET_KEY",
    "BASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_CA_FILE",
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

/// One running `microblog serve` process.
pub struct Server {
    pub address: String,
    process: ServerProcess,
}

impl Server {
    /// Starts `microblog serve --bind 127.0.0.1:0 <extra args>` and waits for its
    /// "running on" line.
    pub async fn start(env: &[(String, String)], extra_args: &[&str]) -> Self {
        let process = command(env, &["serve", "--bind", "127.0.0.1:0"])
            .args(extra_args)
            .ready(Ready::Address)
            .start()
            .await
            .unwrap_or_else(|error| panic!("server did not start ({error}):\n{}", error.logs()));
        let address = process.address().unwrap_or_default().to_owned();
        Self { address, process }
    }

    pub fn logs(&self) -> String {
        self.process.logs()
    }

    /// SIGKILL: no graceful shutdown, as in a crash.
    pub fn kill(&mut self) {
        self.process.kill();
    }
}

/// `microblog <args>` with `env`, its output kept, killed when dropped.
pub fn command(env: &[(String, String)], args: &[&str]) -> ServerProcessBuilder {
    let mut command = ServerProcess::builder(env!("CARGO_BIN_EXE_microblog"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output(Output::Memory);
    for name in CLEARED {
        command = command.env_remove(name);
    }
    command
        .env("RUST_LOG", "info,sqlx=warn")
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
}

/// Runs `microblog <args>` with `env` to completion (a command such as `outbox status`).
pub async fn run(env: &[(String, String)], args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_microblog"));
    command.args(args).current_dir(std::env::temp_dir());
    for name in CLEARED {
        command.env_remove(name);
    }
    command
        .env("RUST_LOG", "info,sqlx=warn")
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)));
    tokio::task::spawn_blocking(move || command.output().expect("microblog runs"))
        .await
        .expect("joined")
}
