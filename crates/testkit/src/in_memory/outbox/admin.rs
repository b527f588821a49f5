//! `OutboxAdmin` and `DeadLetters` on the in-memory queue, as the store does them.

use super::{Entry, InMemoryOutbox, Status, index};
use crate::in_memory::{lock, next_id};
use async_trait::async_trait;
use microblog_domain::EmailKind;
use microblog_domain::ports::{
    DeadLetters, DeadMail, DigestBuilder, DigestQueued, OutboxAdmin, OutboxError, OutboxId,
    OutboxRow, OutboxState, OutboxSummary, RetryOutcome,
};
use std::time::Duration;
use time::OffsetDateTime;

impl Entry {
    fn state(&self) -> OutboxState {
        match self.status {
            Status::Queued => OutboxState::Queued,
            Status::Sending(_) => OutboxState::Sending,
            Status::Sent(_) => OutboxState::Sent,
            Status::Dropped(_) => OutboxState::Dropped,
            Status::Dead => OutboxState::Dead,
        }
    }

    fn requeue(&mut self, now: OffsetDateTime) {
        self.status = Status::Queued;
        self.next_attempt_at = now;
    }
}

impl InMemoryOutbox {
    /// Deletes the entries `doomed` picks; returns how many.
    fn delete_where(&self, doomed: impl Fn(&Entry) -> bool) -> u64 {
        let mut entries = lock(&self.entries);
        let mut deleted = 0;
        for slot in entries.iter_mut() {
            if slot.as_ref().is_some_and(&doomed) {
                *slot = None;
                deleted += 1;
            }
        }
        deleted
    }
}

#[async_trait]
impl OutboxAdmin for InMemoryOutbox {
    async fn summary(&self) -> Result<OutboxSummary, OutboxError> {
        let entries = lock(&self.entries);
        let mut summary = OutboxSummary::default();
        for entry in entries.iter().flatten() {
            let count = match entry.state() {
                OutboxState::Queued => &mut summary.queued,
                OutboxState::Sending => &mut summary.sending,
                OutboxState::Sent => &mut summary.sent,
                OutboxState::Dead => &mut summary.dead,
                OutboxState::Dropped => &mut summary.dropped,
            };
            *count += 1;
        }
        let queued = || {
            entries
                .iter()
                .flatten()
                .filter(|e| e.status == Status::Queued)
        };
        summary.oldest_queued_at = queued().map(|e| e.queued_at).min();
        summary.next_attempt_at = queued().map(|e| e.next_attempt_at).min();
        Ok(summary)
    }

    async fn list(&self, state: OutboxState, limit: u32) -> Result<Vec<OutboxRow>, OutboxError> {
        let entries = lock(&self.entries);
        let rows = entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| Some((i, entry.as_ref()?)))
            .filter(|(_, entry)| entry.state() == state)
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|(i, entry)| OutboxRow {
                id: OutboxId(next_id(i)),
                kind: entry.request.kind().as_str().to_owned(),
                recipients: entry.request.recipients(),
                attempts: entry.attempts,
                last_error: entry.last_error.clone(),
                next_attempt_at: (state == OutboxState::Queued).then_some(entry.next_attempt_at),
                queued_at: entry.queued_at,
            })
            .collect();
        Ok(rows)
    }

    async fn retry(&self, id: OutboxId, now: OffsetDateTime) -> Result<RetryOutcome, OutboxError> {
        let mut entries = lock(&self.entries);
        let entry = index(id)
            .and_then(|i| entries.get_mut(i))
            .and_then(Option::as_mut);
        Ok(match entry {
            None => RetryOutcome::NotFound,
            Some(entry) => match entry.state() {
                OutboxState::Dead | OutboxState::Queued => {
                    entry.requeue(now);
                    RetryOutcome::Requeued
                }
                other => RetryOutcome::NotRetryable(other),
            },
        })
    }

    async fn retry_all_dead(&self, now: OffsetDateTime) -> Result<u64, OutboxError> {
        let mut entries = lock(&self.entries);
        let mut requeued = 0;
        for entry in entries.iter_mut().flatten() {
            if entry.status == Status::Dead {
                entry.requeue(now);
                requeued += 1;
            }
        }
        Ok(requeued)
    }

    async fn purge_sent(&self, before: OffsetDateTime) -> Result<u64, OutboxError> {
        Ok(self.delete_where(|entry| matches!(entry.status, Status::Sent(at) if at < before)))
    }

    async fn purge_dead(&self) -> Result<u64, OutboxError> {
        Ok(self.delete_where(|entry| entry.status == Status::Dead))
    }
}

#[async_trait]
impl DeadLetters for InMemoryOutbox {
    async fn queue_digest(
        &self,
        now: OffsetDateTime,
        quiet: Duration,
        build: DigestBuilder<'_>,
    ) -> Result<Option<DigestQueued>, OutboxError> {
        let mut entries = lock(&self.entries);
        let mut last_digest = lock(&self.last_digest);
        if last_digest.is_some_and(|at| at > now - quiet) {
            return Ok(None);
        }
        let digest_kind = EmailKind::DeadMailDigest;
        let mut mails = Vec::new();
        for (i, slot) in entries.iter_mut().enumerate() {
            let Some(entry) = slot.as_mut() else { continue };
            if entry.status == Status::Dead
                && !entry.reported
                && entry.request.kind() != digest_kind
            {
                entry.reported = true;
                mails.push(DeadMail {
                    id: OutboxId(next_id(i)),
                    kind: entry.request.kind().as_str().to_owned(),
                    recipients: entry.request.recipients(),
                    last_error: entry.last_error.clone(),
                });
            }
        }
        if mails.is_empty() {
            return Ok(None);
        }
        *last_digest = Some(now);
        let id = OutboxId(next_id(entries.len()));
        entries.push(Some(Entry {
            request: build(&mails),
            queued_at: now,
            status: Status::Queued,
            next_attempt_at: now,
            attempts: 0,
            last_error: None,
            reported: false,
        }));
        Ok(Some(DigestQueued {
            id,
            reported: u64::try_from(mails.len()).unwrap_or(u64::MAX),
        }))
    }
}
