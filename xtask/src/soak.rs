//! `cargo xtask soak --minutes N [--database sqlite|postgres] [--rate R] [--seed S]`: the
//! release server on a freshly seeded database, mixed traffic at a modest fixed rate for N
//! minutes while the SMTP sink drops connections, refuses and slows down at random; then the
//! faults stop, the outbox drains (bounded wait) and the run is checked: no 5xx but 503,
//! peak RSS under a bound, every accepted reset request delivered exactly once.

mod checks;
mod faults;
mod report;
mod server;
mod traffic;

use crate::bench::{seed, server_env};
use anyhow::Context as _;
use microblog_store::testing::TestDatabase;
use microblog_testkit::smtp_sink::SmtpSink;
use std::path::Path;
use std::time::{Duration, Instant};

/// Options of the soak task.
pub struct Options {
    pub minutes: u32,
    pub postgres: bool,
    /// Requests per second, all kinds together.
    pub rate: u32,
    /// Seeds the traffic mix and the fault schedule (printed, so a run can be repeated).
    pub seed: u64,
}

const USAGE: &str =
    "usage: cargo xtask soak --minutes N [--database sqlite|postgres] [--rate R] [--seed S]";

impl Options {
    pub fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            minutes: 10,
            postgres: false,
            rate: 20,
            seed: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs()),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let number = |value: Option<&String>| -> anyhow::Result<u64> {
                value
                    .with_context(|| format!("{arg} takes a number"))?
                    .parse()
                    .with_context(|| format!("{arg} takes a number"))
            };
            match arg.as_str() {
                "--minutes" => options.minutes = u32::try_from(number(args.next())?)?,
                "--rate" => options.rate = u32::try_from(number(args.next())?)?,
                "--seed" => options.seed = number(args.next())?,
                "--database" => match args.next().map(String::as_str) {
                    Some("sqlite") => options.postgres = false,
                    Some("postgres") => options.postgres = true,
                    _ => anyhow::bail!(USAGE),
                },
                _ => anyhow::bail!(USAGE),
            }
        }
        anyhow::ensure!(
            (1..=24 * 60).contains(&options.minutes),
            "--minutes: 1 to 1440"
        );
        anyhow::ensure!((1..=200).contains(&options.rate), "--rate: 1 to 200");
        Ok(options)
    }

    fn command(&self) -> String {
        let database = if self.postgres {
            " --database postgres"
        } else {
            ""
        };
        format!(
            "cargo xtask soak --minutes {}{database} --rate {} --seed {}",
            self.minutes, self.rate, self.seed
        )
    }
}

/// Peak RSS the server may reach over the whole soak.
pub const PEAK_RSS_LIMIT_MIB: f64 = 300.0;
/// How long the outbox may take to drain once the faults stop: past the dispatcher's
/// 5-minute backoff cap, so even a much-retried email gets its next attempt.
const DRAIN_LIMIT: Duration = Duration::from_secs(330);

pub fn run(options: &Options) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    crate::build_release(&root)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(soak(&root, options))
}

async fn soak(root: &Path, options: &Options) -> anyhow::Result<()> {
    println!(
        "{} (the seed repeats the mix and the faults)",
        options.command()
    );
    let database = if options.postgres {
        TestDatabase::postgres()
            .await
            .context("--database postgres needs TEST_DATABASE_URL")?
    } else {
        TestDatabase::sqlite().await
    };
    let db = database.connect().await;
    let duration = Duration::from_secs(u64::from(options.minutes) * 60);
    let plan = traffic::Plan::new(options.rate, duration);
    let size = seed::Size {
        users: plan.users(),
        posts_per_user: 3,
        follows_per_user: 5,
    };
    println!("seeding {} users...", size.users);
    seed::seed(&db, size).await?;

    let sink = SmtpSink::builder().capacity(500_000).start().await?;
    let mut env: Vec<(String, String)> = server_env(database.url(), sink.port())
        .into_iter()
        .filter(|(k, _)| k != "RESET_REQUEST_THROTTLE")
        .collect();
    // Production's throttle: each address is asked for once, so it never refuses one.
    env.push(("RESET_REQUEST_THROTTLE".into(), "60".into()));
    let program = root.join("target").join("release").join("microblog");
    let server = server::Server::start(&program, &env).await?;
    let base = format!("http://{}", server.address);
    println!(
        "server on {base}, SMTP sink on port {}; {} requests/s for {} min",
        sink.port(),
        options.rate,
        options.minutes
    );

    let started = Instant::now();
    let memory = checks::MemoryWatch::start(server.pid(), started);
    let driver = traffic::Driver::prepare(&base, plan, options.seed).await?;
    let (tally, schedule) = tokio::join!(
        driver.run(),
        faults::toggle(&sink, options.seed, Instant::now() + duration)
    );
    let tally = tally?;
    sink.clear_faults();
    sink.set_delay(Duration::ZERO);
    println!(
        "traffic done after {:.0} s; faults off; waiting for the outbox to drain...",
        started.elapsed().as_secs_f64()
    );

    let drain_started = Instant::now();
    let drained = checks::drain(&db, DRAIN_LIMIT).await?;
    let drain_seconds = drain_started.elapsed().as_secs_f64();
    // A late duplicate (a send whose outcome was lost) would arrive now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let alive = checks::answers(&base).await;
    let memory = memory.finish()?;
    let server_log = server.events();
    drop(server);

    let outcome = checks::Outcome {
        command: options.command(),
        backend: if options.postgres {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        minutes: options.minutes,
        rate: options.rate,
        users: size.users,
        mail: checks::mail(&tally, &sink.messages(), drained, drain_seconds),
        tally,
        schedule,
        memory,
        server_log,
        alive,
        sink_connections: sink.connections_total(),
    };
    sink.shutdown().await;
    let markdown = outcome.markdown();
    println!("\n{markdown}");
    let tag = if options.postgres {
        "soak:postgres"
    } else {
        "soak:sqlite"
    };
    let path = root.join("BENCHMARKS.md");
    crate::bench::report::write_section(&path, tag, &markdown)?;
    println!("wrote {}", path.display());
    let failures = outcome.failures();
    anyhow::ensure!(
        failures.is_empty(),
        "the soak failed: {}",
        failures.join("; ")
    );
    println!("soak passed: every check held.");
    Ok(())
}
