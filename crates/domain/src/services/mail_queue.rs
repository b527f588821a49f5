//! `MailQueue`: composes an email and puts it in the durable outbox, then wakes the dispatcher.
//! Shared by every service that sends mail, so none of them holds the outbox's parts itself.

use super::UnexpectedError;
use super::dispatcher::OutboxSignal;
use crate::email::EmailIntent;
use crate::ports::{Clock, EmailComposer, Outbox};
use std::sync::Arc;

/// Queues mail for the dispatcher. Cheap to clone.
#[derive(Clone)]
pub struct MailQueue {
    outbox: Arc<dyn Outbox>,
    composer: Arc<dyn EmailComposer>,
    clock: Arc<dyn Clock>,
    signal: OutboxSignal,
}

impl MailQueue {
    /// Mail composed by `composer`, stored in `outbox` as due now, announced on `signal`.
    pub fn new(
        outbox: Arc<dyn Outbox>,
        composer: Arc<dyn EmailComposer>,
        clock: Arc<dyn Clock>,
        signal: OutboxSignal,
    ) -> Self {
        Self {
            outbox,
            composer,
            clock,
            signal,
        }
    }

    /// Composes `intent` to `to` and stores it. When this returns `Ok` the email survives a
    /// crash and will be delivered by a dispatcher.
    ///
    /// # Errors
    /// `Unexpected` when composing or storing fails; then nothing was queued.
    pub async fn queue(
        &self,
        to: Vec<String>,
        intent: &EmailIntent,
    ) -> Result<(), UnexpectedError> {
        let email = self
            .composer
            .compose(to, intent)
            .map_err(|e| UnexpectedError::new("composing an email failed", e))?;
        self.outbox
            .enqueue(&email, self.clock.now())
            .await
            .map_err(|e| UnexpectedError::new("queueing an email failed", e))?;
        self.signal.notify();
        Ok(())
    }
}
