//! `cargo xtask bench [--database sqlite|postgres] [--seconds N] [--pages-only]`: release build, seeded
//! database, wrk against each page beside an axum "hello" ceiling, paced reset requests with
//! a normal and a slow mail server, a hashing burst, outbox-to-SMTP throughput, peak memory;
//! writes BENCHMARKS.md. `--scale S,M,L [--reseed]` runs the page loads on issue 16's large
//! seeded worlds instead (see [`scale`]).

pub(crate) mod burst;
mod mail;
pub(crate) mod paced;
pub(crate) mod process;
pub(crate) mod report;
mod scale;
pub(crate) mod seed;
pub(crate) mod session;
mod wrk;

use anyhow::Context as _;
use microblog_store::testing::TestDatabase;
use microblog_testkit::smtp_sink::SmtpSink;
use process::Process;
use std::path::Path;

/// Options of the bench task.
pub struct Options {
    pub postgres: bool,
    pub seconds: u32,
    /// Only the outbox-to-SMTP throughput (quick iteration on the dispatcher).
    pub mail_only: bool,
    /// Only the hashing burst, on a fresh database of its own.
    pub burst_only: bool,
    /// Only the page loads beside the hello ceiling (the per-request session cost), printed
    /// as a table; BENCHMARKS.md is left as it is.
    pub pages_only: bool,
    /// `--scale S,M,L`: the page loads on these seeded sizes (see [`scale`]).
    pub scale: Option<Vec<scale::ScaleSize>>,
    /// With `--scale`: seed again even when a complete cached seed exists.
    pub reseed: bool,
}

const USAGE: &str = "usage: cargo xtask bench [--database sqlite|postgres] [--seconds N] \
    [--mail-only | --burst-only | --pages-only | --scale S[,M[,L]] [--reseed]]";

impl Options {
    pub fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            postgres: false,
            seconds: 10,
            mail_only: false,
            burst_only: false,
            pages_only: false,
            scale: None,
            reseed: false,
        };
        let mut seconds = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let flag = match arg.as_str() {
                "--mail-only" => &mut options.mail_only,
                "--burst-only" => &mut options.burst_only,
                "--pages-only" => &mut options.pages_only,
                "--reseed" => &mut options.reseed,
                _ => {
                    match (arg.as_str(), args.next().map(String::as_str)) {
                        ("--database", Some("sqlite")) => options.postgres = false,
                        ("--database", Some("postgres")) => options.postgres = true,
                        ("--seconds", Some(n)) => {
                            seconds = Some(n.parse().context("--seconds takes a number")?)
                        }
                        ("--scale", Some(sizes)) => {
                            options.scale = Some(scale::ScaleSize::parse_list(sizes)?)
                        }
                        _ => anyhow::bail!(USAGE),
                    }
                    continue;
                }
            };
            *flag = true;
        }
        let only = options.mail_only || options.burst_only || options.pages_only;
        anyhow::ensure!(
            !(options.scale.is_some() && only),
            "--scale runs page loads only; it does not combine with --mail-only, --burst-only or --pages-only"
        );
        anyhow::ensure!(
            options.scale.is_some() || !options.reseed,
            "--reseed needs --scale"
        );
        // Scale runs load 13 URLs per size: 5 s each by default.
        options.seconds = seconds.unwrap_or(if options.scale.is_some() { 5 } else { 10 });
        Ok(options)
    }
}

const SIZE: seed::Size = seed::Size {
    users: 1000,
    posts_per_user: 50,
    follows_per_user: 20,
};
pub(crate) const SECRET: &str = "benchmark secret key, long enough for the checks";

pub fn run(options: &Options) -> anyhow::Result<()> {
    if let Some(sizes) = &options.scale {
        return scale::run(&scale::ScaleOptions {
            sizes: sizes.clone(),
            postgres: options.postgres,
            seconds: options.seconds,
            reseed: options.reseed,
        });
    }
    let root = crate::workspace_root();
    crate::build_release(&root)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(bench(&root, options))
}

