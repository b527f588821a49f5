//! `SmtpSink`: a real SMTP server on a loopback port that keeps every message it receives.
//!
//! It speaks enough SMTP for any client (lettre, Python's smtplib, swaks): EHLO/HELO, MAIL,
//! RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT, optional STARTTLS or implicit TLS with a
//! certificate signed by the test CA in `crates/testkit/certs/`, and optional AUTH PLAIN / LOGIN. Tests
//! steer it: inject 4xx/5xx replies ([`Fault`]), slow every reply down
//! ([`SmtpSink::set_delay`]), stop it and start it again on the same port (a
//! [stable port](SmtpSinkBuilder::stable_port), so nothing else takes it meanwhile).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use microblog_testkit::smtp_sink::SmtpSink;
//! use std::time::Duration;
//!
//! let sink = SmtpSink::builder().starttls(true).auth("user", "pass").start().await?;
//! // ... point the mailer at 127.0.0.1:sink.port() and send ...
//! let mail = sink.wait_for_message("alice@example.com", Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```
//!
//! Limits keep a misbehaving client from exhausting memory: command lines of 2 KiB, messages of
//! [`SmtpSinkBuilder::max_message_size`] (10 MiB by default), 100 recipients per message, a
//! five-minute idle timeout, at most [`SmtpSinkBuilder::capacity`] kept messages (the oldest
//! are dropped first).

mod auth;
mod command;
mod fault;
mod lines;
mod message;
mod server;
mod session;
mod state;
#[cfg(test)]
mod tests;
mod tls;

pub use fault::{Fault, Stage};
pub use message::ReceivedMessage;
pub use tls::{CA_CERTIFICATE_PEM, CERTIFICATE_PEM, PRIVATE_KEY_PEM, ca_certificate_path};

use crate::ports;
use state::{Config, Shared};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How to start an [`SmtpSink`]. Defaults: a random loopback port, plain SMTP, no AUTH.
#[derive(Clone, Debug)]
pub struct SmtpSinkBuilder {
    port: u16,
    stable: bool,
    config: Config,
}

impl SmtpSinkBuilder {
    /// Listens on this port of 127.0.0.1 (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Listens on a [stable port](crate::ports): one outside the kernel's ephemeral range,
    /// which stays free while the sink is down, so a test can stop it (an SMTP outage) and
    /// bring it back with [`SmtpSink::start_on`] on the same port.
    pub fn stable_port(mut self) -> Self {
        self.stable = true;
        self
    }

    /// Offers STARTTLS. AUTH is then only offered and accepted once TLS is on.
    pub fn starttls(mut self, enabled: bool) -> Self {
        self.config.starttls = enabled;
        self
    }

    /// Speaks TLS from the first byte (port 465 style, "implicit TLS").
    pub fn implicit_tls(mut self, enabled: bool) -> Self {
        self.config.implicit_tls = enabled;
        self
    }

    /// Requires AUTH PLAIN or LOGIN with these credentials before MAIL; others get 535.
    pub fn auth(mut self, username: &str, password: &str) -> Self {
        self.config.credentials = Some((username.to_owned(), password.to_owned()));
        self
    }

    /// The largest message accepted, in bytes (advertised with SIZE; bigger ones get 552).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.config.max_message_size = bytes;
        self
    }

    /// How many messages are kept (50,000 by default); beyond it the oldest are dropped.
    /// Counts keep counting, and with 0 nothing is kept: only [`SmtpSink::subscribe`] sees
    /// the messages (a long-running mailbox).
    pub fn capacity(mut self, messages: usize) -> Self {
        self.config.capacity = messages;
        self
    }

    /// Binds the port and starts serving.
    ///
    /// # Errors
    /// The port cannot be bound (taken, not permitted), or TLS was asked for and the embedded
    /// certificate cannot be loaded.
    pub async fn start(self) -> io::Result<SmtpSink> {
        let acceptor = if self.config.starttls || self.config.implicit_tls {
            Some(tls::acceptor()?)
        } else {
            None
        };
        let listener = if self.stable {
            ports::bind_stable(|port| server::bind(loopback(port)))?.1
        } else {
            server::bind(loopback(self.port))?
        };
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.config, acceptor));
        let token = CancellationToken::new();
        let tracker = TaskTracker::new();
        tracker.spawn(server::accept_loop(
            listener,
            Arc::clone(&shared),
            token.clone(),
            tracker.clone(),
        ));
        Ok(SmtpSink {
            shared,
            addr,
            token,
            tracker,
        })
    }
}

