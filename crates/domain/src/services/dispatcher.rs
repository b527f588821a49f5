//! `MailDispatcher`: moves mail from the outbox to the mailer, with retries and backoff.
//! Each request is rendered (its link minted) by the [`MailPreparer`] just before it is sent.

use super::mail_preparer::{MailPreparer, Prepared};
use crate::metrics;
use crate::ports::{Clock, Lease, LeaseState, MailError, Mailer, Outbox, OutboxEntry, OutboxError};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Wakes the dispatcher of this process when mail is enqueued, so it does not wait for the
/// next poll. Other processes' dispatchers find the mail on their next poll.
#[derive(Clone, Debug, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    /// Says that mail is waiting. If the dispatcher is busy, it looks again when done.
    pub fn notify(&self) {
        self.0.notify_one();
    }

    async fn notified(&self) {
        self.0.notified().await;
    }
}

/// How the dispatcher works.
#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    /// Entries leased per claim. Keep it a small multiple of `concurrency`: the last entry of
    /// a batch waits for the ones before it, and must still be sent within the lease.
    pub batch_size: u32,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How long a claimed entry stays leased without renewal; after that another dispatcher
    /// may take it. The dispatcher renews the leases it holds every third of this, however
    /// long a batch or a send takes, so it only has to outlast a few database round trips
    /// (and a paused or crashed dispatcher's mail is taken over after it).
    pub lease: Duration,
    /// How often to look for due mail when not woken.
    pub poll_interval: Duration,
    /// Attempts before an entry is marked dead.
    pub max_attempts: u32,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            batch_size: 32,
            concurrency: 8,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
            max_attempts: 12,
        }
    }
}

/// The delay before attempt `attempts + 1`: 1 s after the first failure, doubling, capped
/// at 5 minutes.
pub fn backoff(attempts: u32) -> Duration {
    const CAP: Duration = Duration::from_secs(300);
    let exponent = attempts.saturating_sub(1).min(16);
    Duration::from_secs(1u64 << exponent).min(CAP)
}

/// What one pass over the outbox did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    /// Requests that no longer applied (unknown address, throttled, account gone or
    /// readdressed): finished unsent.
    pub dropped: usize,
    /// Entries whose lease another dispatcher had taken over: not sent, or sent but not
    /// recorded here (the new holder records them).
    pub lost: usize,
}

/// Claims due outbox entries and delivers them.
#[derive(Clone)]
pub struct MailDispatcher {
    outbox: Arc<dyn Outbox>,
    mailer: Arc<dyn Mailer>,
    preparer: MailPreparer,
    clock: Arc<dyn Clock>,
    config: DispatcherConfig,
    signal: OutboxSignal,
}

enum Outcome {
    Sent,
    Retried,
    Dead,
    Dropped,
    Lost,
}

/// What happened to one entry before its outcome is recorded.
enum Delivery {
    /// It was rendered and handed to the mailer (or rendering failed, as a transient error).
    Attempted(Result<(), MailError>),
    /// The request no longer applied.
    Dropped(&'static str),
    /// The request cannot be honoured.
    Refused(String),
}

/// The leases a dispatcher holds during one batch, renewed until each is recorded.
#[derive(Clone, Default)]
struct HeldLeases(Arc<Mutex<HashSet<Lease>>>);

impl HeldLeases {
    fn new(leases: impl IntoIterator<Item = Lease>) -> Self {
        Self(Arc::new(Mutex::new(leases.into_iter().collect())))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<Lease>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn holds(&self, lease: Lease) -> bool {
        self.lock().contains(&lease)
    }

    fn release(&self, lease: Lease) {
        self.lock().remove(&lease);
    }

    fn snapshot(&self) -> Vec<Lease> {
        self.lock().iter().copied().collect()
    }
}

impl MailDispatcher {
    /// A dispatcher that renders with `preparer`; `signal` is the one the services notify on
    /// enqueue.
    pub fn new(
        outbox: Arc<dyn Outbox>,
        mailer: Arc<dyn Mailer>,
        preparer: MailPreparer,
        clock: Arc<dyn Clock>,
        config: DispatcherConfig,
        signal: OutboxSignal,
    ) -> Self {
        Self {
            outbox,
            mailer,
            preparer,
            clock,
            config,
            signal,
        }
    }

