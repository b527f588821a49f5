//! `RecordingMailer`: an in-memory [`Mailer`] that keeps every email it is given and can be
//! told to fail, for tests of the code that sends mail.

use async_trait::async_trait;
use microblog_domain::Email;
use microblog_domain::ports::{MailError, Mailer};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

#[derive(Default)]
struct State {
    sent: Vec<Email>,
    planned_failures: VecDeque<MailError>,
    attempts: usize,
}

/// Records delivered emails instead of sending them. Failed attempts are not recorded as
/// sent, but they count in [`RecordingMailer::attempts`].
pub struct RecordingMailer {
    state: Mutex<State>,
    delivered: watch::Sender<usize>,
}

impl Default for RecordingMailer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RecordingMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("RecordingMailer")
            .field("sent", &state.sent.len())
            .field("attempts", &state.attempts)
            .field("planned_failures", &state.planned_failures.len())
            .finish()
    }
}

impl RecordingMailer {
    /// A mailer that has sent nothing and will not fail.
    pub fn new() -> Self {
        Self {
            state: Mutex::default(),
            delivered: watch::channel(0).0,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update is a single push or pop: a poisoned lock still holds consistent data.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every delivered email, in order.
    pub fn sent(&self) -> Vec<Email> {
        self.lock().sent.clone()
    }

    /// The delivered emails with `address` among their recipients (case-insensitive).
    pub fn sent_to(&self, address: &str) -> Vec<Email> {
        let address = address.trim();
        self.lock()
            .sent
            .iter()
            .filter(|email| email.to.iter().any(|to| to.eq_ignore_ascii_case(address)))
            .cloned()
            .collect()
    }

    /// How many times `send` was called, failures included.
    pub fn attempts(&self) -> usize {
        self.lock().attempts
    }

    /// Makes the next `n` sends fail with `error` (after any failures already planned).
    pub fn fail_next(&self, n: usize, error: MailError) {
        let mut state = self.lock();
        state.planned_failures.extend(std::iter::repeat_n(error, n));
    }

    /// Makes the next `n` sends fail with a [`MailError::Transient`] (worth a retry).
    pub fn fail_next_transient(&self, n: usize) {
        self.fail_next(
            n,
            MailError::Transient("recording mailer: planned failure".into()),
        );
    }

    /// Makes the next `n` sends fail with a [`MailError::Permanent`] (not worth a retry).
    pub fn fail_next_permanent(&self, n: usize) {
        self.fail_next(
            n,
            MailError::Permanent("recording mailer: planned failure".into()),
        );
    }

    /// Forgets delivered emails and planned failures (the attempt count stays).
    pub fn clear(&self) {
        let mut state = self.lock();
        state.sent.clear();
        state.planned_failures.clear();
    }

    /// Waits until at least `count` emails were delivered since creation; whether they were.
    /// For code that sends in the background, such as the mail dispatcher.
    pub async fn wait_for_sent(&self, count: usize, timeout: Duration) -> bool {
        let mut delivered = self.delivered.subscribe();
        let wait = delivered.wait_for(|n| *n >= count);
        matches!(tokio::time::timeout(timeout, wait).await, Ok(Ok(_)))
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        {
            let mut state = self.lock();
            state.attempts += 1;
            if let Some(error) = state.planned_failures.pop_front() {
                return Err(error);
            }
            state.sent.push(email.clone());
        }
        self.delivered.send_modify(|n| *n += 1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use microblog_domain::EmailKind;

    fn email(to: &str) -> Email {
        Email {
            kind: EmailKind::Test,
            to: vec![to.to_owned()],
            subject: "s".into(),
            text_body: "t".into(),
            html_body: "<p>t</p>".into(),
        }
    }

    #[tokio::test]
    async fn delivered_emails_are_recorded_in_order_and_found_by_recipient() {
        let mailer = RecordingMailer::new();
        mailer.send(&email("a@example.com")).await.expect("sent");
        mailer.send(&email("b@example.com")).await.expect("sent");
        mailer.send(&email("A@Example.com")).await.expect("sent");
        assert_eq!(mailer.sent().len(), 3);
        assert_eq!(mailer.sent()[1].to, ["b@example.com"]);
        assert_eq!(mailer.sent_to("a@example.com").len(), 2);
        assert!(mailer.sent_to("c@example.com").is_empty());
    }

    #[tokio::test]
    async fn planned_failures_come_first_and_are_not_recorded() {
        let mailer = RecordingMailer::new();
        mailer.fail_next_transient(2);
        mailer.fail_next_permanent(1);
        let first = mailer.send(&email("a@example.com")).await;
        let second = mailer.send(&email("a@example.com")).await;
        let third = mailer.send(&email("a@example.com")).await;
        assert!(first.is_err_and(|e| e.is_retryable()));
        assert!(second.is_err_and(|e| e.is_retryable()));
        assert!(matches!(third, Err(MailError::Permanent(_))));
        assert!(mailer.sent().is_empty());
        mailer
            .send(&email("a@example.com"))
            .await
            .expect("failures used up");
        assert_eq!(mailer.sent().len(), 1);
        assert_eq!(mailer.attempts(), 4);
    }

    #[tokio::test]
    async fn clear_forgets_sent_mail_and_planned_failures() {
        let mailer = RecordingMailer::new();
        mailer.send(&email("a@example.com")).await.expect("sent");
        mailer.fail_next_permanent(5);
        mailer.clear();
        assert!(mailer.sent().is_empty());
        mailer
            .send(&email("a@example.com"))
            .await
            .expect("no failure planned");
    }

    #[tokio::test]
    async fn waiting_for_sent_mail_sees_a_background_send() {
        let mailer = std::sync::Arc::new(RecordingMailer::new());
        assert!(!mailer.wait_for_sent(1, Duration::from_millis(50)).await);
        let background = std::sync::Arc::clone(&mailer);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            background.send(&email("a@example.com")).await
        });
        assert!(mailer.wait_for_sent(1, Duration::from_secs(5)).await);
    }

    #[tokio::test]
    async fn it_passes_the_mailer_contract() {
        let mailer = RecordingMailer::new();
        let sent = crate::contract::mailer::mailer(&mailer, "contract@example.com").await;
        assert_eq!(mailer.sent(), sent);
    }
}
