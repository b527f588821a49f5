//! Steps of a walk: each runs its actions, then saves `NN-name.png` (also when it failed,
//! as `NN-name-FAILED.png`), fails on any console error, naming the step, and audits the
//! page it ends on with axe-core (WCAG 2.1 A/AA), keeping each violation for the report.

use super::browser::Browser;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A finished step.
pub struct Step {
    pub label: String,
    pub screenshot: PathBuf,
    pub took: Duration,
}

/// The walk so far.
pub struct Walk<'b> {
    browser: &'b Browser,
    out_dir: PathBuf,
    /// The text of `axe.min.js`, injected into the page at the end of every step.
    axe: &'b str,
    pub steps: Vec<Step>,
    /// Console entries left aside: third-party resources that cannot load offline.
    pub offline: Vec<String>,
    /// axe-core's violations, one entry per step whose page had any.
    pub inaccessible: Vec<String>,
}

impl<'b> Walk<'b> {
    pub fn new(browser: &'b Browser, out_dir: &Path, axe: &'b str) -> Self {
        Self {
            browser,
            out_dir: out_dir.to_owned(),
            axe,
            steps: Vec::new(),
            offline: Vec::new(),
            inaccessible: Vec::new(),
        }
    }

    /// Runs the next steps in `browser` (another browser of the same person, as on a
    /// second device), numbering on.
    pub fn switch_to(&mut self, browser: &'b Browser) {
        self.browser = browser;
    }

    /// Runs one step.
    ///
    /// # Errors
    /// The actions failed (an element, text or page did not show up in time), the screenshot
    /// could not be saved, the console logged an error during the step, or axe-core could
    /// not audit the page. Violations it finds are kept in `inaccessible`.
    pub async fn step(
        &mut self,
        name: &str,
        actions: impl AsyncFnOnce(&Browser) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let label = format!("{:02}-{name}", self.steps.len() + 1);
        println!("e2e: {label}");
        let start = Instant::now();
        let outcome = actions(self.browser).await;
        let took = start.elapsed();
        let file = if outcome.is_ok() {
            format!("{label}.png")
        } else {
            format!("{label}-FAILED.png")
        };
        let screenshot = self.out_dir.join(file);
        let saved = self.browser.screenshot(&screenshot).await;
        let console = self.browser.console().await;
        outcome.with_context(|| {
            format!("step {label} failed (screenshot: {})", screenshot.display())
        })?;
        saved.with_context(|| format!("step {label}"))?;
        let console = console.with_context(|| format!("step {label}"))?;
        if !console.errors.is_empty() {
            bail!(
                "step {label}: the browser console reported errors:\n  {}",
                console.errors.join("\n  ")
            );
        }
        let violations = self
            .browser
            .audit(self.axe)
            .await
            .with_context(|| format!("step {label}: the accessibility audit"))?;
        if !violations.is_empty() {
            let at = self.browser.path().await.unwrap_or_default();
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            // The walk goes on (a violation does not stop a person), so one run reports
            // every page's; the walk fails at its end.
            self.inaccessible.push(format!(
                "step {label} ({at}): {} violations\n  {}",
                violations.len(),
                list.join("\n  ")
            ));
        }
        self.offline.extend(console.offline);
        self.steps.push(Step {
            label,
            screenshot,
            took,
        });
        Ok(())
    }
}
