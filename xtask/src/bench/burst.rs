//! The hashing burst of `cargo xtask bench` (alone: `--burst-only`): against the release
//! server with production Argon2id and the default `HASH_CONCURRENCY`/`HASH_QUEUE`, 150
//! wrong-password logins and then 80 new-password submits, each set released at once by a
//! barrier. Reports what each did to peak memory (VmHWM after minus VmRSS before), the status
//! histogram (only 200/302/303 and 503 are allowed), and whether the next ordinary login works.

mod clients;

use super::process::Process;
use super::seed;
use microblog_crypto::HashLimits;
use microblog_store::Database;
use microblog_store::testing::TestDatabase;
use microblog_testkit::smtp_sink::SmtpSink;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// Simultaneous wrong-password logins.
pub const LOGINS: usize = 150;
/// Simultaneous submits of the new-password form, each for its own user and reset link.
pub const RESETS: usize = 80;
/// Seeded users the step needs: the login guesses, the reset users, one untouched user.
pub const USERS: usize = LOGINS + RESETS + 1;
/// The target: each burst grows peak RSS by less than this.
pub const GROWTH_LIMIT_MIB: f64 = 300.0;

/// What one burst did.
#[derive(Clone, Debug)]
pub struct BurstResult {
    pub clients: usize,
    /// HTTP status → how many answers had it.
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that got no HTTP answer at all.
    pub transport_errors: usize,
    pub rss_before_kib: u64,
    pub peak_kib: u64,
    pub rss_after_kib: u64,
    /// From the barrier's release to the last answer.
    pub all_answered_ms: f64,
    /// The ordinary login made right after: its latency, or what went wrong.
    pub next_login: Result<f64, String>,
}

impl BurstResult {
    pub fn growth_mib(&self) -> f64 {
        self.peak_kib.saturating_sub(self.rss_before_kib) as f64 / 1024.0
    }

    pub fn busy(&self) -> usize {
        self.statuses.get(&503).copied().unwrap_or(0)
    }

    /// Answers that are neither a page, a redirect nor 503, plus requests with no answer.
    pub fn unexpected(&self) -> usize {
        let other: usize = self
            .statuses
            .iter()
            .filter(|(status, _)| !matches!(status, 200 | 302 | 303 | 503))
            .map(|(_, n)| n)
            .sum();
        other + self.transport_errors
    }

    /// Every check of the issue: allowed statuses only, bounded growth, a working next login.
    pub fn passed(&self) -> bool {
        self.unexpected() == 0 && self.growth_mib() < GROWTH_LIMIT_MIB && self.next_login.is_ok()
    }

    /// `302 × 10 · 503 × 140`.
    pub fn histogram(&self) -> String {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, n)| format!("{status} × {n}"))
            .collect();
        if self.transport_errors > 0 {
            parts.push(format!("no answer × {}", self.transport_errors));
        }
        parts.join(" · ")
    }
}

/// Both bursts and the hashing limits they ran against.
pub struct Burst {
    pub limits: HashLimits,
    pub logins: BurstResult,
    pub resets: BurstResult,
}

impl Burst {
    pub fn passed(&self) -> bool {
        self.logins.passed() && self.resets.passed()
    }
}

/// Runs both bursts on `database_url`, which holds at least [`USERS`] seeded users (the
/// last [`RESETS`] + 1 of them get new passwords, except the very last). Each burst gets a
/// fresh server process, so its memory figures are its own.
pub async fn run(program: &Path, database_url: &str, users: usize) -> anyhow::Result<Burst> {
    anyhow::ensure!(users >= USERS, "the burst needs {USERS} seeded users");
    let sink = SmtpSink::start().await?;
    let env = super::server_env(database_url, sink.port());
    let serve = ["serve", "--bind", "127.0.0.1:0"];
    let untouched = seed::username(users - 1);

    println!("  {LOGINS} simultaneous wrong-password logins...");
    let server = Process::start(program, &serve, &env).await?;
    let guesses = clients::wrong_logins(&server, LOGINS).await?;
    let logins = measure(&server, guesses, &untouched).await?;
    drop(server);

    println!("  {RESETS} simultaneous new-password submits...");
    let server = Process::start(program, &serve, &env).await?;
    let reset_users = users - 1 - RESETS..users - 1;
    let submits = clients::new_password_submits(&server, &sink, reset_users).await?;
    let resets = measure(&server, submits, &untouched).await?;
    drop(server);
    sink.shutdown().await;

    Ok(Burst {
        limits: HashLimits::for_this_machine(),
        logins,
        resets,
    })
}

/// `cargo xtask bench --burst-only`: seeds just the users the burst needs in `database` and
/// runs it; fails (after writing the figures) when a check fails.
pub async fn only(
    root: &Path,
    database: &TestDatabase,
    db: &Database,
    postgres: bool,
) -> anyhow::Result<()> {
    let size = seed::Size {
        users: USERS,
        posts_per_user: 0,
        follows_per_user: 0,
    };
    println!("seeding {USERS} users...");
    seed::seed(db, size).await?;
    let program = root.join("target").join("release").join("microblog");
    let burst = run(&program, database.url(), USERS).await?;
    let path = root.join("BENCHMARKS.md");
    write(&path, &burst, postgres)?;
    println!("wrote {}", path.display());
    anyhow::ensure!(
        burst.passed(),
        "the hashing burst failed a check (see above)"
    );
    Ok(())
}

