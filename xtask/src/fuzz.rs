//! `cargo xtask fuzz [--seconds N]`: every domain fuzz target (crates/domain/tests/fuzz.rs)
//! for a bounded wall time, with optimizations, overflow checks and debug assertions on.
//!
//! Stable Rust has no libFuzzer, so the targets are proptest strategies run in batches, seeded
//! one after another from a base seed, until their share of the time is up. The base seed is
//! fresh unless `--seed N` fixes it (CI does, so a CI run is repeatable and a failure names
//! the seed that replays it). The summary counts every execution.

use anyhow::{Context as _, bail};
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

/// The ignored test that runs every target for `FUZZ_SECONDS`.
const TIMED_TEST: &str = "every_target_survives_fuzzing_for_fuzz_seconds";

/// What `cargo xtask fuzz` was asked for.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// Total wall time of the fuzzing, shared equally between targets.
    pub seconds: u64,
    /// The base seed: a number repeats a run exactly (CI), `None` draws a fresh one.
    pub seed: Option<u64>,
}

impl Options {
    /// Parses `[--seconds N] [--seed N]` (60 s, a fresh seed).
    ///
    /// # Errors
    /// An unknown argument, a `--seconds` that is not a positive number, or a `--seed` that
    /// is not a number.
    pub fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            seconds: 60,
            seed: None,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next().map(String::as_str);
            match (flag.as_str(), value) {
                ("--seconds", Some(seconds)) => match seconds.parse() {
                    Ok(seconds) if seconds > 0 => options.seconds = seconds,
                    _ => bail!("--seconds takes a positive number, got {seconds:?}"),
                },
                ("--seed", Some(seed)) => match seed.parse() {
                    Ok(seed) => options.seed = Some(seed),
                    Err(_) => bail!("--seed takes a number, got {seed:?}"),
                },
                _ => bail!("usage: cargo xtask fuzz [--seconds N] [--seed N]"),
            }
        }
        Ok(options)
    }
}

/// One target's line of the report.
struct Row {
    name: String,
    executions: u64,
    seconds: f64,
    verdict: String,
}

/// Builds and runs the timed fuzz test, echoes its output, and prints a summary.
///
/// # Errors
/// The build fails, the test cannot be started, or any target found a failing input.
pub fn run(options: &Options) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!(
        "fuzz: building the targets, then fuzzing for {} s",
        options.seconds
    );
    let mut child = Command::new(cargo)
        .current_dir(&root)
        // A profile of its own: release speed, but arithmetic overflow still panics (so the
        // fuzzer sees it), and the release build of the binaries is left untouched.
        .args(["--config", "profile.fuzz.inherits=\"release\""])
        .args(["--config", "profile.fuzz.overflow-checks=true"])
        .args(["--config", "profile.fuzz.debug-assertions=true"])
        .args([
            "test",
            "--profile",
            "fuzz",
            "-p",
            "microblog-domain",
            "--test",
            "fuzz",
        ])
        .args(["--", "--ignored", "--exact", TIMED_TEST, "--nocapture"])
        .env("FUZZ_SECONDS", options.seconds.to_string())
        .env(
            "FUZZ_SEED",
            options
                .seed
                .map_or_else(|| "random".to_owned(), |seed| seed.to_string()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start cargo")?;
    let stdout = child.stdout.take().context("stdout is piped")?;
    let mut rows = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading the fuzz test's output")?;
        match parse_result(&line) {
            Some(row) => rows.push(row),
            None if line.starts_with("fuzz-total ") => {}
            None => println!("{line}"),
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    print_summary(&rows);
    if !status.success() {
        bail!("fuzzing failed ({status}): the failing input is printed above");
    }
    if rows.is_empty() {
        bail!("the fuzz test printed no results: was `{TIMED_TEST}` renamed?");
    }
    let total: u64 = rows.iter().map(|row| row.executions).sum();
    let seconds: f64 = rows.iter().map(|row| row.seconds).sum();
    println!("fuzz: {total} executions in {seconds:.0} s, no panic, no failed property");
    Ok(())
}

/// Reads a `fuzz-result NAME EXECUTIONS SECONDS VERDICT` line.
fn parse_result(line: &str) -> Option<Row> {
    let mut words = line.strip_prefix("fuzz-result ")?.split_whitespace();
    Some(Row {
        name: words.next()?.to_owned(),
        executions: words.next()?.parse().ok()?,
        seconds: words.next()?.parse().ok()?,
        verdict: words.next()?.to_owned(),
    })
}

fn print_summary(rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    println!();
    println!(
        "{:<34} {:>12} {:>8} {:>10}  verdict",
        "target", "executions", "seconds", "exec/s"
    );
    for row in rows {
        println!(
            "{:<34} {:>12} {:>8.1} {:>10.0}  {}",
            row.name,
            row.executions,
            row.seconds,
            per_second(row.executions, row.seconds),
            row.verdict
        );
    }
    let total: u64 = rows.iter().map(|row| row.executions).sum();
    let seconds: f64 = rows.iter().map(|row| row.seconds).sum();
    println!(
        "{:<34} {:>12} {:>8.1} {:>10.0}",
        "total",
        total,
        seconds,
        per_second(total, seconds)
    );
}

fn per_second(executions: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        executions as f64 / seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_default_to_sixty_and_seed_to_a_fresh_one() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let options = |seconds, seed| Some(Options { seconds, seed });
        assert_eq!(Options::parse(&[]).ok(), options(60, None));
        assert_eq!(
            Options::parse(&args(&["--seconds", "5"])).ok(),
            options(5, None)
        );
        assert_eq!(
            Options::parse(&args(&["--seed", "7", "--seconds", "5"])).ok(),
            options(5, Some(7))
        );
        assert!(Options::parse(&args(&["--seconds", "0"])).is_err());
        assert!(Options::parse(&args(&["--seconds", "x"])).is_err());
        assert!(Options::parse(&args(&["--seed", "-1"])).is_err());
        assert!(Options::parse(&args(&["--seed"])).is_err());
        assert!(Options::parse(&args(&["--minutes", "1"])).is_err());
    }

    #[test]
    fn result_lines_are_read_and_other_lines_ignored() {
        let row = parse_result("fuzz-result email_parse 12345 7.5 ok").expect("a result line");
        assert_eq!(
            (row.name.as_str(), row.executions, row.verdict.as_str()),
            ("email_parse", 12345, "ok")
        );
        assert!((row.seconds - 7.5).abs() < f64::EPSILON);
        assert!(parse_result("running 1 test").is_none());
        assert!(parse_result("fuzz-result broken").is_none());
    }
}
