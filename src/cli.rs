//! The command line: `microblog [serve] | migrate | dispatch | rebuild-timelines |
//! send-test-email <address> | outbox ...`.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;

/// Microblog: the Flask Mega-Tutorial's microblog, with password reset by email.
///
/// Configuration comes from the environment and an optional `.env` file (see README).
#[derive(Debug, Parser)]
#[command(name = "microblog", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do (default: `serve`).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, start the mail dispatcher and serve the web app.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Run only the mail dispatcher (for deployments with separate mail workers).
    Dispatch,
    /// Rebuild every user's home feed from posts and follows (idempotent; safe while
    /// serving), with a progress bar and a final count.
    RebuildTimelines {
        /// Feeds rebuilt per transaction.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch: u32,
    },
    /// Send one test email through the configured transport and report the result.
    SendTestEmail {
        /// Where to send it.
        address: String,
    },
    /// Inspect and repair the mail queue: status, list, retry, purge.
    Outbox(crate::outbox_cli::OutboxArgs),
}

/// Options of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:5000", env = "BIND")]
    pub bind: SocketAddr,
    /// Do not run a mail dispatcher in this process (run `microblog dispatch` elsewhere).
    #[arg(long)]
    pub no_dispatcher: bool,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 5000)),
            no_dispatcher: false,
        }
    }
}
