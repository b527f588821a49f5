//! `MailQueue`: stores a mail request in the durable outbox, then wakes the dispatcher.
//! Shared by every service that sends mail, so none of them holds the outbox's parts itself.

use super::UnexpectedError;
use super::dispatcher::OutboxSignal;
use crate::mail_request::MailRequest;
use crate::ports::{Clock, Outbox};
use std::sync::Arc;

/// Queues mail for the dispatcher. Cheap to clone.
#[derive(Clone)]
pub struct MailQueue {
    outbox: Arc<dyn Outbox>,
    clock: Arc<dyn Clock>,
    signal: OutboxSignal,
}

impl MailQueue {
    /// Requests stored in `outbox` as due now, announced on `signal`.
    pub fn new(outbox: Arc<dyn Outbox>, clock: Arc<dyn Clock>, signal: OutboxSignal) -> Self {
        Self {
            outbox,
            clock,
            signal,
        }
    }

    /// Stores `request` (one insert). When this returns `Ok` it survives a crash and a
    /// dispatcher will render and deliver it, minting any link at that moment.
    ///
    /// # Errors
    /// `Unexpected` when storing fails; then nothing was queued.
    pub async fn queue(&self, request: &MailRequest) -> Result<(), UnexpectedError> {
        self.outbox
            .enqueue(request, self.clock.now())
            .await
            .map_err(|e| UnexpectedError::new("queueing an email failed", e))?;
        self.signal.notify();
        Ok(())
    }
}
