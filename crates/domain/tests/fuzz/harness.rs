//! Running a fuzz target: a proptest strategy and a check, for a number of cases or for a
//! bounded wall time, counting every execution.

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseResult, TestRunner};
use std::fmt::Debug;
use std::hash::{BuildHasher as _, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Cases per target in a plain `cargo test` run (`PROPTEST_CASES` overrides it).
const DEFAULT_CASES: u32 = 512;

/// Cases per batch in a timed run: small enough to stop close to the deadline.
const BATCH_CASES: u32 = 2_000;

/// The seed of a plain `cargo test` run, so the suite is the same on every run.
const DEFAULT_SEED: u64 = 0x6d69_6372_6f62_6c6f;

/// Where the seeds come from: `FUZZ_SEED=N` (a number) fixes them, so a run is repeatable;
/// `FUZZ_SEED=random` draws a fresh one. Unset, a plain test run uses [`DEFAULT_SEED`] and a
/// timed run a fresh one.
fn base_seed(default: Option<u64>) -> u64 {
    match std::env::var("FUZZ_SEED") {
        Ok(seed) if seed != "random" => seed
            .parse()
            .unwrap_or_else(|_| panic!("FUZZ_SEED takes a number or `random`, got {seed:?}")),
        Ok(_) => fresh_seed(),
        Err(_) => default.unwrap_or_else(fresh_seed),
    }
}

fn fresh_seed() -> u64 {
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// One fuzz target: runs its strategy and check under `config`, and returns how many inputs
/// it executed, or the failure with its (shrunk) failing input.
pub type Run = fn(Config) -> Result<u64, String>;

/// A named target.
#[derive(Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub run: Run,
}

/// What a timed run of one target did.
pub struct Outcome {
    pub name: &'static str,
    pub executions: u64,
    pub elapsed: Duration,
    pub failure: Option<String>,
}

/// Runs `check` on inputs drawn from `strategy` as `config` says; a panic inside `check` is
/// a failure like any other, and proptest shrinks the input before reporting it.
pub fn execute<S>(
    config: Config,
    strategy: S,
    check: impl Fn(S::Value) -> TestCaseResult,
) -> Result<u64, String>
where
    S: Strategy,
    S::Value: Debug,
{
    let executions = AtomicU64::new(0);
    let mut runner = TestRunner::new(config);
    runner
        .run(&strategy, |input| {
            executions.fetch_add(1, Ordering::Relaxed);
            check(input)
        })
        .map(|()| executions.load(Ordering::Relaxed))
        .map_err(|error| error.to_string())
}

/// The configuration of a run of `cases` inputs from `seed`, with no files.
pub fn config(cases: u32, seed: u64) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}

/// Runs `run` with the default number of cases and panics with the failing input, if any.
pub fn assert_holds(run: Run) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed = base_seed(Some(DEFAULT_SEED));
    if let Err(failure) = run(config(cases, seed)) {
        panic!("{failure}\n(seed: FUZZ_SEED={seed} PROPTEST_CASES={cases})");
    }
}

/// Runs every target for an equal share of `total`, in batches seeded one after another from
/// the base seed (see [`base_seed`]), and stops a target at its first failure, naming the
/// batch's seed so the failure can be replayed with `assert_holds`.
pub fn run_for(targets: &[Target], total: Duration) -> Vec<Outcome> {
    let base = base_seed(None);
    println!("fuzz: base seed {base} (FUZZ_SEED={base} repeats this run)");
    let share = total / u32::try_from(targets.len().max(1)).unwrap_or(u32::MAX);
    targets
        .iter()
        .map(|target| {
            let start = Instant::now();
            let mut outcome = Outcome {
                name: target.name,
                executions: 0,
                elapsed: Duration::ZERO,
                failure: None,
            };
            let mut seed = base;
            while start.elapsed() < share {
                match (target.run)(config(BATCH_CASES, seed)) {
                    Ok(executions) => outcome.executions += executions,
                    Err(failure) => {
                        outcome.failure = Some(format!(
                            "{failure}\n(replay: FUZZ_SEED={seed} PROPTEST_CASES={BATCH_CASES} \
                             cargo test -p microblog-domain --test fuzz)"
                        ));
                        break;
                    }
                }
                seed = seed.wrapping_add(1);
            }
            outcome.elapsed = start.elapsed();
            outcome
        })
        .collect()
}
