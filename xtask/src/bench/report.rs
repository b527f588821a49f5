//! The benchmark report: a Markdown section of BENCHMARKS.md per database backend.

use super::mail::{ResetRuns, Throughput};
use super::paced::PacedResult;
use super::seed::Size;
use super::wrk::{Load, LoadResult};
use std::fmt::Write as _;
use std::path::Path;

pub struct Report {
    pub backend: &'static str,
    pub load: Load,
    pub ceiling: LoadResult,
    pub pages: Vec<(&'static str, LoadResult)>,
    pub resets: ResetRuns,
    pub throughput: Throughput,
    pub peak_rss_kib: u64,
    pub size: Size,
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let Load {
            threads,
            connections,
            seconds,
        } = self.load;
        let _ = writeln!(out, "### {} — {}\n", self.backend, machine());
        let _ = writeln!(
            out,
            "Seed: {} users, {} posts, each user following {}. Load: `wrk -t{threads} -c{connections} -d{seconds}s --latency`, \
             server and load generator on the same 2 cores, run side by side in one `cargo xtask bench`.\n",
            self.size.users,
            self.size.users * self.size.posts_per_user,
            self.size.follows_per_user
        );
        let _ = writeln!(
            out,
            "| request | req/s | share of hello ceiling | p50 ms | p99 ms | errors | target |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---|");
        let row = |out: &mut String, name: &str, r: &LoadResult, target: &str| {
            let share = 100.0 * r.requests_per_second / self.ceiling.requests_per_second;
            let _ = writeln!(
                out,
                "| {name} | {:.0} | {share:.0} % | {:.2} | {:.2} | {} | {target} |",
                r.requests_per_second, r.p50_ms, r.p99_ms, r.errors
            );
        };
        row(&mut out, "hello ceiling (axum, `GET /`)", &self.ceiling, "");
        for (name, result) in &self.pages {
            let share = result.requests_per_second / self.ceiling.requests_per_second;
            let target = match *name {
                "GET /login" => format!("≥ 50 %: {}", verdict(share >= 0.5)),
                "GET /index" | "GET /explore" => format!("≥ 25 %: {}", verdict(share >= 0.25)),
                _ => String::new(),
            };
            row(&mut out, name, result, &target);
        }
        let _ = writeln!(
            out,
            "\nPOST `/reset_password_request`, paced (not as fast as possible); p50/p99/max as the \
             client saw them, and the server's own p99/max from its JSON request log (client and \
             SMTP sink share one process and the 2 cores with the server):\n"
        );
        let _ = writeln!(
            out,
            "| addresses | SMTP | rate/s | sent | p50 ms | p99 ms | max ms | server p99 ms | server max ms | errors | p99 < 10 ms |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        let runs: [(&str, &str, &PacedResult); 4] = [
            ("known", "normal", &self.resets.known),
            ("unknown", "normal", &self.resets.unknown),
            ("known", "1 s per reply", &self.resets.known_slow_smtp),
            ("unknown", "1 s per reply", &self.resets.unknown_slow_smtp),
        ];
        for (who, smtp, r) in runs {
            let _ = writeln!(
                out,
                "| {who} | {smtp} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |",
                r.rate,
                r.sent,
                r.p50_ms,
                r.p99_ms,
                r.max_ms,
                r.server_p99_ms,
                r.server_max_ms,
                r.errors,
                verdict(r.p99_ms < 10.0)
            );
        }
        let t = &self.throughput;
        let _ = writeln!(
            out,
            "\nMail throughput: {} emails from the outbox to the SMTP sink in {:.2} s = **{:.0} mails/s** \
             (first mail after {:.0} ms, process start included); target ≥ 1,000: {}.\n",
            t.mails,
            t.seconds,
            t.per_second(),
            t.first_mail_ms,
            verdict(t.per_second() >= 1000.0)
        );
        let mib = self.peak_rss_kib as f64 / 1024.0;
        let _ = writeln!(
            out,
            "Peak RSS of the server after all page and reset runs: **{mib:.1} MiB**; target < 100 MiB: {}.",
            verdict(mib < 100.0)
        );
        out
    }
}

/// The page rows alone, each as a share of the ceiling measured in the same run: what
/// `--pages-only` prints to compare the per-request cost of a change side by side.
pub fn pages_table(ceiling: &LoadResult, pages: &[(&'static str, LoadResult)]) -> String {
    let mut out = String::from(
        "| request | req/s | share of hello ceiling | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for (name, r) in std::iter::once(&("hello ceiling", ceiling.clone())).chain(pages) {
        let _ = writeln!(
            out,
            "| {name} | {:.0} | {:.1} % | {:.2} | {:.2} | {} |",
            r.requests_per_second,
            100.0 * r.requests_per_second / ceiling.requests_per_second,
            r.p50_ms,
            r.p99_ms,
            r.errors
        );
    }
    out
}

pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores, {cpu}")
}

/// Replaces this backend's section of BENCHMARKS.md (between markers), keeping the rest.
pub fn write(path: &Path, section: &str, postgres: bool) -> anyhow::Result<()> {
    let tag = if postgres { "postgres" } else { "sqlite" };
    write_section(path, tag, section)
}

/// Replaces the section tagged `tag` (`<!-- bench:TAG:start -->` … `end`), or appends it.
pub(crate) fn write_section(path: &Path, tag: &str, section: &str) -> anyhow::Result<()> {
    let (start, end) = (
        format!("<!-- bench:{tag}:start -->"),
        format!("<!-- bench:{tag}:end -->"),
    );
    let block = format!("{start}\n{section}\n{end}");
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| {
        "# Benchmarks\n\nReproduce with `cargo xtask bench` (SQLite) and `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo xtask bench --database postgres`.\n\n".to_owned()
    });
    let updated = match (existing.find(&start), existing.find(&end)) {
        (Some(s), Some(e)) if s < e => {
            format!("{}{block}{}", &existing[..s], &existing[e + end.len()..])
        }
        _ => format!("{}\n{block}\n", existing.trim_end()),
    };
    std::fs::write(path, updated)?;
    Ok(())
}
