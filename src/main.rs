//! The `microblog` binary: parse the command line and configuration, then run.

mod app;
mod cli;
mod config;
mod metrics;
mod outbox_cli;
mod session_purge;
mod telemetry;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// mimalloc instead of glibc malloc: under load glibc's allocator was about 15 % of the
/// server's CPU samples, much of it lock contention between worker threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("error: could not read .env: {error}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    let command = cli.command.unwrap_or_else(|| {
        Cli::parse_from(["microblog", "serve"])
            .command
            .expect("serve parses")
    });
    let bind = match &command {
        Command::Serve(args) => args.bind,
        _ => cli::ServeArgs::default().bind,
    };
    let config = match config::Config::load(&config::Environment, bind) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Command::Outbox(args) = command {
        // Standard output is the command's answer: the log goes to standard error.
        telemetry::init_to_stderr(config.log_json);
        return outbox_cli::run(config, args).await;
    }
    telemetry::init(config.log_json);
    let outcome = match command {
        Command::Serve(args) => app::serve(config, args).await,
        Command::Migrate => app::migrate(config).await,
        Command::Dispatch => app::dispatch(config).await,
        Command::RebuildTimelines { batch } => app::rebuild_timelines(config, batch).await,
        Command::SendTestEmail { address } => app::send_test_email(config, &address).await,
        Command::Outbox(_) => unreachable!("handled above"),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
