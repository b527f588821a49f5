//! `OutboxAdmin`: what an operator does to the mail queue (`microblog outbox ...`), and
//! `DeadLetters`: the once-an-hour report of newly dead mail to the administrators.

use super::outbox::{OutboxError, OutboxId};
use crate::mail_request::MailRequest;
use async_trait::async_trait;
use std::fmt;
use std::time::Duration;
use time::OffsetDateTime;

/// The state of an outbox entry, as stored and as operators name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxState {
    /// Waiting for its next attempt.
    Queued,
    /// Leased to a dispatcher.
    Sending,
    /// Delivered (final).
    Sent,
    /// Given up on; kept for operators (only a retry revives it).
    Dead,
    /// Finished unsent because the request no longer applied (final).
    Dropped,
}

impl OutboxState {
    /// Every state, in the order operators read them.
    pub const ALL: [Self; 5] = [
        Self::Queued,
        Self::Sending,
        Self::Sent,
        Self::Dead,
        Self::Dropped,
    ];

    /// The stored name (`queued`, `sending`, `sent`, `dead`, `dropped`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Dead => "dead",
            Self::Dropped => "dropped",
        }
    }

    /// The state named `name` exactly.
    ///
    /// # Errors
    /// [`UnknownOutboxState`] for any other text.
    pub fn parse(name: &str) -> Result<Self, UnknownOutboxState> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == name)
            .ok_or_else(|| UnknownOutboxState(name.chars().take(40).collect()))
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an outbox state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown outbox state {0:?}: expected one of queued, sending, sent, dead, dropped")]
pub struct UnknownOutboxState(pub String);

/// The queue at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub dead: u64,
    pub dropped: u64,
    /// When the longest-waiting `queued` entry was enqueued.
    pub oldest_queued_at: Option<OffsetDateTime>,
    /// The earliest `next_attempt_at` of the `queued` entries.
    pub next_attempt_at: Option<OffsetDateTime>,
}

impl OutboxSummary {
    /// How many entries are in `state`.
    pub fn count(&self, state: OutboxState) -> u64 {
        match state {
            OutboxState::Queued => self.queued,
            OutboxState::Sending => self.sending,
            OutboxState::Sent => self.sent,
            OutboxState::Dead => self.dead,
            OutboxState::Dropped => self.dropped,
        }
    }
}

/// One entry as an operator sees it: never its payload, so never a body or a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: OutboxId,
    /// The email kind's stored name (`reset_password`, ...).
    pub kind: String,
    pub recipients: Vec<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// When a `queued` entry is due; `None` in every other state.
    pub next_attempt_at: Option<OffsetDateTime>,
    pub queued_at: OffsetDateTime,
}

/// What [`OutboxAdmin::retry`] did to one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryOutcome {
    /// It was `dead` or `queued`, and is now `queued` and due.
    Requeued,
    /// Its state cannot be retried (`sending`, `sent`, `dropped`); nothing changed.
    NotRetryable(OutboxState),
    /// No entry has this id.
    NotFound,
}

/// An operator's view of, and hands on, the outbox.
#[async_trait]
pub trait OutboxAdmin: Send + Sync {
    /// Counts by state, the oldest queued entry's enqueue time and the next attempt time.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn summary(&self) -> Result<OutboxSummary, OutboxError>;

    /// Up to `limit` entries in `state`, oldest (lowest id) first.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn list(&self, state: OutboxState, limit: u32) -> Result<Vec<OutboxRow>, OutboxError>;

    /// Makes a `dead` or `queued` entry `queued` and due at `now`, as one conditional
    /// update. The attempt count is KEPT: it is the fencing token of every lease
    /// ([`super::Lease`]), so a dispatcher whose lease on an earlier attempt ran out can
    /// never write about the retried one. The last error is kept until the next attempt.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; then nothing changed.
    async fn retry(&self, id: OutboxId, now: OffsetDateTime) -> Result<RetryOutcome, OutboxError>;

    /// [`OutboxAdmin::retry`] for every `dead` entry; returns how many were requeued.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; then nothing changed.
    async fn retry_all_dead(&self, now: OffsetDateTime) -> Result<u64, OutboxError>;

    /// Deletes every `sent` entry delivered before `before`; returns how many.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn purge_sent(&self, before: OffsetDateTime) -> Result<u64, OutboxError>;

    /// Deletes every `dead` entry; returns how many.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails.
    async fn purge_dead(&self) -> Result<u64, OutboxError>;
}

/// A dead entry in a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadMail {
    pub id: OutboxId,
    pub kind: String,
    pub recipients: Vec<String>,
    pub last_error: Option<String>,
}

/// What one digest reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestQueued {
    /// The digest's own outbox entry.
    pub id: OutboxId,
    /// How many dead entries it reports.
    pub reported: u64,
}

/// Builds the digest request from the dead entries it reports (oldest first).
pub type DigestBuilder<'a> = &'a (dyn Fn(&[DeadMail]) -> MailRequest + Send + Sync);

/// Dead mail not yet reported to the administrators.
#[async_trait]
pub trait DeadLetters: Send + Sync {
    /// In ONE transaction: if the last digest was queued at or before `now - quiet` (or
    /// never), takes every `dead` entry not yet reported (digests themselves excepted),
    /// marks them reported, records `now` as the last digest time, and enqueues
    /// `build(entries)` due at `now`. With nothing to report, or a digest within `quiet`,
    /// nothing changes and it returns `None`. Any number of processes may call it at once:
    /// one digest per `quiet` at most, and no dead entry is ever reported twice.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; then nothing changed.
    async fn queue_digest(
        &self,
        now: OffsetDateTime,
        quiet: Duration,
        build: DigestBuilder<'_>,
    ) -> Result<Option<DigestQueued>, OutboxError>;
}
