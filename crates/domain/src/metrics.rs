//! The counts the domain reports, through the `metrics` facade: every metric name the
//! services use is here, once.
//!
//! The facade is to counts what `tracing` is to logs: the domain says what happened and
//! knows no exporter. With no recorder installed (tests, `METRICS_BIND` unset) every call is
//! a no-op; the binary installs the Prometheus recorder.

use crate::ports::MailError;

/// Mail the relay accepted, by kind.
pub const MAIL_SENT: &str = "mail_sent_total";
/// Failed deliveries that will be retried (4xx, timeouts, connection errors), by kind.
pub const MAIL_RETRIED: &str = "mail_failures_total";
/// Mail given up on, by kind and reason (`permanent`, `configuration`, `attempts`).
pub const MAIL_DEAD: &str = "mail_dead_total";
/// Refused sign-ins, by reason (`unknown_user`, `wrong_password`, `locked`).
pub const LOGIN_FAILURES: &str = "login_failures_total";
/// Accounts locked after too many wrong passwords.
pub const LOGIN_LOCKOUTS: &str = "login_lockouts_total";

pub(crate) fn mail_sent(kind: &'static str) {
    metrics::counter!(MAIL_SENT, "kind" => kind).increment(1);
}

pub(crate) fn mail_retried(kind: &'static str) {
    metrics::counter!(MAIL_RETRIED, "kind" => kind).increment(1);
}

pub(crate) fn mail_dead(kind: &'static str, error: &MailError) {
    let reason = match error {
        MailError::Transient(_) => "attempts",
        MailError::Permanent(_) => "permanent",
        MailError::Configuration(_) => "configuration",
    };
    metrics::counter!(MAIL_DEAD, "kind" => kind, "reason" => reason).increment(1);
}

/// A request kept dead without an attempt: older than `MAIL_INTENT_MAX_AGE`.
pub(crate) fn mail_dead_unsent(kind: &'static str) {
    metrics::counter!(MAIL_DEAD, "kind" => kind, "reason" => "too_old").increment(1);
}

pub(crate) fn login_failed(reason: &'static str) {
    metrics::counter!(LOGIN_FAILURES, "reason" => reason).increment(1);
}

pub(crate) fn login_locked() {
    metrics::counter!(LOGIN_LOCKOUTS).increment(1);
}