    /// Claims one batch of due entries and delivers them, at most `concurrency` at a time,
    /// waiting for every delivery it started. Sends run concurrently; their outcomes are
    /// recorded one after another by this task, so the dispatcher never has several writes
    /// of its own competing for the database (SQLite has one writer at a time).
    ///
    /// # Errors
    /// [`OutboxError`] when claiming fails. Failures to record an outcome are logged; the
    /// lease then runs out and the entry is tried again.
    pub async fn run_once(&self) -> Result<DispatchReport, OutboxError> {
        let now = self.clock.now();
        let entries = self
            .outbox
            .claim_due(now, self.config.batch_size, self.config.lease)
            .await?;
        let mut report = DispatchReport {
            claimed: entries.len(),
            ..DispatchReport::default()
        };
        let held = HeldLeases::new(entries.iter().map(OutboxEntry::lease));
        let permits = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let mut deliveries = JoinSet::new();
        for entry in entries {
            let this = self.clone();
            let permits = Arc::clone(&permits);
            let held = held.clone();
            deliveries.spawn(async move {
                let _permit = permits.acquire_owned().await;
                // A lease lost while waiting for a permit belongs to another dispatcher now.
                let result = match held.holds(entry.lease()) {
                    true => Some(this.deliver(&entry).await),
                    false => None,
                };
                (entry, result)
            });
        }
        let record_all = async {
            while let Some(delivery) = deliveries.join_next().await {
                let outcome = match delivery {
                    Ok((entry, Some(result))) => {
                        let lease = entry.lease();
                        let outcome = self.record(entry, result).await;
                        held.release(lease);
                        outcome
                    }
                    Ok((entry, None)) => {
                        tracing::warn!(
                            outbox_id = entry.id.0,
                            "lease taken over before sending; left to its new holder"
                        );
                        Outcome::Lost
                    }
                    Err(panic) => {
                        tracing::error!(%panic, "a mail delivery task panicked");
                        continue;
                    }
                };
                match outcome {
                    Outcome::Sent => report.sent += 1,
                    Outcome::Retried => report.retried += 1,
                    Outcome::Dead => report.dead += 1,
                    Outcome::Dropped => report.dropped += 1,
                    Outcome::Lost => report.lost += 1,
                }
            }
        };
        tokio::select! {
            () = record_all => {}
            () = self.keep_leases(&held) => {}
        }
        Ok(report)
    }

    /// Renews every lease in `held` every third of the lease, for as long as it is polled.
    /// A lease found taken over is dropped from `held`, so its entry is not sent from here.
    async fn keep_leases(&self, held: &HeldLeases) {
        let every = (self.config.lease / 3).max(Duration::from_millis(100));
        loop {
            tokio::time::sleep(every).await;
            let until = self.clock.now() + self.config.lease;
            for lease in held.snapshot() {
                match self.outbox.renew(lease, until).await {
                    Ok(LeaseState::Held) => {}
                    Ok(LeaseState::Lost) => {
                        tracing::warn!(
                            outbox_id = lease.id.0,
                            "mail lease taken over by another dispatcher"
                        );
                        held.release(lease);
                    }
                    Err(error) => {
                        tracing::warn!(outbox_id = lease.id.0, %error, "could not renew a mail lease; will try again");
                    }
                }
            }
        }
    }

    /// Runs passes until nothing is due (or a pass fails); returns the summed report.
    ///
    /// # Errors
    /// [`OutboxError`] when claiming fails.
    pub async fn drain(&self) -> Result<DispatchReport, OutboxError> {
        let mut total = DispatchReport::default();
        loop {
            let pass = self.run_once().await?;
            total.claimed += pass.claimed;
            total.sent += pass.sent;
            total.retried += pass.retried;
            total.dead += pass.dead;
            total.dropped += pass.dropped;
            total.lost += pass.lost;
            if pass.claimed < self.config.batch_size as usize {
                return Ok(total);
            }
        }
    }

