//! axe-core for the walk's accessibility audit: the version pinned by `xtask/axe/package.json`
//! and its lock file, installed with `npm ci` into `target/axe/` the first time (and again
//! whenever the lock file changes), so `cargo xtask e2e` needs nothing but Node.js and npm.

use anyhow::{Context as _, bail};
use std::path::Path;
use std::process::Command;

const MANIFESTS: [&str; 2] = ["package.json", "package-lock.json"];

/// The text of `axe.min.js`, installed first if `target/axe/` does not hold the locked
/// version.
///
/// # Errors
/// npm is missing or `npm ci` fails (no registry, a lock file that does not match), or the
/// installed file cannot be read.
pub fn load(root: &Path) -> anyhow::Result<String> {
    let pinned = root.join("xtask").join("axe");
    let installed = root.join("target").join("axe");
    let script = installed
        .join("node_modules")
        .join("axe-core")
        .join("axe.min.js");
    let lock = |dir: &Path| std::fs::read(dir.join("package-lock.json")).ok();
    let current = lock(&pinned).is_some() && lock(&pinned) == lock(&installed);
    if !(current && script.is_file()) {
        install(&pinned, &installed)?;
    }
    std::fs::read_to_string(&script).with_context(|| format!("could not read {}", script.display()))
}

fn install(pinned: &Path, installed: &Path) -> anyhow::Result<()> {
    println!(
        "e2e: installing axe-core into {} (npm ci)...",
        installed.display()
    );
    std::fs::create_dir_all(installed)
        .with_context(|| format!("could not create {}", installed.display()))?;
    for file in MANIFESTS {
        std::fs::copy(pinned.join(file), installed.join(file)).with_context(|| {
            format!("could not copy xtask/axe/{file} to {}", installed.display())
        })?;
    }
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix"])
        .arg(installed)
        .status()
        .context("could not run npm: the accessibility audit needs Node.js and npm (Debian: apt-get install nodejs npm)")?;
    if !status.success() {
        // Leave no lock copy behind, so the next run tries again.
        let _ = std::fs::remove_file(installed.join("package-lock.json"));
        bail!("npm ci for axe-core failed ({status})");
    }
    Ok(())
}
