//! `cargo xtask ci`: the same checks as `.ci/run`.

use std::process::Command;

/// Runs `.ci/run` from the workspace root, so the two can never drift apart.
pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let status = Command::new("bash")
        .arg(root.join(".ci").join("run"))
        .current_dir(&root)
        .status()?;
    anyhow::ensure!(status.success(), ".ci/run failed ({status})");
    Ok(())
}