/// A running SMTP server on 127.0.0.1. Dropping it stops it; [`SmtpSink::shutdown`] also
/// waits until the port is released.
#[derive(Debug)]
pub struct SmtpSink {
    shared: Arc<Shared>,
    addr: SocketAddr,
    token: CancellationToken,
    tracker: TaskTracker,
}

impl SmtpSink {
    /// Options for a new sink.
    pub fn builder() -> SmtpSinkBuilder {
        SmtpSinkBuilder {
            port: 0,
            stable: false,
            config: Config::default(),
        }
    }

    /// A plain sink on a random free port.
    ///
    /// # Errors
    /// No loopback port can be bound.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// A plain sink on a [stable port](SmtpSinkBuilder::stable_port), for tests that stop it
    /// and start it again.
    ///
    /// # Errors
    /// No stable port can be bound.
    pub async fn start_restartable() -> io::Result<Self> {
        Self::builder().stable_port().start().await
    }

    /// A plain sink on `port`, e.g. to come back where a stopped one was.
    ///
    /// # Errors
    /// The port is taken.
    pub async fn start_on(port: u16) -> io::Result<Self> {
        Self::builder().port(port).start().await
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address it listens on (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every kept message, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.shared.messages(|_| true)
    }

    /// The kept messages whose envelope recipients include `address` (case-insensitive).
    pub fn messages_to(&self, address: &str) -> Vec<ReceivedMessage> {
        self.shared.messages(|m| m.is_to(address))
    }

    /// How many messages were accepted since start, including dropped and cleared ones.
    pub fn received_total(&self) -> u64 {
        self.shared.received_total()
    }

    /// How many connections were accepted since start (pooled clients reuse connections).
    pub fn connections_total(&self) -> u64 {
        self.shared.connections_total()
    }

    /// Forgets the kept messages.
    pub fn clear(&self) {
        self.shared.clear();
    }

    /// The oldest kept message to `address`, waiting up to `timeout` for one to arrive.
    pub async fn wait_for_message(
        &self,
        address: &str,
        timeout: Duration,
    ) -> Option<ReceivedMessage> {
        self.wait_for(timeout, |m| m.is_to(address)).await
    }

    /// The oldest kept message matching `predicate`, waiting up to `timeout` for one.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        predicate: impl Fn(&ReceivedMessage) -> bool,
    ) -> Option<ReceivedMessage> {
        self.shared.wait_for(timeout, predicate).await
    }

    /// Waits until at least `count` messages were accepted since start; whether they were.
    pub async fn wait_for_total(&self, count: u64, timeout: Duration) -> bool {
        self.shared.wait_for_total(count, timeout).await
    }

    /// Every message accepted from now on, as it arrives (for live display).
    pub fn subscribe(&self) -> broadcast::Receiver<ReceivedMessage> {
        self.shared.subscribe()
    }

    /// Injects a failure; it applies to every later command at its stage until it has been
    /// used up ([`Fault::times`]) or [`SmtpSink::clear_faults`] is called.
    pub fn fail_with(&self, fault: Fault) {
        self.shared.add_fault(fault);
    }

    /// Removes every injected failure.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Waits this long before every reply (zero, the default, answers at once).
    pub fn set_delay(&self, delay: Duration) {
        self.shared.set_delay(delay);
    }

    /// Stops accepting, closes every open connection and waits until the port is free.
    /// Start a new sink with [`SmtpSink::start_on`] to bring the server back (reliably so when
    /// this one was on a [stable port](SmtpSinkBuilder::stable_port)).
    pub async fn shutdown(self) {
        self.token.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.token.cancel();
    }
}
