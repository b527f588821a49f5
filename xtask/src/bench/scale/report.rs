//! The `--scale` report: a BENCHMARKS.md section per backend and size (seed, seeding time,
//! load, one row per probe), a growth table when several sizes ran side by side, and the
//! issue's "before" table, each between markers of its own.

use super::load::PageRun;
use super::size::ScaleSize;
use crate::bench::report::{machine, write_section};
use crate::bench::wrk::{Load, LoadResult};
use std::fmt::Write as _;
use std::path::Path;

/// What one size measured on one backend.
pub struct SizeReport {
    pub size: ScaleSize,
    pub backend: &'static str,
    /// How long the seed took, and whether this run made it (else an earlier one did).
    pub seed_seconds: f64,
    pub seeded_now: bool,
    pub location: String,
    pub load: Load,
    pub ceiling: LoadResult,
    pub runs: Vec<PageRun>,
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl SizeReport {
    /// The p50 of `page` at `depth` (a [`super::pages::Depth::label`]).
    pub fn p50(&self, page: &str, depth: &str) -> Option<f64> {
        self.runs
            .iter()
            .find(|run| run.probe.page == page && run.probe.depth.label() == depth)
            .map(|run| run.result.p50_ms)
    }

    /// The highest peak RSS of any probe's run.
    pub fn peak_rss_kib(&self) -> u64 {
        self.runs
            .iter()
            .map(|run| run.peak_rss_kib)
            .max()
            .unwrap_or(0)
    }

    pub fn markdown(&self, command: &str) -> String {
        let world = self.size.world();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### Scale {} on {} — {}\n",
            self.size.name(),
            self.backend,
            machine()
        );
        let seeding = if self.seeded_now {
            format!("seeded by this run in **{:.1} s**", self.seed_seconds)
        } else {
            format!(
                "reused from the cache, where an earlier run seeded it in {:.1} s",
                self.seed_seconds
            )
        };
        let Load {
            threads,
            connections,
            seconds,
        } = self.load;
        let _ = writeln!(
            out,
            "Seed: {} users, {} posts ({} each, interleaved in time), each user following the next {}, \
             home feeds of the newest 800 entries, one Argon2id hash shared by every user; {seeding} \
             (`{}`). Load: `wrk -t{threads} -c{connections} -d{seconds}s --latency` per URL, logged in \
             as user0000, server and wrk on the same 2 cores, all sizes side by side in one `{command}`; \
             the hello ceiling was measured once at its start. Peak RSS is the server's VmHWM during \
             that row's run (reset before it). \"× first\" is the row's p50 over its page's first page. \
             `?page=100000` lies past `PageRequest::MAX_OFFSET`, which the product answers 404 without \
             a query (issue 16: \"an empty page or 404\").\n",
            thousands(world.users),
            thousands(world.total_posts()),
            world.posts_per_user,
            world.follows_per_user,
            self.location,
        );
        let _ = writeln!(
            out,
            "| page | URL | req/s | p50 ms | p99 ms | errors | peak RSS MiB | × first | ≤ 2× first |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|");
        let c = &self.ceiling;
        let _ = writeln!(
            out,
            "| hello ceiling | `/` (axum) | {:.0} | {:.2} | {:.2} | {} | | | |",
            c.requests_per_second, c.p50_ms, c.p99_ms, c.errors
        );
        for run in &self.runs {
            let r = &run.result;
            let (ratio, target) = match (run.probe.depth.label(), self.p50(run.probe.page, "first"))
            {
                ("first", _) | (_, None) => (String::new(), String::new()),
                (_, Some(first)) => {
                    let ratio = r.p50_ms / first;
                    (format!("{ratio:.2}"), verdict(ratio <= 2.0).to_owned())
                }
            };
            // wrk counts every non-2xx answer as an error, the designed 404s included.
            let errors = if run.probe.status == 200 {
                r.errors.to_string()
            } else {
                format!("all {} (by design)", run.probe.status)
            };
            let _ = writeln!(
                out,
                "| {} {} | `{}` | {:.0} | {:.2} | {:.2} | {errors} | {:.1} | {ratio} | {target} |",
                run.probe.page,
                run.probe.depth.label(),
                run.probe.path,
                r.requests_per_second,
                r.p50_ms,
                r.p99_ms,
                mib(run.peak_rss_kib),
            );
        }
        let peak = mib(self.peak_rss_kib());
        let _ = write!(out, "\nOverall peak RSS over these runs: **{peak:.1} MiB**");
        if self.size == ScaleSize::L {
            let _ = write!(out, "; target < 100 MiB at L: {}", verdict(peak < 100.0));
        }
        out.push_str(".\n");
        out
    }
}

