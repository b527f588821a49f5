//! `microblog outbox ...`: the operator's commands on the mail queue (status, list, retry,
//! purge) over the domain's `OutboxOperations`, with their exit codes.

mod args;
mod render;

pub use args::{OutboxArgs, OutboxCommand};

use crate::config::Config;
use args::Output;
use microblog_domain::ports::{OutboxAdmin, RetryOutcome, SystemClock};
use microblog_domain::services::OutboxOperations;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code of arguments that name something that cannot be done (clap uses it too).
const BAD_ARGUMENTS: u8 = 2;

/// Runs one outbox command; prints its result, or one line saying why it failed.
pub async fn run(config: Config, args: OutboxArgs) -> ExitCode {
    let database = match crate::app::connect(&config).await {
        Ok(database) => database,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let admin: Arc<dyn OutboxAdmin> = Arc::new(database.outbox());
    let operations = OutboxOperations::new(admin, Arc::new(SystemClock));
    match execute(&operations, args.command).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(
    operations: &OutboxOperations,
    command: OutboxCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        OutboxCommand::Status(output) => {
            let status = operations.status().await?;
            emit(
                output,
                render::status_json(&status),
                render::status_text(&status),
            );
        }
        OutboxCommand::List {
            state,
            limit,
            output,
        } => {
            let rows = operations.list(state, limit).await?;
            emit(
                output,
                render::rows_json(&rows),
                render::rows_text(state, &rows),
            );
        }
        OutboxCommand::Retry {
            ids,
            all_dead: true,
            output,
        } if ids.is_empty() => {
            let requeued = operations.retry_all_dead().await?;
            let text = format!("requeued {requeued} dead mail\n");
            emit(output, serde_json::json!({ "requeued": requeued }), text);
        }
        OutboxCommand::Retry { ids, output, .. } => {
            let outcomes = operations.retry(&ids).await?;
            let refused: Vec<String> = outcomes
                .iter()
                .filter_map(|&(id, outcome)| render::refusal(id, outcome))
                .collect();
            let requeued = outcomes
                .iter()
                .filter(|(_, outcome)| *outcome == RetryOutcome::Requeued)
                .count();
            emit(
                output,
                render::retry_json(&outcomes),
                format!("requeued {requeued} of {} mail\n", outcomes.len()),
            );
            if !refused.is_empty() {
                for reason in refused {
                    eprintln!("error: {reason}");
                }
                return Ok(ExitCode::from(BAD_ARGUMENTS));
            }
        }
        OutboxCommand::Purge {
            sent_older_than: Some(age),
            output,
            ..
        } => {
            let purged = operations.purge_sent_older_than(age).await?;
            let text = format!(
                "deleted {purged} sent mail older than {}\n",
                humantime::format_duration(age)
            );
            emit(output, serde_json::json!({ "deleted": purged }), text);
        }
        OutboxCommand::Purge { output, .. } => {
            let purged = operations.purge_dead().await?;
            let text = format!("deleted {purged} dead mail\n");
            emit(output, serde_json::json!({ "deleted": purged }), text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn emit(output: Output, json: serde_json::Value, text: String) {
    if output.json {
        println!("{json}");
    } else {
        print!("{text}");
    }
}
