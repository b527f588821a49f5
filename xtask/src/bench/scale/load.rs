//! Loading each probe with `wrk` on the running server, after checking that it answers 200
//! with the posts it should list, and the server's peak RSS during each run (the
//! high-water mark is reset before it).

use super::pages::Probe;
use crate::bench::process::Process;
use crate::bench::wrk::{self, Load, LoadResult};
use anyhow::Context as _;

/// One probe's load run.
#[derive(Clone, Debug)]
pub struct PageRun {
    pub probe: Probe,
    pub result: LoadResult,
    pub peak_rss_kib: u64,
}

/// Fails unless every probe answers its status (200, or the 404 of a page deeper than the
/// product serves) and a 200 lists exactly the posts it should, so no table is built on
/// error pages.
pub async fn check(base: &str, cookie: &str, probes: &[Probe]) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    for probe in probes {
        let mut request = client.get(format!("{base}{}", probe.path));
        if probe.logged_in {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let answer = request.send().await?;
        let status = answer.status();
        anyhow::ensure!(
            status.as_u16() == probe.status,
            "GET {} answered {status}, not {}",
            probe.path,
            probe.status
        );
        if let Some(expected) = probe.posts.filter(|_| probe.status == 200) {
            let shown = posts_listed(&answer.text().await?);
            anyhow::ensure!(
                shown == expected,
                "GET {} lists {shown} posts where the seeded world has {expected}",
                probe.path
            );
        }
    }
    Ok(())
}

/// Drives every probe in turn; each row carries the server's peak RSS during its run.
pub fn drive(
    server: &Process,
    base: &str,
    cookie: &str,
    probes: &[Probe],
    load: Load,
) -> anyhow::Result<Vec<PageRun>> {
    let auth = [format!("Cookie: {cookie}")];
    let mut runs = Vec::with_capacity(probes.len());
    for probe in probes {
        println!("  driving {}...", probe.path);
        reset_peak_rss(server.pid())?;
        let headers = if probe.logged_in { &auth[..] } else { &[] };
        let result = wrk::run(load, &format!("{base}{}", probe.path), headers)?;
        runs.push(PageRun {
            probe: probe.clone(),
            result,
            peak_rss_kib: server.peak_rss_kib()?,
        });
    }
    Ok(runs)
}

/// Resets VmHWM to the current RSS (`clear_refs` value 5), so the next reading is the peak
/// of what follows.
fn reset_peak_rss(pid: u32) -> anyhow::Result<()> {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
        .context("cannot reset the peak RSS through /proc/<pid>/clear_refs")
}

/// How many posts a timeline page lists (`_posts.html` renders each as an `article.post`).
fn posts_listed(html: &str) -> usize {
    html.matches(r#"<article class="post""#).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_counted_by_their_article_elements() {
        let page = r#"<main><article class="post"><p>a</p></article><article class="post">b</article><p class="post">c</p></main>"#;
        assert_eq!(posts_listed(page), 2);
        assert_eq!(posts_listed("<main>No posts.</main>"), 0);
    }
}
