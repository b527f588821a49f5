//! `InMemoryOutbox`: the `Outbox` port in memory, with leases, retries and final states.

mod admin;

use super::{later, lock, next_id};
use async_trait::async_trait;
use microblog_domain::MailRequest;
use microblog_domain::ports::{Lease, LeaseState, Outbox, OutboxEntry, OutboxError, OutboxId};
use std::sync::Mutex;
use std::time::Duration;
use time::OffsetDateTime;

/// The mail queue in memory. Entries move `queued → sending → sent`, back to `queued` by
/// [`Outbox::reschedule`], or to `dropped` or `dead`; those three are final, as in the real
/// store (and purging removes finished `sent` and `dropped` entries, leaving a gap in ids):
/// a late `reschedule` from a dispatcher whose lease ran out never revives them.
#[derive(Debug, Default)]
pub struct InMemoryOutbox {
    entries: Mutex<Vec<Option<Entry>>>,
    /// When the last dead-mail digest was queued (`DeadLetters`).
    last_digest: Mutex<Option<OffsetDateTime>>,
}

/// One queued request; its id is its position plus one (a purged entry leaves `None`).
#[derive(Debug)]
struct Entry {
    request: MailRequest,
    queued_at: OffsetDateTime,
    status: Status,
    /// When it is (or was last) due; claims go oldest first by this, then by id.
    next_attempt_at: OffsetDateTime,
    attempts: u32,
    last_error: Option<String>,
    /// A dead entry already listed in a digest.
    reported: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Queued,
    /// Leased to a dispatcher until this instant.
    Sending(OffsetDateTime),
    /// Sent, or dropped unsent, at this instant.
    Sent(OffsetDateTime),
    Dropped(OffsetDateTime),
    Dead,
}

impl Entry {
    /// Waiting and due, or leased to a dispatcher whose lease ran out before `now`.
    fn is_due(&self, now: OffsetDateTime) -> bool {
        match self.status {
            Status::Queued => self.next_attempt_at <= now,
            Status::Sending(until) => until < now,
            Status::Sent(_) | Status::Dropped(_) | Status::Dead => false,
        }
    }
}

impl InMemoryOutbox {
    /// Every request enqueued and not purged, oldest first, whatever became of it.
    pub fn requests(&self) -> Vec<MailRequest> {
        lock(&self.entries)
            .iter()
            .flatten()
            .map(|entry| entry.request.clone())
            .collect()
    }

    /// The error (or drop reason) last recorded for `id`, if any.
    pub fn last_error(&self, id: OutboxId) -> Option<String> {
        let entries = lock(&self.entries);
        index(id)
            .and_then(|i| entries.get(i))
            .and_then(|entry| entry.as_ref()?.last_error.clone())
    }
}

impl InMemoryOutbox {
    /// Applies `change` to the entry only while `lease` holds it (still `sending` under the
    /// same generation), as the store's compare-and-set does.
    fn fenced(&self, lease: Lease, change: impl FnOnce(&mut Entry)) -> LeaseState {
        let mut entries = lock(&self.entries);
        let held = index(lease.id)
            .and_then(|i| entries.get_mut(i))
            .and_then(Option::as_mut)
            .filter(|entry| {
                matches!(entry.status, Status::Sending(_)) && entry.attempts == lease.generation
            });
        match held {
            Some(entry) => {
                change(entry);
                LeaseState::Held
            }
            None => LeaseState::Lost,
        }
    }
}

/// The position of `id` in the entries (ids start at 1).
fn index(id: OutboxId) -> Option<usize> {
    usize::try_from(id.0).ok()?.checked_sub(1)
}

#[async_trait]
impl Outbox for InMemoryOutbox {
    async fn enqueue(
        &self,
        request: &MailRequest,
        now: OffsetDateTime,
    ) -> Result<OutboxId, OutboxError> {
        let mut entries = lock(&self.entries);
        let id = OutboxId(next_id(entries.len()));
        entries.push(Some(Entry {
            request: request.clone(),
            queued_at: now,
            status: Status::Queued,
            next_attempt_at: now,
            attempts: 0,
            last_error: None,
            reported: false,
        }));
        Ok(id)
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxEntry>, OutboxError> {
        let mut entries = lock(&self.entries);
        let mut due: Vec<(OffsetDateTime, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| entry.as_ref().map(|entry| (entry, i)))
            .filter(|(entry, _)| entry.is_due(now))
            .map(|(entry, i)| (entry.next_attempt_at, i))
            .collect();
        due.sort();
        due.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let until = later(now, lease);
        let leased = due
            .into_iter()
            .filter_map(|(_, i)| {
                let entry = entries[i].as_mut()?;
                entry.status = Status::Sending(until);
                entry.attempts = entry.attempts.saturating_add(1);
                Some(OutboxEntry {
                    id: OutboxId(next_id(i)),
                    request: entry.request.clone(),
                    attempts: entry.attempts,
                    queued_at: entry.queued_at,
                })
            })
            .collect();
        Ok(leased)
    }

    async fn renew(&self, lease: Lease, until: OffsetDateTime) -> Result<LeaseState, OutboxError> {
        Ok(self.fenced(lease, |entry| entry.status = Status::Sending(until)))
    }

    async fn mark_sent(
        &self,
        lease: Lease,
        now: OffsetDateTime,
    ) -> Result<LeaseState, OutboxError> {
        Ok(self.fenced(lease, |entry| entry.status = Status::Sent(now)))
    }

    async fn reschedule(
        &self,
        lease: Lease,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<LeaseState, OutboxError> {
        Ok(self.fenced(lease, |entry| {
            entry.status = Status::Queued;
            entry.next_attempt_at = next_attempt_at;
            entry.last_error = Some(error.to_owned());
        }))
    }

    async fn mark_dead(&self, lease: Lease, error: &str) -> Result<LeaseState, OutboxError> {
        Ok(self.fenced(lease, |entry| {
            entry.status = Status::Dead;
            entry.last_error = Some(error.to_owned());
        }))
    }

    async fn mark_dropped(
        &self,
        lease: Lease,
        now: OffsetDateTime,
        reason: &str,
    ) -> Result<LeaseState, OutboxError> {
        Ok(self.fenced(lease, |entry| {
            entry.status = Status::Dropped(now);
            entry.last_error = Some(reason.to_owned());
        }))
    }

    async fn purge_finished(&self, before: OffsetDateTime) -> Result<u64, OutboxError> {
        let mut entries = lock(&self.entries);
        let mut purged = 0;
        for slot in entries.iter_mut() {
            let finished = slot.as_ref().is_some_and(|entry| match entry.status {
                Status::Sent(at) | Status::Dropped(at) => at < before,
                _ => false,
            });
            if finished {
                *slot = None;
                purged += 1;
            }
        }
        Ok(purged)
    }
}
