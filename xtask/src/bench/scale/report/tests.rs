//! Rendering the scale sections from made-up measurements.

use super::*;
use crate::bench::scale::load::PageRun;
use crate::bench::scale::pages::probes;

fn result(p50_ms: f64) -> LoadResult {
    LoadResult {
        requests_per_second: 1000.0 / p50_ms,
        p50_ms,
        p99_ms: p50_ms * 2.0,
        requests: 100,
        errors: 0,
    }
}

/// A report of `size` whose `/index` first page takes `index_ms`, every deep `/explore`
/// page three times its first page, everything else 1 ms; peak RSS `rss_mib`.
fn report(size: ScaleSize, index_ms: f64, rss_mib: u64) -> SizeReport {
    let runs = probes(size.world())
        .into_iter()
        .map(|probe| {
            let p50 = match (probe.page, probe.depth.label()) {
                ("/index", "first") => index_ms,
                ("/explore", "deep") => 3.0,
                _ => 1.0,
            };
            PageRun {
                probe,
                result: result(p50),
                peak_rss_kib: rss_mib * 1024,
            }
        })
        .collect();
    SizeReport {
        size,
        backend: "SQLite",
        seed_seconds: 12.5,
        seeded_now: true,
        location: "target/bench-scale/S.db".to_owned(),
        load: Load {
            threads: 2,
            connections: 16,
            seconds: 5,
        },
        ceiling: result(0.1),
        runs,
    }
}

#[test]
fn a_size_section_lists_every_probe_with_its_ratio_to_the_first_page() {
    let markdown = report(ScaleSize::S, 1.0, 40).markdown("cargo xtask bench --scale S");
    assert!(markdown.contains("### Scale S on SQLite"));
    assert!(markdown.contains("1,000 users, 50,000 posts"));
    assert!(markdown.contains("seeded by this run in **12.5 s**"));
    let deep_explore = markdown
        .lines()
        .find(|line| line.starts_with("| /explore deep |"))
        .unwrap();
    assert!(
        deep_explore.contains("| 3.00 | **missed** |"),
        "{deep_explore}"
    );
    let cursor_index = markdown
        .lines()
        .find(|line| line.starts_with("| /index cursor |"))
        .unwrap();
    assert!(cursor_index.contains("| 1.00 | met |"), "{cursor_index}");
    let beyond_index = markdown
        .lines()
        .find(|line| line.starts_with("| /index beyond |"))
        .unwrap();
    assert!(
        beyond_index.contains("| all 404 (by design) |"),
        "{beyond_index}"
    );
    assert!(markdown.contains("Overall peak RSS over these runs: **40.0 MiB**."));
}

#[test]
fn the_growth_table_compares_each_size_to_the_smallest_and_judges_the_targets() {
    let reports = [
        report(ScaleSize::S, 2.0, 40),
        report(ScaleSize::M, 2.5, 60),
        report(ScaleSize::L, 4.0, 120),
    ];
    let markdown = growth_markdown(&reports, false, "cargo xtask bench --scale S,M,L");
    assert!(markdown.contains("| page | S p50 | M p50 | M × S | L p50 | L × S |"));
    assert!(markdown.contains("| /index first | 2.00 | 2.50 | 1.25 | 4.00 | 2.00 |"));
    assert!(markdown.contains("`/index` p50 at L ≤ 1.5× S: 2.00× — **missed**"));
    assert!(markdown.contains("peak RSS < 100 MiB at L: 120.0 MiB — **missed**"));
    assert!(markdown.contains("at M: worst `/explore?page=401` at 3.00× — **missed**"));
    let on_postgres = growth_markdown(&reports[..2], true, "cargo xtask bench");
    assert!(on_postgres.contains("`/index` p50 at M ≤ 2× S: 1.25× — met"));
    assert!(!on_postgres.contains("peak RSS"));
}

#[test]
fn rerunning_replaces_the_sections_it_wrote() {
    let dir = std::env::temp_dir().join(format!("scale-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("BENCHMARKS.md");
    std::fs::write(&path, "# Benchmarks\n\nkept\n").unwrap();
    let reports = [report(ScaleSize::S, 2.0, 40), report(ScaleSize::M, 3.0, 50)];
    write(&path, "sqlite", &reports, false, "x").unwrap();
    write(&path, "sqlite", &reports[..1], false, "x").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(text.starts_with("# Benchmarks\n\nkept\n"));
    assert_eq!(
        text.matches("<!-- bench:scale:sqlite:S:start -->").count(),
        1
    );
    assert_eq!(text.matches("<!-- bench:scale:before:start -->").count(), 1);
    assert_eq!(text.matches("### Scale growth on SQLite").count(), 1);
    assert!(text.contains("<!-- bench:scale:sqlite:M:end -->"));
}
