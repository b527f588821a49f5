//! Running the release binary's maintenance commands (`migrate`, `rebuild-timelines`) on a
//! scale database.

use std::path::Path;
use std::process::Command;

/// Runs `microblog args...` on `database_url` and fails unless it exits 0. It runs in the
/// binary's directory, so no `.env` of the workspace changes its settings.
pub fn microblog(program: &Path, args: &[&str], database_url: &str) -> anyhow::Result<()> {
    let mut command = Command::new(program);
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SECRET_KEY", crate::bench::SECRET)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1");
    if let Some(dir) = program.parent() {
        command.current_dir(dir);
    }
    let status = command.status()?;
    anyhow::ensure!(
        status.success(),
        "`microblog {}` failed ({status})",
        args.join(" ")
    );
    Ok(())
}
