//! `OutboxOperations`: the operator's use cases on the mail queue (`microblog outbox`):
//! status, listing, retrying and purging, with "now" from the clock.

use crate::ports::{
    Clock, OutboxAdmin, OutboxError, OutboxId, OutboxRow, OutboxState, OutboxSummary, RetryOutcome,
};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The queue as `outbox status` shows it: counts, and times relative to now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxStatus {
    pub summary: OutboxSummary,
    /// How long the oldest queued mail has waited, in whole seconds.
    pub oldest_queued_seconds: Option<u64>,
    pub now: OffsetDateTime,
}

/// Status, listing, retry and purge of the outbox.
#[derive(Clone)]
pub struct OutboxOperations {
    admin: Arc<dyn OutboxAdmin>,
    clock: Arc<dyn Clock>,
}

impl OutboxOperations {
    pub fn new(admin: Arc<dyn OutboxAdmin>, clock: Arc<dyn Clock>) -> Self {
        Self { admin, clock }
    }

    /// Counts by state, the oldest queued mail's age and the next attempt time.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    pub async fn status(&self) -> Result<OutboxStatus, OutboxError> {
        let summary = self.admin.summary().await?;
        let now = self.clock.now();
        let oldest_queued_seconds = summary
            .oldest_queued_at
            .map(|at| u64::try_from((now - at).whole_seconds()).unwrap_or(0));
        Ok(OutboxStatus {
            summary,
            oldest_queued_seconds,
            now,
        })
    }

    /// Up to `limit` entries in `state`, oldest first.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    pub async fn list(
        &self,
        state: OutboxState,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, OutboxError> {
        self.admin.list(state, limit).await
    }

    /// Requeues each of `ids` now, in order; says what happened to each (an id that is
    /// not `dead` or `queued` is left alone).
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; the ids before it were requeued.
    pub async fn retry(
        &self,
        ids: &[OutboxId],
    ) -> Result<Vec<(OutboxId, RetryOutcome)>, OutboxError> {
        let now = self.clock.now();
        let mut outcomes = Vec::with_capacity(ids.len());
        for &id in ids {
            outcomes.push((id, self.admin.retry(id, now).await?));
        }
        Ok(outcomes)
    }

    /// Requeues every dead entry now; returns how many.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    pub async fn retry_all_dead(&self) -> Result<u64, OutboxError> {
        self.admin.retry_all_dead(self.clock.now()).await
    }

    /// Deletes the sent entries delivered more than `age` ago; returns how many.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    pub async fn purge_sent_older_than(&self, age: Duration) -> Result<u64, OutboxError> {
        let cutoff = self
            .clock
            .now()
            .checked_sub(time::Duration::try_from(age).unwrap_or(time::Duration::MAX))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        self.admin.purge_sent(cutoff).await
    }

    /// Deletes every dead entry; returns how many.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    pub async fn purge_dead(&self) -> Result<u64, OutboxError> {
        self.admin.purge_dead().await
    }
}