    /// Dispatches until `shutdown` is cancelled: drains what is due, then sleeps until woken
    /// by an enqueue or the poll interval passes. On shutdown it finishes the deliveries it
    /// holds before returning.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!("mail dispatcher started");
        while !shutdown.is_cancelled() {
            if let Err(error) = self.drain().await {
                tracing::error!(error = %error, "mail dispatcher could not claim mail");
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.signal.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
        tracing::info!("mail dispatcher stopped");
    }

    /// Renders the entry's request now (minting any link) and sends it. A failure to render
    /// counts as a transient delivery failure, retried with the same backoff.
    async fn deliver(&self, entry: &OutboxEntry) -> Delivery {
        match self.preparer.prepare(entry, self.clock.now()).await {
            Ok(Prepared::Send(email)) => Delivery::Attempted(self.mailer.send(&email).await),
            Ok(Prepared::Drop(reason)) => Delivery::Dropped(reason),
            Ok(Prepared::Dead(reason)) => Delivery::Refused(reason),
            Err(error) => {
                let cause = std::error::Error::source(&error)
                    .map(|cause| format!(": {cause}"))
                    .unwrap_or_default();
                Delivery::Attempted(Err(MailError::Transient(format!("{error}{cause}"))))
            }
        }
    }

    async fn record(&self, entry: OutboxEntry, delivery: Delivery) -> Outcome {
        let (id, lease) = (entry.id, entry.lease());
        let kind = entry.request.kind().as_str();
        let now = self.clock.now();
        let result = match delivery {
            Delivery::Attempted(result) => result,
            Delivery::Dropped(reason) => {
                tracing::info!(outbox_id = id.0, kind, reason, "mail request dropped");
                let recorded = self.outbox.mark_dropped(lease, now, reason).await;
                return self.recorded(id, kind, Outcome::Dropped, recorded, None);
            }
            Delivery::Refused(reason) => {
                tracing::warn!(
                    outbox_id = id.0,
                    kind,
                    reason,
                    "mail request not honoured; kept as dead"
                );
                let recorded = self.outbox.mark_dead(lease, &reason).await;
                return self.recorded(id, kind, Outcome::Dead, recorded, None);
            }
        };
        let mut error_of_dead = None;
        let (outcome, recorded) = match result {
            Ok(()) => {
                tracing::info!(outbox_id = id.0, kind, "mail sent");
                (Outcome::Sent, self.outbox.mark_sent(lease, now).await)
            }
            Err(error) if error.is_retryable() && entry.attempts < self.config.max_attempts => {
                let delay = backoff(entry.attempts);
                tracing::warn!(outbox_id = id.0, kind, attempts = entry.attempts, ?delay, %error, "mail delivery failed; will retry");
                let next = now + delay;
                (
                    Outcome::Retried,
                    self.outbox
                        .reschedule(lease, next, &error.to_string())
                        .await,
                )
            }
            Err(error) => {
                let why = give_up_reason(&error, entry.attempts);
                error_of_dead = Some(error.clone());
                tracing::error!(outbox_id = id.0, kind, attempts = entry.attempts, %error, why, "mail delivery abandoned; kept as dead");
                (
                    Outcome::Dead,
                    self.outbox.mark_dead(lease, &error.to_string()).await,
                )
            }
        };
        self.recorded(id, kind, outcome, recorded, error_of_dead.as_ref())
    }

    /// The outcome, unless recording it found the lease taken over.
    fn recorded(
        &self,
        id: crate::ports::OutboxId,
        kind: &'static str,
        outcome: Outcome,
        recorded: Result<LeaseState, OutboxError>,
        error_of_dead: Option<&MailError>,
    ) -> Outcome {
        match recorded {
            Ok(LeaseState::Held) => {
                count(&outcome, kind, error_of_dead);
                outcome
            }
            Ok(LeaseState::Lost) => {
                tracing::warn!(
                    outbox_id = id.0,
                    kind,
                    "mail lease was taken over during delivery; its new holder records the outcome"
                );
                Outcome::Lost
            }
            Err(error) => {
                tracing::error!(outbox_id = id.0, %error, "could not record the delivery outcome");
                outcome
            }
        }
    }
}

/// Counts a recorded outcome (see [`crate::metrics`]).
/// A request kept dead before any attempt (too old to honour) counts as dead for that reason;
/// a dropped request (it no longer applied) is no delivery and is not counted.
fn count(outcome: &Outcome, kind: &'static str, dead: Option<&MailError>) {
    match (outcome, dead) {
        (Outcome::Sent, _) => metrics::mail_sent(kind),
        (Outcome::Retried, _) => metrics::mail_retried(kind),
        (Outcome::Dead, Some(error)) => metrics::mail_dead(kind, error),
        (Outcome::Dead, None) => metrics::mail_dead_unsent(kind),
        (Outcome::Dropped | Outcome::Lost, _) => {}
    }
}

fn give_up_reason(error: &MailError, attempts: u32) -> &'static str {
    match error {
        MailError::Transient(_) if attempts > 1 => "too many attempts",
        MailError::Transient(_) => "no attempts allowed",
        MailError::Permanent(_) => "permanent failure",
        MailError::Configuration(_) => "the mail settings must be fixed",
    }
}
