//! `Alerts`: the "Microblog Failure" email to the administrators, throttled per error kind.

use super::MailQueue;
use crate::mail_request::MailRequest;
use crate::ports::Clock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

/// What the web layer knows about a server error. Carries no secrets: the request line is
/// method and path only (no query string, no body, no cookies).
#[derive(Clone, Debug)]
pub struct ServerErrorReport {
    /// Groups errors for throttling, e.g. the route and the top-level error's type.
    pub kind: String,
    pub request_line: String,
    pub request_id: String,
    pub error_chain: Vec<String>,
}

/// Queues a failure email to `ADMINS`, at most one per `interval` for each error kind.
#[derive(Clone)]
pub struct Alerts {
    admins: Vec<String>,
    mail: MailQueue,
    clock: Arc<dyn Clock>,
    interval: Duration,
    last_sent: Arc<Mutex<HashMap<String, OffsetDateTime>>>,
}

impl Alerts {
    /// Alerts to `admins` (none configured: alerts are only logged).
    pub fn new(admins: Vec<String>, mail: MailQueue, clock: Arc<dyn Clock>) -> Self {
        Self {
            admins,
            mail,
            clock,
            interval: Duration::from_secs(60),
            last_sent: Arc::default(),
        }
    }

    /// Queues the failure email unless one of the same kind went out within the interval.
    /// Returns whether an email was queued. Never fails: an alert that cannot be queued is
    /// logged, because the error it reports is already being answered with a 500.
    pub async fn server_error(&self, report: ServerErrorReport) -> bool {
        if self.admins.is_empty() {
            return false;
        }
        let now = self.clock.now();
        {
            let mut last_sent = self.last_sent.lock().unwrap_or_else(|p| p.into_inner());
            if last_sent
                .get(&report.kind)
                .is_some_and(|at| now - *at < self.interval)
            {
                return false;
            }
            last_sent.insert(report.kind.clone(), now);
        }
        let request = MailRequest::ServerError {
            to: self.admins.clone(),
            request_line: report.request_line,
            request_id: report.request_id,
            error_chain: report.error_chain,
            occurred_at: now,
        };
        match self.mail.queue(&request).await {
            Ok(()) => true,
            Err(error) => {
                tracing::error!(%error, "could not queue the failure email to ADMINS");
                false
            }
        }
    }
}
