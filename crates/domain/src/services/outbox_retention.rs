//! `OutboxRetention`: deletes finished outbox entries (`sent`, `dropped`) once they are older
//! than `OUTBOX_RETENTION`, so the outbox does not grow forever. Unsent and dead entries stay.

use crate::ports::{Clock, Outbox, OutboxError};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Purges finished outbox entries on a schedule.
#[derive(Clone)]
pub struct OutboxRetention {
    outbox: Arc<dyn Outbox>,
    clock: Arc<dyn Clock>,
    keep: Duration,
    every: Duration,
}

impl OutboxRetention {
    /// Keeps finished entries for `keep`, looking every `every`.
    pub fn new(
        outbox: Arc<dyn Outbox>,
        clock: Arc<dyn Clock>,
        keep: Duration,
        every: Duration,
    ) -> Self {
        Self {
            outbox,
            clock,
            keep,
            every,
        }
    }

    /// Deletes the entries that finished more than `keep` ago; returns how many.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    pub async fn purge_once(&self) -> Result<u64, OutboxError> {
        let purged = self
            .outbox
            .purge_finished(self.clock.now() - self.keep)
            .await?;
        if purged > 0 {
            tracing::info!(purged, "finished outbox entries purged");
        }
        Ok(purged)
    }

    /// Purges now and then every `every` until `shutdown`. A failed purge is logged and
    /// tried again at the next turn.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.purge_once().await {
                tracing::warn!(%error, "could not purge finished outbox entries; will try again");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(self.every) => {}
            }
        }
    }
}