/// p50 per probe and size with each larger size's ratio to the smallest, and the issue's
/// growth targets; `reports` in size order, all from one run on one backend.
pub fn growth_markdown(reports: &[SizeReport], postgres: bool, command: &str) -> String {
    let Some(base) = reports.first() else {
        return String::new();
    };
    let mut out = String::new();
    let names: Vec<&str> = reports.iter().map(|r| r.size.name()).collect();
    let _ = writeln!(
        out,
        "### Scale growth on {} — {}\n\np50 in ms per page and size, measured side by side in one `{command}`; \
         \"× {}\" is the ratio to the {} p50.\n",
        base.backend,
        names.join(", "),
        base.size.name(),
        base.size.name()
    );
    let mut header = String::from("| page |");
    let mut rule = String::from("|---|");
    for (i, report) in reports.iter().enumerate() {
        let _ = write!(header, " {} p50 |", report.size.name());
        rule.push_str("---:|");
        if i > 0 {
            let _ = write!(header, " {} × {} |", report.size.name(), base.size.name());
            rule.push_str("---:|");
        }
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for run in &base.runs {
        let (page, depth) = (run.probe.page, run.probe.depth.label());
        let _ = write!(out, "| {page} {depth} |");
        for (i, report) in reports.iter().enumerate() {
            match report.p50(page, depth) {
                Some(p50) => {
                    let _ = write!(out, " {p50:.2} |");
                    if i > 0 {
                        let _ = write!(out, " {:.2} |", p50 / run.result.p50_ms);
                    }
                }
                None => out.push_str(if i > 0 { " | |" } else { " |" }),
            }
        }
        out.push('\n');
    }
    out.push_str("\nTargets of issue 16:\n\n");
    let (larger, limit) = if postgres {
        (ScaleSize::M, 2.0)
    } else {
        (ScaleSize::L, 1.5)
    };
    let index = |size: ScaleSize| {
        reports
            .iter()
            .find(|r| r.size == size)
            .and_then(|r| r.p50("/index", "first"))
    };
    let _ = match (index(ScaleSize::S), index(larger)) {
        (Some(s), Some(big)) => writeln!(
            out,
            "- `/index` p50 at {} ≤ {limit}× S: {:.2}× — {}",
            larger.name(),
            big / s,
            verdict(big / s <= limit)
        ),
        _ => writeln!(
            out,
            "- `/index` p50 at {} ≤ {limit}× S: not measured (needs S and {} in one run)",
            larger.name(),
            larger.name()
        ),
    };
    for report in reports {
        let worst = report
            .runs
            .iter()
            .filter(|run| run.probe.depth.label() != "first")
            .filter_map(|run| {
                report
                    .p50(run.probe.page, "first")
                    .map(|first| (run.result.p50_ms / first, &run.probe.path))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((ratio, path)) = worst {
            let _ = writeln!(
                out,
                "- deep, beyond and cursor pages ≤ 2× their first page at {}: worst `{path}` at {ratio:.2}× — {}",
                report.size.name(),
                verdict(ratio <= 2.0)
            );
        }
    }
    if let Some(l) = reports.iter().find(|r| r.size == ScaleSize::L) {
        let peak = mib(l.peak_rss_kib());
        let _ = writeln!(
            out,
            "- peak RSS < 100 MiB at L: {peak:.1} MiB — {}",
            verdict(peak < 100.0)
        );
    }
    out
}

/// Issue 16's measurements before fan-out feeds and keyset pages (its own words and numbers).
pub const BEFORE: &str = "## Scale (issue 16): `cargo xtask bench --scale`

`cargo xtask bench --scale S,M,L` (SQLite) and `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
cargo xtask bench --scale S,M --database postgres` rewrite the sections below: one per backend and size, \
and a growth table per backend when several sizes ran in one invocation. CI runs none of them.

### Scale before issue 16 (as measured when it was filed)

Release builds, seeded databases, `wrk -c16`; S = 1 k users / 50 k posts / 20 follows each, M = 10 k / 1 M / 200, L = 100 k / 5 M / 1,000:

| page | S p50 | M p50 | L p50 |
|---|---:|---:|---:|
| `/index` (home timeline) | 3.8 ms | 8.0 ms | **48 ms** (12.8× S) |
| `/explore`, `/user/<name>` | 3–4 ms | 4–5 ms | 4 ms |
| `/index?page=100000` | | | **539 ms** |

`/index` on PostgreSQL was 51 ms at M. Peak RSS at L was 117–136 MiB.
";

/// Writes each size's section, the growth section when several sizes ran, and the before
/// table, replacing earlier versions of the same sections.
pub fn write(
    path: &Path,
    tag: &str,
    reports: &[SizeReport],
    postgres: bool,
    command: &str,
) -> anyhow::Result<()> {
    write_section(path, "scale:before", BEFORE)?;
    if reports.len() > 1 {
        let growth = growth_markdown(reports, postgres, command);
        write_section(path, &format!("scale:{tag}:growth"), &growth)?;
    }
    for report in reports {
        let section = report.markdown(command);
        write_section(
            path,
            &format!("scale:{tag}:{}", report.size.name()),
            &section,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
