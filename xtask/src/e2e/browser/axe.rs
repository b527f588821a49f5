//! The accessibility audit of the page the browser shows: axe-core injected through
//! WebDriver (script execution is not bound by the page's CSP, so the site's policy stays
//! as strict as it is) and run with the WCAG 2.1 A and AA rules.

use super::Browser;
use anyhow::{Context as _, bail};
use serde::Deserialize;
use serde_json::json;

/// The rule sets audited: WCAG 2.0 and 2.1, levels A and AA.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Runs `axe.run` on the document and hands back its violations, trimmed to what a report
/// needs (axe's own objects carry the whole DOM snippet of every node).
const RUN: &str = r"
const [tags, done] = arguments;
axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then(results => done({ violations: results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
  })) }))
  .catch(error => done({ error: String(error) }));
";

/// One rule the page breaks, and where.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    /// The CSS selector of each offending element.
    pub targets: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("unknown impact");
        write!(
            f,
            "{} ({impact}): {} — {}",
            self.id, self.help, self.help_url
        )?;
        for target in &self.targets {
            write!(f, "\n      at {target}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Outcome {
    violations: Option<Vec<Violation>>,
    error: Option<String>,
}

impl Browser {
    /// Audits the page shown now with axe-core (`source`: the text of `axe.min.js`).
    ///
    /// # Errors
    /// axe could not be injected or did not run; violations are the `Ok` answer.
    pub async fn audit(&self, source: &str) -> anyhow::Result<Vec<Violation>> {
        // Inject once per document: `axe` survives until the next navigation.
        let present = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .context("could not ask the page whether axe-core is loaded")?;
        if present != json!(true) {
            self.client
                .execute(&format!("{source}\n;return true;"), vec![])
                .await
                .context("could not inject axe-core into the page")?;
        }
        let answer = self
            .client
            .execute_async(RUN, vec![json!(TAGS)])
            .await
            .context("axe-core did not finish")?;
        let outcome: Outcome =
            serde_json::from_value(answer).context("axe-core answered something unexpected")?;
        if let Some(error) = outcome.error {
            bail!("axe-core failed: {error}");
        }
        outcome
            .violations
            .context("axe-core answered without a list of violations")
    }
}