/// Prints the burst's section and puts it in BENCHMARKS.md (its own, per backend).
pub fn write(path: &Path, burst: &Burst, postgres: bool) -> anyhow::Result<()> {
    let (backend, tag) = if postgres {
        ("PostgreSQL", "burst:postgres")
    } else {
        ("SQLite", "burst:sqlite")
    };
    let markdown = markdown(burst, backend, &super::report::machine());
    println!("\n{markdown}");
    super::report::write_section(path, tag, &markdown)
}

/// Fires the prepared requests at once and reads the server's memory around them.
async fn measure(
    server: &Process,
    requests: Vec<reqwest::RequestBuilder>,
    untouched: &str,
) -> anyhow::Result<BurstResult> {
    let clients = requests.len();
    let rss_before_kib = status_kib(server.pid(), "VmRSS:")?;
    let fired = clients::fire(requests).await;
    let peak_kib = server.peak_rss_kib()?;
    let rss_after_kib = status_kib(server.pid(), "VmRSS:")?;
    let base = format!("http://{}", server.address);
    let started = Instant::now();
    let next_login = super::session::login(&base, untouched, seed::PASSWORD)
        .await
        .map(|_| started.elapsed().as_secs_f64() * 1000.0)
        .map_err(|error| format!("{error:#}"));
    let result = BurstResult {
        clients,
        statuses: fired.statuses,
        transport_errors: fired.transport_errors,
        rss_before_kib,
        peak_kib,
        rss_after_kib,
        all_answered_ms: fired.took.as_secs_f64() * 1000.0,
        next_login,
    };
    println!(
        "  {}; peak RSS grew {:.1} MiB",
        result.histogram(),
        result.growth_mib()
    );
    Ok(result)
}

/// A `kB` field of `/proc/<pid>/status` (`VmRSS:`, `VmHWM:`), in KiB.
pub(crate) fn status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/{pid}/status"))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The report's section for the bursts.
pub fn markdown(burst: &Burst, backend: &str, machine: &str) -> String {
    let mut out = String::new();
    let HashLimits { workers, queue } = burst.limits;
    let _ = writeln!(out, "### Hashing burst — {backend} — {machine}\n");
    let _ = writeln!(
        out,
        "Reproduce: `cargo xtask bench --burst-only` (it also runs inside `cargo xtask bench`). \
         The release server with production Argon2id (19 MiB, t=2, p=1) and the defaults \
         `HASH_CONCURRENCY` = {workers} and `HASH_QUEUE` = {queue} on this machine (only the per-IP \
         rate limit is raised: every client is 127.0.0.1). Every client \
         first got its own session and CSRF token (for the reset burst: asked for a reset link \
         for its own seeded user, took it from the SMTP sink and followed it to the \
         new-password form), then a barrier released them all at once. A fresh server process \
         per burst; growth is VmHWM after the burst minus VmRSS before it \
         (`/proc/<pid>/status`). Allowed answers: 200, 302, 303 and 503.\n"
    );
    let _ = writeln!(
        out,
        "| burst | clients | statuses | 503 | other | RSS before MiB | peak MiB | growth MiB | RSS after MiB | all answered ms | next login | growth < 300 MiB |"
    );
    let _ = writeln!(
        out,
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
    );
    for (name, r) in [
        ("wrong-password logins (`POST /login`)", &burst.logins),
        (
            "new-password submits (`POST /reset_password`)",
            &burst.resets,
        ),
    ] {
        let next = match &r.next_login {
            Ok(ms) => format!("→ `/index` in {ms:.0} ms"),
            Err(error) => format!("**failed**: {error}"),
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {:.1} | {:.1} | **{:.1}** | {:.1} | {:.0} | {next} | {} |",
            r.clients,
            r.histogram(),
            r.busy(),
            r.unexpected(),
            mib(r.rss_before_kib),
            mib(r.peak_kib),
            r.growth_mib(),
            mib(r.rss_after_kib),
            r.all_answered_ms,
            if r.growth_mib() < GROWTH_LIMIT_MIB {
                "met"
            } else {
                "**missed**"
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(statuses: &[(u16, usize)]) -> BurstResult {
        BurstResult {
            clients: statuses.iter().map(|(_, n)| n).sum(),
            statuses: statuses.iter().copied().collect(),
            transport_errors: 0,
            rss_before_kib: 40 * 1024,
            peak_kib: 100 * 1024,
            rss_after_kib: 60 * 1024,
            all_answered_ms: 500.0,
            next_login: Ok(12.0),
        }
    }

    #[test]
    fn redirects_pages_and_503_pass_and_any_other_status_fails() {
        let ok = result(&[(302, 10), (503, 140)]);
        assert!(ok.passed());
        assert_eq!(ok.busy(), 140);
        assert_eq!(ok.histogram(), "302 × 10 · 503 × 140");
        assert!((ok.growth_mib() - 60.0).abs() < 1e-9);
        assert!(!result(&[(302, 10), (500, 1)]).passed());
        assert!(!result(&[(302, 10), (429, 1)]).passed());
        let mut lost = result(&[(302, 10)]);
        lost.transport_errors = 1;
        assert!(!lost.passed());
    }

    #[test]
    fn too_much_growth_or_a_failed_next_login_fails() {
        let mut big = result(&[(302, 1)]);
        big.peak_kib = big.rss_before_kib + 300 * 1024;
        assert!(!big.passed());
        let mut stuck = result(&[(302, 1)]);
        stuck.next_login = Err("503".into());
        assert!(!stuck.passed());
    }
}
