//! `InMemoryOutbox`: the `Outbox` port in memory, with leases, retries and final states.

use super::{later, lock, next_id};
use async_trait::async_trait;
use microblog_domain::Email;
use microblog_domain::ports::{Lease, LeaseState, Outbox, OutboxEntry, OutboxError, OutboxId};
use std::sync::Mutex;
use std::time::Duration;
use time::OffsetDateTime;

/// The mail queue in memory. Entries move `queued → sending → sent`, back to `queued` by
/// [`Outbox::reschedule`], or to `dead`; `sent` and `dead` are final, as in the real store:
/// a late `reschedule` from a dispatcher whose lease ran out never revives them.
#[derive(Debug, Default)]
pub struct InMemoryOutbox {
    entries: Mutex<Vec<Entry>>,
}

/// One queued email; its id is its position plus one.
#[derive(Debug)]
struct Entry {
    email: Email,
    status: Status,
    /// When it is (or was last) due; claims go oldest first by this, then by id.
    next_attempt_at: OffsetDateTime,
    attempts: u32,
    last_error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Queued,
    /// Leased to a dispatcher until this instant.
    Sending(OffsetDateTime),
    Sent,
    Dead,
}

impl Entry {
    /// Waiting and due, or leased to a dispatcher whose lease ran out before `now`.
    fn is_due(&self, now: OffsetDateTime) -> bool {
        match self.status {
            Status::Queued => self.next_attempt_at <= now,
            Status::Sending(until) => until < now,
            Status::Sent | Status::Dead => false,
        }
    }
}

impl InMemoryOutbox {
    /// Every email ever enqueued, oldest first, whatever became of it.
    pub fn emails(&self) -> Vec<Email> {
        lock(&self.entries)
            .iter()
            .map(|entry| entry.email.clone())
            .collect()
    }

    /// The error last recorded for `id` by `reschedule` or `mark_dead`, if any.
    pub fn last_error(&self, id: OutboxId) -> Option<String> {
        let entries = lock(&self.entries);
        index(id)
            .and_then(|i| entries.get(i))
            .and_then(|entry| entry.last_error.clone())
    }
}

impl InMemoryOutbox {
    /// Applies `change` to the entry only while `lease` holds it (still `sending` under the
    /// same generation), as the store's compare-and-set does.
    fn fenced(&self, lease: Lease, change: impl FnOnce(&mut Entry)) -> LeaseState {
        let mut entries = lock(&self.entries);
        let held = index(lease.id)
            .and_then(|i| entries.get_mut(i))
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
    async fn enqueue(&self, email: &Email, now: OffsetDateTime) -> Result<OutboxId, OutboxError> {
        let mut entries = lock(&self.entries);
        let id = OutboxId(next_id(entries.len()));
        entries.push(Entry {
            email: email.clone(),
            status: Status::Queued,
            next_attempt_at: now,
            attempts: 0,
            last_error: None,
        });
        Ok(id)
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxEntry>, OutboxError> {
        let mut entries = lock(&self.entries);
        let mut due: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].is_due(now))
            .collect();
        due.sort_by_key(|&i| (entries[i].next_attempt_at, i));
        due.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let until = later(now, lease);
        let leased = due
            .into_iter()
            .map(|i| {
                let entry = &mut entries[i];
                entry.status = Status::Sending(until);
                entry.attempts = entry.attempts.saturating_add(1);
                OutboxEntry {
                    id: OutboxId(next_id(i)),
                    email: entry.email.clone(),
                    attempts: entry.attempts,
                }
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
        _now: OffsetDateTime,
    ) -> Result<LeaseState, OutboxError> {
        Ok(self.fenced(lease, |entry| entry.status = Status::Sent))
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
}
