//! `cargo xtask bench --scale S,M,L`: the issue-16 datasets seeded in bulk (cached between
//! runs), then the release server loaded page by page at each size, side by side in one
//! run, and the growth written to BENCHMARKS.md.

mod bulk;
mod cli;
mod databases;
mod load;
mod pages;
mod report;
mod seeding;
mod size;
mod verify;
mod world;

pub use size::ScaleSize;

use super::process::Process;
use super::wrk::{self, Load};
use super::{seed, server_env, session};
use anyhow::Context as _;
use databases::Backend;
use microblog_store::testing::TEST_DATABASE_URL;
use microblog_testkit::smtp_sink::SmtpSink;
use std::path::Path;

/// What `--scale` was asked to do.
pub struct ScaleOptions {
    pub sizes: Vec<ScaleSize>,
    pub postgres: bool,
    pub seconds: u32,
    pub reseed: bool,
}

pub fn run(options: &ScaleOptions) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    crate::build_release(&root)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(scale(&root, options))
}

async fn scale(root: &Path, options: &ScaleOptions) -> anyhow::Result<()> {
    let release = root.join("target").join("release");
    let microblog = release.join("microblog");
    let backend = if options.postgres {
        Backend::Postgres {
            admin_url: std::env::var(TEST_DATABASE_URL)
                .with_context(|| format!("--database postgres needs {TEST_DATABASE_URL}"))?,
        }
    } else {
        Backend::Sqlite {
            dir: root.join("target").join("bench-scale"),
        }
    };
    let command = invocation(options);
    let load = Load {
        threads: 2,
        connections: 16,
        seconds: options.seconds,
    };
    let mut seeded = Vec::new();
    for &size in &options.sizes {
        seeded.push((
            size,
            databases::prepare(&backend, &microblog, size, options.reseed).await?,
        ));
    }
    let hello = Process::start(&release.join("hello"), &["127.0.0.1:0"], &[]).await?;
    println!("driving the hello ceiling...");
    let ceiling = wrk::run(load, &format!("http://{}/", hello.address), &[])?;
    drop(hello);

    let sink = SmtpSink::start().await?;
    let mut reports = Vec::new();
    for (size, database) in seeded {
        println!("loading {} on {}...", size.name(), backend.name());
        let mut env = server_env(&database.url, sink.port());
        env.push(("POSTS_PER_PAGE".to_owned(), pages::PER_PAGE.to_string()));
        let server = Process::start(&microblog, &["serve", "--bind", "127.0.0.1:0"], &env).await?;
        let base = format!("http://{}", server.address);
        let cookie = session::login(&base, &seed::username(0), seed::PASSWORD).await?;
        let probes = pages::probes(size.world());
        load::check(&base, &cookie, &probes).await?;
        let runs = load::drive(&server, &base, &cookie, &probes, load)?;
        drop(server);
        let report = report::SizeReport {
            size,
            backend: backend.name(),
            seed_seconds: database.seconds,
            seeded_now: database.fresh,
            location: database.location,
            load,
            ceiling: ceiling.clone(),
            runs,
        };
        println!("\n{}", report.markdown(&command));
        reports.push(report);
    }
    sink.shutdown().await;
    if reports.len() > 1 {
        println!(
            "\n{}",
            report::growth_markdown(&reports, options.postgres, &command)
        );
    }
    let path = root.join("BENCHMARKS.md");
    report::write(&path, backend.tag(), &reports, options.postgres, &command)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The command line that reproduces this run, for the report.
fn invocation(options: &ScaleOptions) -> String {
    let sizes: Vec<&str> = options.sizes.iter().map(|s| s.name()).collect();
    let mut command = format!("cargo xtask bench --scale {}", sizes.join(","));
    if options.postgres {
        command.push_str(" --database postgres");
    }
    command
}
