//! Project tasks: `cargo xtask ci | mailbox [--port 8025] | bench | cluster | e2e | fuzz | soak |
//! preview-emails`.

mod bench;
mod ci;
mod cluster;
mod e2e;
mod fuzz;
mod mailbox;
mod preview_emails;
mod soak;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  ci                    fmt check, clippy -D warnings, cargo test --workspace (as .ci/run)
  mailbox [--port N] [--web-port N]
                        a local SMTP server that prints every email (default port 8025) and
                        a web inbox of them on http://127.0.0.1:8026
  bench [--database sqlite|postgres] [--seconds N] [--mail-only | --burst-only | --pages-only]
  bench --scale S[,M[,L]] [--database sqlite|postgres] [--seconds N] [--reseed]
                        release build, seeded database, load on every page, a hashing burst;
                        writes BENCHMARKS.md (--pages-only: page loads only, printed)
  soak --minutes N [--database sqlite|postgres] [--rate R] [--seed S]
                        mixed traffic for N minutes against a faulty SMTP sink, then checks: no
                        5xx but 503, bounded peak RSS, every accepted reset mailed exactly once
  cluster               two release instances on one PostgreSQL (TEST_DATABASE_URL), 1,000 resets,
                        one instance SIGKILLed mid-way: counts lost and duplicated mail
  e2e                   release build, SMTP sink, headless Chromium walks the password reset;
                        screenshots in target/e2e/
  fuzz [--seconds N] [--seed N]
                        every domain fuzz target for N seconds (default 60), executions
                        counted; --seed repeats a run (default: a fresh seed)
  preview-emails        every kind of email rendered with sample values, HTML and text side
                        by side, in target/email-previews/index.html";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::run(),
        Some("mailbox") => run_mailbox(&args[1..]),
        Some("bench") => bench::Options::parse(&args[1..]).and_then(|options| bench::run(&options)),
        Some("e2e") => e2e::run(),
        Some("cluster") => cluster::run(),
        Some("soak") => soak::Options::parse(&args[1..]).and_then(|options| soak::run(&options)),
        Some("preview-emails") => preview_emails::run(&workspace_root()),
        Some("fuzz") => fuzz::Options::parse(&args[1..]).and_then(|options| fuzz::run(&options)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_mailbox(args: &[String]) -> anyhow::Result<()> {
    const MAILBOX_USAGE: &str = "usage: cargo xtask mailbox [--port N] [--web-port N]";
    let (mut port, mut web_port) = (8025, 8026);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let target = match flag.as_str() {
            "--port" => &mut port,
            "--web-port" => &mut web_port,
            _ => anyhow::bail!("unknown option {flag:?}\n{MAILBOX_USAGE}"),
        };
        let value = rest
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} takes a port number\n{MAILBOX_USAGE}"))?;
        *target = value
            .parse()
            .map_err(|_| anyhow::anyhow!("{flag} takes a port number, got {value:?}"))?;
    }
    let out_dir = workspace_root().join("target").join("mailbox");
    std::fs::create_dir_all(&out_dir)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(mailbox::run(port, web_port, &out_dir))
}

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Builds the release binaries the tasks run (`microblog` and the bench's `hello` ceiling)
/// in one invocation. Every task builds the same set, so cargo resolves the same features
/// and one task's build serves the next instead of recompiling sea-orm and sqlx.
pub fn build_release(root: &std::path::Path) -> anyhow::Result<()> {
    println!("building the release binaries (microblog, hello)...");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "microblog",
            "--bin",
            "microblog",
        ])
        .args(["-p", "xtask", "--bin", "hello"])
        .current_dir(root)
        .status()?;
    anyhow::ensure!(status.success(), "cargo build --release failed ({status})");
    Ok(())
}
