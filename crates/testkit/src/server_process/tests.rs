//! `ServerProcess`: readiness read from the output, early exits and silence reported, the
//! process gone once killed.

use super::output::readiness;
use super::*;

#[test]
fn the_address_is_read_from_text_and_json_log_lines() {
    let text =
        "2026-01-01T00:00:00Z  INFO Microblog is running on http://127.0.0.1:40123 address=…";
    assert_eq!(
        readiness(&Ready::Address, text).as_deref(),
        Some("127.0.0.1:40123")
    );
    let json = r#"{"level":"INFO","message":"Microblog is running on http://127.0.0.1:40123","address":"x"}"#;
    assert_eq!(
        readiness(&Ready::Address, json).as_deref(),
        Some("127.0.0.1:40123")
    );
    assert_eq!(readiness(&Ready::Address, "migrations applied"), None);
    let line = Ready::Line("started successfully".into());
    assert_eq!(
        readiness(&line, "ChromeDriver was started successfully.").as_deref(),
        Some("")
    );
    assert_eq!(readiness(&Ready::Started, text), None);
}

#[cfg(unix)]
fn shell(script: &str) -> ServerProcessBuilder {
    ServerProcess::builder("sh").args(["-c", script])
}

#[cfg(unix)]
#[tokio::test]
async fn a_printed_address_makes_it_ready_and_the_output_is_kept() {
    let mut process =
        shell("echo starting >&2; echo 'running on http://127.0.0.1:9 now'; sleep 30")
            .start()
            .await
            .unwrap();
    assert_eq!(process.address(), Some("127.0.0.1:9"));
    assert!(process.is_running());
    assert!(process.logs().contains("running on http://127.0.0.1:9"));
    process.kill();
    assert!(!process.is_running(), "killed and reaped");
}

#[cfg(unix)]
#[tokio::test]
async fn a_line_on_stderr_makes_it_ready_and_the_environment_is_passed() {
    let process = shell("echo \"$GREETING\" >&2; sleep 30")
        .env("GREETING", "started successfully")
        .ready(Ready::Line("started successfully".into()))
        .start()
        .await
        .unwrap();
    assert_eq!(process.address(), None);
}

#[cfg(unix)]
#[tokio::test]
async fn an_early_exit_is_reported_with_what_it_printed() {
    let error = shell("echo 'no database' >&2; exit 3")
        .start()
        .await
        .err()
        .expect("it never becomes ready");
    assert!(
        matches!(error, StartError::Exited { .. }),
        "{error}: {}",
        error.logs()
    );
    assert!(error.logs().contains("no database"), "{}", error.logs());
}

#[cfg(unix)]
#[tokio::test]
async fn a_missing_program_cannot_be_spawned() {
    let error = ServerProcess::builder("/nonexistent/microblog")
        .start()
        .await
        .err()
        .expect("no such program");
    assert!(matches!(error, StartError::Spawn { .. }), "{error}");
}
