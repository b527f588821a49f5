//! [`purge_sessions`]: the periodic deletion of expired login sessions, beside the mail work.

use microblog_domain::services::Sessions;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Deletes expired login sessions every `interval` (the first time at once) until
/// `shutdown` is cancelled; a purge under way when it is finishes first. Expired sessions
/// open nothing even before they are purged (every read checks the expiry): the purge only
/// keeps the table small. A failed purge is logged and tried again next time.
pub async fn purge_sessions(sessions: Sessions, interval: Duration, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match sessions.purge_expired().await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired sessions purged"),
            Err(error) => {
                let cause = std::error::Error::source(&error).map(ToString::to_string);
                tracing::error!(%error, cause, "purging expired sessions failed");
            }
        }
    }
}
