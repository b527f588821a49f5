//! `Outbox`: the durable mail queue. Requests for mail are stored in the request that makes
//! them; the dispatcher renders and sends them in the background.

use crate::mail_request::MailRequest;
use async_trait::async_trait;
use std::time::Duration;
use time::OffsetDateTime;

/// An outbox entry's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutboxId(pub i64);

/// One dispatcher's hold on one entry: the fencing token for every write about it.
///
/// `generation` is the entry's attempt count at the claim. Every claim increments it in the
/// same atomic statement, so a dispatcher whose lease ran out and was claimed again holds a
/// stale generation, and its late `mark_sent`, `reschedule`, `mark_dead` or `renew` changes
/// nothing (compare-and-set on `id` and `generation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    pub id: OutboxId,
    pub generation: u32,
}

/// An entry leased to one dispatcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: OutboxId,
    pub request: MailRequest,
    /// Delivery attempts so far, counting the one this lease is for.
    pub attempts: u32,
    /// When the request was enqueued (to the microsecond the store keeps, at least to the
    /// second): requests too old to honour are not sent.
    pub queued_at: OffsetDateTime,
}

impl OutboxEntry {
    /// The lease this claim holds.
    pub fn lease(&self) -> Lease {
        Lease {
            id: self.id,
            generation: self.attempts,
        }
    }
}

/// Whether a write fenced by a [`Lease`] took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseState {
    /// The caller still held the lease; the write was made.
    Held,
    /// The lease had been taken over (or the entry finished) meanwhile; nothing changed.
    Lost,
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

/// A durable queue of mail requests ([`MailRequest`]: never a token, never a rendered body).
/// Entries move `queued → sending → sent`, back to `queued` on a transient failure, to
/// `dropped` when the request no longer applies, or to `dead`. Unsent entries are never
/// deleted; finished ones (`sent`, `dropped`) are purged after the retention period.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Stores `request` as due at `now` (its `queued_at`). When this returns `Ok` the request
    /// survives a crash. One insert, whatever the request: its cost says nothing about it.
    ///
    /// # Errors
    /// [`OutboxError`] when it could not be stored durably; the caller must then assume
    /// nothing was queued.
    async fn enqueue(
        &self,
        request: &MailRequest,
        now: OffsetDateTime,
    ) -> Result<OutboxId, OutboxError>;

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

    /// Extends a lease still held to `until`, so a slow delivery keeps its entry. Every
    /// write below is fenced the same way: it takes effect only while the entry is `sending`
    /// under this very lease (same id and generation), as one compare-and-set.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn renew(&self, lease: Lease, until: OffsetDateTime) -> Result<LeaseState, OutboxError>;

    /// Marks a leased entry delivered at `now`; it is never claimed again.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn mark_sent(&self, lease: Lease, now: OffsetDateTime)
    -> Result<LeaseState, OutboxError>;

    /// Returns a leased entry to the queue, due again at `next_attempt_at`, recording `error`.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails (the lease then expires and the entry is
    /// claimed again anyway).
    async fn reschedule(
        &self,
        lease: Lease,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<LeaseState, OutboxError>;

    /// Gives up on a leased entry, recording `error`. It stays stored as `dead` for
    /// operators and is never claimed again.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn mark_dead(&self, lease: Lease, error: &str) -> Result<LeaseState, OutboxError>;

    /// Finishes a leased entry without sending it, because the request no longer applies
    /// (unknown address, throttled, account deleted or its address changed), recording
    /// `reason` and `now` as its finishing time. Like `sent`, `dropped` is final.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn mark_dropped(
        &self,
        lease: Lease,
        now: OffsetDateTime,
        reason: &str,
    ) -> Result<LeaseState, OutboxError>;

    /// Deletes every `sent` or `dropped` entry finished before `before`; returns how many.
    /// Queued, leased and dead entries are never deleted.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; then nothing, or only some, were deleted.
    async fn purge_finished(&self, before: OffsetDateTime) -> Result<u64, OutboxError>;
}
