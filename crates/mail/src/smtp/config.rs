//! `SmtpConfig`: the `MAIL_*` settings, checked and turned into a lettre transport builder.

use lettre::AsyncSmtpTransport;
use lettre::Tokio1Executor;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, PoolConfig};
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach the mail server. Mirrors the tutorial's `MAIL_*` variables; e.g. Gmail is
/// `server: "smtp.googlemail.com", port: 587, use_tls: true` plus username and password.
#[derive(Clone)]
pub struct SmtpConfig {
    /// `MAIL_SERVER`: host name or IP address.
    pub server: String,
    /// `MAIL_PORT` (25 by default; 587 for STARTTLS submission, 465 for implicit TLS).
    pub port: u16,
    /// `MAIL_USE_TLS`: upgrade with STARTTLS, and refuse to send if the server cannot.
    pub use_tls: bool,
    /// `MAIL_USE_SSL`: TLS from the first byte (port 465 style).
    pub use_ssl: bool,
    /// `MAIL_USERNAME`: log in (AUTH PLAIN or LOGIN) when set, with `password`.
    pub username: Option<String>,
    /// `MAIL_PASSWORD`. Never printed by `Debug`.
    pub password: Option<String>,
    /// The From of every email: `addr@example.com` or `Name <addr@example.com>`.
    pub sender: String,
    /// How long the TCP connect may take.
    pub connect_timeout: Duration,
    /// How long the SMTP conversation after connecting may take (see [`super::SmtpMailer`]).
    pub command_timeout: Duration,
    /// `MAIL_CA_FILE`: a PEM file of CA certificates trusted for the relay, beside the
    /// system's trust store (which `SSL_CERT_FILE` / `SSL_CERT_DIR` replace, as in OpenSSL).
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate. Only for tests and the dev mailbox: it allows interception.
    pub accept_invalid_certs: bool,
    /// How many connections may be open (and kept for reuse) at once.
    pub pool_max_size: u32,
}

impl SmtpConfig {
    /// `server`, port 25, no TLS, no AUTH, 10 s to connect, 30 s per conversation, 10
    /// connections.
    pub fn new(server: impl Into<String>, sender: impl Into<String>) -> Self {
        Self {
            server: server.into(),
            port: 25,
            use_tls: false,
            use_ssl: false,
            username: None,
            password: None,
            sender: sender.into(),
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(30),
            ca_file: None,
            accept_invalid_certs: false,
            pool_max_size: 10,
        }
    }

    /// Whether the server is this machine (where clear-text AUTH crosses no network).
    pub(super) fn is_local(&self) -> bool {
        self.server.eq_ignore_ascii_case("localhost")
            || self
                .server
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    pub(super) fn sender_mailbox(&self) -> Result<Mailbox, MailConfigError> {
        self.sender
            .trim()
            .parse()
            .map_err(|e| MailConfigError::InvalidSender {
                sender: self.sender.clone(),
                reason: format!("{e}"),
            })
    }

    /// Checks every setting and prepares lettre's builder.
    pub(super) fn transport_builder(&self) -> Result<AsyncSmtpTransportBuilder, MailConfigError> {
        let server = self.server.trim();
        if server.is_empty() || server.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(MailConfigError::InvalidServer(self.server.clone()));
        }
        if self.use_tls && self.use_ssl {
            return Err(MailConfigError::BothTlsModes);
        }
        if self.connect_timeout.is_zero() || self.command_timeout.is_zero() {
            return Err(MailConfigError::ZeroTimeout);
        }
        if self.pool_max_size == 0 {
            return Err(MailConfigError::ZeroPoolSize);
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server)
            .port(self.port)
            .timeout(Some(self.connect_timeout))
            .pool_config(PoolConfig::new().max_size(self.pool_max_size));
        if self.use_tls || self.use_ssl {
            let trusted = super::trust::trust(
                TlsParameters::builder(server.to_owned()),
                self.ca_file.as_deref(),
            )?;
            let parameters = trusted
                .dangerous_accept_invalid_certs(self.accept_invalid_certs)
                .build_rustls()
                .map_err(|e| MailConfigError::Tls(e.to_string()))?;
            builder = builder.tls(if self.use_ssl {
                Tls::Wrapper(parameters)
            } else {
                Tls::Required(parameters)
            });
        }
        match (&self.username, &self.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            (Some(_), None) => return Err(MailConfigError::IncompleteCredentials("MAIL_PASSWORD")),
            (None, Some(_)) => return Err(MailConfigError::IncompleteCredentials("MAIL_USERNAME")),
        }
        Ok(builder)
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("server", &self.server)
            .field("port", &self.port)
            .field("use_tls", &self.use_tls)
            .field("use_ssl", &self.use_ssl)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("sender", &self.sender)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("ca_file", &self.ca_file)
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("pool_max_size", &self.pool_max_size)
            .finish()
    }
}

/// A mail setting that cannot work. The message names the variable to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MailConfigError {
    #[error("MAIL_SERVER {0:?} is not a host name")]
    InvalidServer(String),
    #[error(
        "the mail sender {sender:?} (MAIL_DEFAULT_SENDER or ADMINS) is not an address: {reason}"
    )]
    InvalidSender { sender: String, reason: String },
    #[error("MAIL_USE_TLS and MAIL_USE_SSL are both set; choose STARTTLS or implicit TLS")]
    BothTlsModes,
    #[error("MAIL_USERNAME and MAIL_PASSWORD go together: {0} is missing")]
    IncompleteCredentials(&'static str),
    #[error("mail timeouts must be longer than zero")]
    ZeroTimeout,
    #[error("the mail connection pool needs at least one connection")]
    ZeroPoolSize,
    #[error("cannot set up TLS for the mail server: {0}")]
    Tls(String),
    #[error("MAIL_CA_FILE {path:?} cannot be used: {reason}")]
    CaFile { path: String, reason: String },
}
