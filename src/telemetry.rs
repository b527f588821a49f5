//! Logging: human-readable by default, JSON with `LOG_FORMAT=json`; filter from `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. SQL statement logging is quiet unless asked for.
pub fn init(json: bool) {
    install(json, false);
}

/// [`init`], logging to standard error: for commands whose standard output is their answer.
pub fn init_to_stderr(json: bool) {
    install(json, true);
}

fn install(json: bool, to_stderr: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let writer = move || -> Box<dyn std::io::Write> {
        if to_stderr {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        }
    };
    if json {
        // The same lines as tracing-subscriber's `.json()` (flattened event, current span),
        // for less than half the instructions per request (callgrind, `xtask/profile`):
        // tracing-subscriber keeps a span's fields as JSON text and parses them again for
        // every event.
        json_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer)
            .init();
        return;
    }
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi && !to_stderr)
        .with_writer(writer)
        .init();
}
