//! The arguments of `microblog outbox ...`, each value parsed (and refused with exit code 2
//! by clap) before anything connects.

use clap::{ArgGroup, Args, Subcommand};
use microblog_domain::ports::{OutboxId, OutboxState};
use std::time::Duration;

/// `microblog outbox <command>`.
#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: OutboxCommand,
}

/// What to do with the mail queue. Every command prints for people by default, `--json`
/// for scripts. Exit codes: 0 done, 2 bad arguments (or ids that could not be retried), 1
/// the database could not be used.
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Counts by state, the age of the oldest queued mail and the next attempt time.
    Status(Output),
    /// Entries in one state: id, kind, recipients, attempts, last error, next attempt (never a
    /// body or a token).
    List {
        /// queued, sending, sent, dead or dropped.
        #[arg(long, value_parser = parse_state)]
        state: OutboxState,
        /// At most this many, oldest first.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        limit: u32,
        #[command(flatten)]
        output: Output,
    },
    /// Requeue dead (or waiting) mail now. Attempts so far are kept (they fence the
    /// dispatchers' leases); ids that are sent, dropped, being sent or unknown are reported
    /// and make the exit code 2, the others are still requeued.
    #[command(group(ArgGroup::new("which").required(true).args(["ids", "all_dead"])))]
    Retry {
        /// Outbox ids (as `outbox list` shows them).
        #[arg(value_parser = parse_id)]
        ids: Vec<OutboxId>,
        /// Requeue every dead mail.
        #[arg(long)]
        all_dead: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Delete sent mail older than a duration, or every dead mail; prints the count.
    #[command(group(ArgGroup::new("what").required(true).args(["sent_older_than", "dead"])))]
    Purge {
        /// e.g. `7d`, `12h`, `30m`: sent entries delivered longer ago than this.
        #[arg(long, value_parser = parse_duration)]
        sent_older_than: Option<Duration>,
        /// Every dead entry (they are never deleted otherwise).
        #[arg(long)]
        dead: bool,
        #[command(flatten)]
        output: Output,
    },
}

/// `--json`, shared by every command.
#[derive(Debug, Clone, Copy, Args)]
pub struct Output {
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_state(value: &str) -> Result<OutboxState, String> {
    OutboxState::parse(value).map_err(|error| error.to_string())
}

fn parse_id(value: &str) -> Result<OutboxId, String> {
    match value.parse::<i64>() {
        Ok(id) if id > 0 => Ok(OutboxId(id)),
        _ => Err(format!(
            "{value:?} is not an outbox id (a whole number from 1)"
        )),
    }
}

fn parse_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value)
        .map_err(|error| format!("{value:?} is not a duration like 7d, 12h or 30m: {error}"))?;
    // Beyond about 290 000 years `now - duration` would not be a date.
    if duration > Duration::from_secs(100 * 365 * 86_400) {
        return Err(format!("{value:?} is longer than 100 years"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_parsed_or_refused_with_a_reason() {
        assert_eq!(parse_state("dead"), Ok(OutboxState::Dead));
        assert!(parse_state("Dead").unwrap_err().contains("queued, sending"));
        assert_eq!(parse_id("42"), Ok(OutboxId(42)));
        for bad in ["0", "-3", "x", "1.5", ""] {
            assert!(parse_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        for bad in ["", "7", "soon", "-1d", "1000y"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
