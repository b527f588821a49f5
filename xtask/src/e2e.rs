//! `cargo xtask e2e`: the release binary, the development mailbox (SMTP sink and web inbox)
//! and headless Chromium walking the password-reset flow as a person would, the emailed link
//! followed from the web inbox — then signing in from a second browser and ending that
//! session from `/sessions` — with a screenshot of every step in `target/e2e/`.
//!
//! Needs Chromium and chromedriver (Debian: `apt-get install chromium chromium-driver`;
//! `CHROMIUM` and `CHROMEDRIVER` override their paths). Fails, naming the step, when an
//! element, text or page does not show up within ten seconds, or when the browser console
//! reports an error (CSP violations included). Every step ends with an accessibility audit
//! of its page by axe-core (WCAG 2.1 A and AA rules; `axe.rs` installs the pinned version
//! with npm); the walk goes on, and fails at its end if any page had a violation, listing
//! each by step, rule, impact, element and help link. The server and chromedriver are always stopped at the end.

mod axe;
mod browser;
mod flow;
mod pages;
mod process;
mod walk;

use crate::mailbox::DevMailbox;
use anyhow::Context as _;
use browser::Browser;
use microblog_testkit::server_process::{Ready, ServerProcess};
use microblog_testkit::smtp_sink::SmtpSink;
use process::Spawned;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where everything the walk produces goes, and the audit's script.
struct Paths {
    out: PathBuf,
    /// The text of `axe.min.js`.
    axe: String,
    server: PathBuf,
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Builds the release binary and walks the flow.
///
/// # Errors
/// A missing browser, a failed build, a process that does not start, or a failed step.
pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let paths = Paths {
        out: root.join("target").join("e2e"),
        axe: axe::load(&root)?,
        server: root.join("target").join("release").join("microblog"),
        chromium: process::locate("chromium", "CHROMIUM")?,
        chromedriver: process::locate("chromedriver", "CHROMEDRIVER")?,
    };
    fresh_output_dir(&paths.out)?;
    crate::build_release(&root)?;
    let start = Instant::now();
    let runtime = tokio::runtime::Runtime::new().context("could not start tokio")?;
    let (steps, offline) = runtime.block_on(session(&paths))?;
    println!();
    println!(
        "e2e: all {} steps passed in {:.1} s, each page with 0 axe-core violations (WCAG 2.1 A/AA)",
        steps.len(),
        start.elapsed().as_secs_f64()
    );
    for step in &steps {
        println!(
            "  {:<34} {:>5.1} s  {}",
            step.label,
            step.took.as_secs_f64(),
            step.screenshot.display()
        );
    }
    if !offline.is_empty() {
        println!(
            "e2e: left aside {} console entries about third-party resources the hermetic browser cannot reach:",
            offline.len()
        );
        for entry in &offline {
            println!("  {entry}");
        }
    }
    Ok(())
}

/// Starts the sink, the server and chromedriver, walks, and stops them all again.
async fn session(paths: &Paths) -> anyhow::Result<(Vec<walk::Step>, Vec<String>)> {
    let mailbox = DevMailbox::start(SmtpSink::builder(), 0)
        .await
        .context("could not start the development mailbox")?;
    let server_port = process::free_port()?;
    let base_url = format!("http://127.0.0.1:{server_port}");
    let server = start_server(paths, &base_url, server_port, mailbox.sink.port()).await?;
    let driver_port = process::free_port()?;
    let chromedriver = ServerProcess::builder(&paths.chromedriver)
        .arg(format!("--port={driver_port}"))
        .ready(Ready::Line("started successfully".to_owned()))
        .own_process_group();
    let driver = process::start(
        "chromedriver",
        chromedriver,
        &paths.out.join("chromedriver.log"),
    )
    .await?;
    process::wait_for_port(driver_port)?;
    let outcome = drive(paths, &mailbox, &base_url, driver_port).await;
    stop(driver, server);
    mailbox.shutdown().await;
    outcome
}

async fn drive(
    paths: &Paths,
    mailbox: &DevMailbox,
    base_url: &str,
    driver_port: u16,
) -> anyhow::Result<(Vec<walk::Step>, Vec<String>)> {
    let webdriver = format!("http://127.0.0.1:{driver_port}");
    let browser = Browser::connect(
        &webdriver,
        &paths.chromium,
        &paths.out.join("chromium-profile"),
        base_url,
    )
    .await?;
    // A second device of the same person: its own profile, so its own cookies.
    let second = match Browser::connect(
        &webdriver,
        &paths.chromium,
        &paths.out.join("chromium-profile-2"),
        base_url,
    )
    .await
    {
        Ok(second) => second,
        Err(error) => {
            browser.close().await;
            return Err(error);
        }
    };
    let mut walk = walk::Walk::new(&browser, &paths.out, &paths.axe);
    let browsers = flow::Browsers {
        first: &browser,
        second: &second,
    };
    let walked = flow::walk(
        &mut walk,
        browsers,
        mailbox,
        base_url,
        &flow::Person::susan(),
    )
    .await;
    let (steps, offline, inaccessible) = (walk.steps, walk.offline, walk.inaccessible);
    browser.close().await;
    second.close().await;
    walked?;
    if !inaccessible.is_empty() {
        anyhow::bail!(
            "axe-core found accessibility violations (WCAG 2.1 A/AA) on {} of {} pages:\n{}",
            inaccessible.len(),
            steps.len(),
            inaccessible.join("\n")
        );
    }
    Ok((steps, offline))
}

async fn start_server(
    paths: &Paths,
    base_url: &str,
    port: u16,
    smtp_port: u16,
) -> anyhow::Result<Spawned> {
    let database = paths.out.join("microblog.db");
    let server = ServerProcess::builder(&paths.server)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", database.display()),
        )
        .env("SECRET_KEY", "e2e secret key that is certainly long enough")
        .env("MAIL_SERVER", "127.0.0.1")
        .env("MAIL_PORT", smtp_port.to_string())
        .env("MAIL_DEFAULT_SENDER", "no-reply@microblog.example")
        .env("BASE_URL", base_url)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .ready(Ready::Address);
    process::start("microblog", server, &paths.out.join("server.log")).await
}

fn stop(driver: Spawned, server: Spawned) {
    driver.stop();
    server.stop();
}

/// Empties `target/e2e/` of a previous run's screenshots, database and browser profile.
fn fresh_output_dir(out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("could not create {}", out.display()))?;
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() && name.starts_with("chromium-profile") {
            std::fs::remove_dir_all(&path)?;
        } else if name.ends_with(".png")
            || name.ends_with(".log")
            || name.starts_with("microblog.db")
        {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
