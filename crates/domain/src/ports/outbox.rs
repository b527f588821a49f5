//! `Outbox`: the durable mail queue. Mail is enqueued in the request, sent in the background.

use crate::email::Email;
use async_trait::async_trait;
use std::time::Duration;
use time::OffsetDateTime;

/// An outbox entry's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutboxId(pub i64);

/// An entry leased to one dispatcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: OutboxId,
    pub email: Email,
    /// Delivery attempts so far, counting the one this lease is for.
    pub attempts: u32,
}

/// The queue's storage failed.
#[derive(Debug, thiserror::Error)]
#[error("mail outbox storage failed")]
pub struct OutboxError(#[source] pub super::BoxError);

impl OutboxError {
    /// Wraps any infrastructure error.
    pub fn new(error: impl Into<super::BoxError>) -> Self {
        Self(error.into())
    }
}

/// A durable queue of composed emails. Entries move `queued → sending → sent`, back to
/// `queued` on a transient failure, or to `dead`; they are never deleted unsent.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Stores `email` as due at `now`. When this returns `Ok` the email survives a crash.
    ///
    /// # Errors
    /// [`OutboxError`] when it could not be stored durably; the caller must then assume
    /// nothing was queued.
    async fn enqueue(&self, email: &Email, now: OffsetDateTime) -> Result<OutboxId, OutboxError>;

    /// Leases up to `limit` entries that are due at `now` (queued with `next_attempt_at <=
    /// now`, or `sending` with a lease that ran out before `now`), oldest first: marks them
    /// `sending` until `now + lease` and counts one more attempt. Concurrent callers, in this
    /// process or another, MUST never receive the same entry while its lease holds. Dead and
    /// sent entries are never returned.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; then nothing was leased.
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxEntry>, OutboxError>;

    /// Marks a leased entry delivered at `now`; it is never claimed again.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn mark_sent(&self, id: OutboxId, now: OffsetDateTime) -> Result<(), OutboxError>;

    /// Returns a leased entry to the queue, due again at `next_attempt_at`, recording `error`.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails (the lease then expires and the entry is
    /// claimed again anyway).
    async fn reschedule(
        &self,
        id: OutboxId,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<(), OutboxError>;

    /// Gives up on an entry, recording `error`. It stays stored as `dead` for operators and
    /// is never claimed again.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn mark_dead(&self, id: OutboxId, error: &str) -> Result<(), OutboxError>;
}
