//! `cargo xtask preview-emails`: every kind of email rendered from `templates/email/` (read
//! from disk, so an edit shows on the next run) with sample values, written to
//! `target/email-previews/index.html` with each email's HTML and text side by side, plus
//! one `<kind>.html` / `<kind>.txt` per email.

use anyhow::Context;
use microblog_mail::{MinijinjaComposer, preview_emails, preview_page};
use std::path::Path;

/// The base URL sample links point at.
const PREVIEW_BASE_URL: &str = "http://127.0.0.1:5000";

/// Renders the previews under `root/target/email-previews/` and prints where.
pub fn run(root: &Path) -> anyhow::Result<()> {
    let composer = MinijinjaComposer::from_dir(&root.join("templates/email"), PREVIEW_BASE_URL)
        .context("the email templates do not load")?;
    let emails = preview_emails(&composer).context("an email does not render")?;
    let out_dir = root.join("target/email-previews");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    for email in &emails {
        let kind = email.kind.as_str();
        std::fs::write(out_dir.join(format!("{kind}.html")), &email.html_body)?;
        std::fs::write(out_dir.join(format!("{kind}.txt")), &email.text_body)?;
    }
    let index = out_dir.join("index.html");
    std::fs::write(&index, preview_page(&emails))
        .with_context(|| format!("writing {}", index.display()))?;
    println!("{} emails previewed: {}", emails.len(), index.display());
    Ok(())
}
