//! How the walk launches Chromium: headless, hermetic (no name but the loopback resolves),
//! with its own profile, and its console kept for chromedriver's log endpoint.

use anyhow::bail;
use fantoccini::wd::Capabilities;
use serde_json::{Value, json};
use std::path::Path;

/// The WebDriver capabilities asking chromedriver for Chromium at `chromium`, with its
/// profile in `profile`.
///
/// # Errors
/// Not in practice: the capabilities are written as a JSON object.
pub fn capabilities(chromium: &Path, profile: &Path) -> anyhow::Result<Capabilities> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,900",
        // Hermetic: no name but the loopback resolves, so nothing leaves the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ];
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium, "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let Value::Object(capabilities) = capabilities else {
        bail!("capabilities are a JSON object");
    };
    Ok(Capabilities::from_iter(capabilities))
}
