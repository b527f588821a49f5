//! `SmtpMailer`: delivers emails over SMTP with lettre's pooled async transport.

mod classify;
mod config;
mod message;
mod pool;
mod trust;

pub use config::{MailConfigError, SmtpConfig};

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::{AsyncTransport, address::Envelope};
use microblog_domain::Email;
use microblog_domain::ports::{MailError, Mailer};
use pool::Pool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// A [`Mailer`] speaking SMTP to `MAIL_SERVER` (plain, STARTTLS or implicit TLS, with AUTH
/// when credentials are set), reusing up to `pool_max_size` connections.
///
/// Timeouts: `connect_timeout` bounds the TCP connect; `command_timeout` bounds the rest of
/// the conversation (greeting, EHLO, TLS, AUTH, MAIL, RCPT, DATA). A call to
/// [`Mailer::send`] — waiting for a free connection included — therefore returns within
/// `connect_timeout + command_timeout`, with [`MailError::Transient`] when that runs out.
///
/// Sending needs a Tokio runtime (lettre's pool runs its housekeeping as a task); building
/// and dropping the mailer do not.
pub struct SmtpMailer {
    sender: Mailbox,
    pool: Pool,
    slots: Arc<Semaphore>,
    deadline: Duration,
    endpoint: String,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("endpoint", &self.endpoint)
            .field("sender", &self.sender.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Checks `config` and prepares the transport. No connection is made until the first
    /// send, so a mail server that is down at start-up delays mail, not the application.
    ///
    /// # Errors
    /// [`MailConfigError`] naming the setting that is wrong: no server, a sender that is not
    /// an address, both TLS modes, half a set of credentials, a zero timeout or pool size.
    pub fn new(config: SmtpConfig) -> Result<Self, MailConfigError> {
        let sender = config.sender_mailbox()?;
        let builder = config.transport_builder()?;
        if config.username.is_some() && !config.use_tls && !config.use_ssl && !config.is_local() {
            tracing::warn!(
                server = %config.server,
                "MAIL_USERNAME is set but neither MAIL_USE_TLS nor MAIL_USE_SSL: \
                 the password will cross the network in clear text"
            );
        }
        Ok(Self {
            sender,
            pool: Pool::new(builder),
            slots: Arc::new(Semaphore::new(config.pool_max_size as usize)),
            deadline: config.connect_timeout + config.command_timeout,
            endpoint: format!("{}:{}", config.server, config.port),
        })
    }

    async fn deliver(&self, envelope: &Envelope, content: &[u8]) -> Result<(), MailError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| MailError::Transient("the SMTP mailer is shut down".into()))?;
        let transport = self.pool.transport();
        // If this future is dropped mid-conversation (deadline, caller gone), the connection
        // is in an unknown state; the guard retires the whole pool so it is never reused.
        let guard = self.pool.retire_unless_finished(&transport);
        let result = transport.send_raw(envelope, content).await;
        guard.finished();
        // lettre returns the connection to its pool from a task spawned as the send ends;
        // yielding once lets that task run before the next sender takes this slot, which then
        // reuses the connection instead of opening (and TLS-handshaking) a new one.
        tokio::task::yield_now().await;
        result.map(drop).map_err(|error| {
            let classified = classify::classify(&error);
            tracing::debug!(endpoint = %self.endpoint, %error, "SMTP delivery failed");
            classified
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let (envelope, content) = message::build(&self.sender, email)?;
        let delivery = self.deliver(&envelope, &content);
        match tokio::time::timeout(self.deadline, delivery).await {
            Ok(result) => result,
            Err(_) => Err(MailError::Transient(format!(
                "no answer from the SMTP server {} within {:?}",
                self.endpoint, self.deadline
            ))),
        }
    }
}