async fn bench(root: &Path, options: &Options) -> anyhow::Result<()> {
    let release = root.join("target").join("release");
    if options.mail_only {
        let env = server_env("", 0);
        let t =
            mail::throughput(&release.join("microblog"), options.postgres, &env, 10_000).await?;
        println!(
            "{} mails in {:.2} s = {:.0} mails/s (first after {:.0} ms)",
            t.mails,
            t.seconds,
            t.per_second(),
            t.first_mail_ms
        );
        return Ok(());
    }
    let database = if options.postgres {
        TestDatabase::postgres()
            .await
            .context("--database postgres needs TEST_DATABASE_URL")?
    } else {
        TestDatabase::sqlite().await
    };
    let db = database.connect().await;
    if options.burst_only {
        return burst::only(root, &database, &db, options.postgres).await;
    }
    println!(
        "seeding {} users, {} posts, {} follows...",
        SIZE.users,
        SIZE.users * SIZE.posts_per_user,
        SIZE.users * SIZE.follows_per_user
    );
    let seeding = std::time::Instant::now();
    seed::seed(&db, SIZE).await?;
    println!("seeded in {:.1} s", seeding.elapsed().as_secs_f64());

    let load = wrk::Load {
        threads: 2,
        connections: 32,
        seconds: options.seconds,
    };
    let hello = Process::start(&release.join("hello"), &["127.0.0.1:0"], &[]).await?;
    println!("driving the hello ceiling...");
    let ceiling = wrk::run(load, &format!("http://{}/", hello.address), &[])?;
    drop(hello);

    let sink = SmtpSink::start().await?;
    let env = server_env(database.url(), sink.port());
    let server = Process::start(
        &release.join("microblog"),
        &["serve", "--bind", "127.0.0.1:0"],
        &env,
    )
    .await?;
    let base = format!("http://{}", server.address);
    let cookie = session::login(&base, &seed::username(0), seed::PASSWORD).await?;
    let auth = [format!("Cookie: {cookie}")];
    let mut pages = Vec::new();
    for (name, path, headers) in [
        ("GET /login", "/login".to_owned(), &[][..]),
        ("GET /index", "/index".to_owned(), &auth[..]),
        ("GET /explore", "/explore".to_owned(), &auth[..]),
        (
            "GET /user/<name>",
            format!("/user/{}", seed::username(1)),
            &auth[..],
        ),
    ] {
        println!("driving {name}...");
        pages.push((name, wrk::run(load, &format!("{base}{path}"), headers)?));
    }

    if options.pages_only {
        println!("\n{}", report::pages_table(&ceiling, &pages));
        return Ok(());
    }

    println!("paced reset requests...");
    let resets = mail::paced_resets(&server, &sink, SIZE.users).await?;
    let peak_rss_kib = server.peak_rss_kib()?;
    drop(server);

    println!("hashing bursts...");
    let bursts = burst::run(&release.join("microblog"), database.url(), SIZE.users).await?;

    println!("mail throughput...");
    let throughput =
        mail::throughput(&release.join("microblog"), options.postgres, &env, 10_000).await?;
    sink.shutdown().await;

    let report = report::Report {
        backend: if options.postgres {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        load,
        ceiling,
        pages,
        resets,
        throughput,
        peak_rss_kib,
        size: SIZE,
    };
    let markdown = report.markdown();
    println!("\n{markdown}");
    let path = root.join("BENCHMARKS.md");
    report::write(&path, &markdown, options.postgres)?;
    burst::write(&path, &bursts, options.postgres)?;
    println!("wrote {}", path.display());
    anyhow::ensure!(
        bursts.passed(),
        "the hashing burst failed a check (see above)"
    );
    Ok(())
}

pub(crate) fn server_env(database_url: &str, smtp_port: u16) -> Vec<(String, String)> {
    [
        ("DATABASE_URL", database_url.to_owned()),
        ("SECRET_KEY", SECRET.to_owned()),
        ("MAIL_SERVER", "127.0.0.1".to_owned()),
        ("MAIL_PORT", smtp_port.to_string()),
        ("RATE_LIMIT_PER_MINUTE", "100000".to_owned()),
        ("MAIL_TIMEOUT", "10".to_owned()),
        ("RESET_REQUEST_THROTTLE", "1".to_owned()),
        // One JSON line per request, with the server-side latency the reset runs report.
        ("LOG_FORMAT", "json".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> anyhow::Result<Options> {
        let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        Options::parse(&args)
    }

    #[test]
    fn scale_runs_take_sizes_a_backend_and_five_seconds_by_default() {
        let options = parse("--scale S,M --database postgres --reseed").unwrap();
        let sizes = options.scale.unwrap();
        assert_eq!(sizes, vec![scale::ScaleSize::S, scale::ScaleSize::M]);
        assert!(options.postgres && options.reseed);
        assert_eq!(options.seconds, 5);
        assert_eq!(parse("--scale L --seconds 20").unwrap().seconds, 20);
        assert_eq!(parse("").unwrap().seconds, 10);
    }

    #[test]
    fn scale_options_refuse_what_does_not_combine() {
        assert!(parse("--reseed").is_err());
        assert!(parse("--scale S --pages-only").is_err());
        assert!(parse("--scale XL").is_err());
        assert!(parse("--scale").is_err());
        assert!(parse("--pages-only").unwrap().pages_only);
    }
}
