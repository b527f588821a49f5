//! `DeadMailDigest`: tells `ADMINS` about newly dead mail, in one email per hour at most.
//!
//! Every process runs it; the database decides ([`DeadLetters::queue_digest`]): one digest
//! per quiet period whatever the number of instances, and no dead mail reported twice.

use super::OutboxSignal;
use crate::mail_request::{DeadMailLine, MailRequest};
use crate::ports::{Clock, DeadLetters, DeadMail, DigestQueued, OutboxError};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The shortest time between two digests.
pub const DIGEST_QUIET: Duration = Duration::from_secs(3600);
/// The most dead mails one digest lists (it counts them all).
const LISTED: usize = 50;
/// The longest error text a digest quotes, in characters.
const ERROR_CHARS: usize = 300;

/// Queues the dead-mail digest to the administrators when there is something to say.
#[derive(Clone)]
pub struct DeadMailDigest {
    dead: Arc<dyn DeadLetters>,
    clock: Arc<dyn Clock>,
    admins: Vec<String>,
    signal: OutboxSignal,
    quiet: Duration,
}

impl DeadMailDigest {
    /// Digests to `admins` (none: nothing is ever reported, or marked reported), at most one
    /// per [`DIGEST_QUIET`]; `signal` wakes this process's dispatcher when one is queued.
    pub fn new(
        dead: Arc<dyn DeadLetters>,
        clock: Arc<dyn Clock>,
        admins: Vec<String>,
        signal: OutboxSignal,
    ) -> Self {
        Self {
            dead,
            clock,
            admins,
            signal,
            quiet: DIGEST_QUIET,
        }
    }

    /// Queues a digest of the dead mail not yet reported, unless there is none, no
    /// administrator, or a digest went out (from any process) within the last hour.
    ///
    /// # Errors
    /// [`OutboxError`] when the storage fails; nothing was reported then.
    pub async fn report_once(&self) -> Result<Option<DigestQueued>, OutboxError> {
        if self.admins.is_empty() {
            return Ok(None);
        }
        let now = self.clock.now();
        let build = |mails: &[DeadMail]| MailRequest::DeadMailDigest {
            to: self.admins.clone(),
            total: u64::try_from(mails.len()).unwrap_or(u64::MAX),
            mails: mails.iter().take(LISTED).map(line).collect(),
            made_at: now,
        };
        let queued = self.dead.queue_digest(now, self.quiet, &build).await?;
        if let Some(digest) = &queued {
            tracing::warn!(
                reported = digest.reported,
                outbox_id = digest.id.0,
                "dead mail reported to ADMINS"
            );
            self.signal.notify();
        }
        Ok(queued)
    }

    /// Looks every `every` until `shutdown`; a failure is logged and tried again next turn.
    pub async fn run(self, every: Duration, shutdown: CancellationToken) {
        if self.admins.is_empty() {
            return;
        }
        loop {
            if let Err(error) = self.report_once().await {
                tracing::warn!(%error, "could not queue the dead-mail digest; will try again");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(every) => {}
            }
        }
    }
}

fn line(mail: &DeadMail) -> DeadMailLine {
    DeadMailLine {
        id: mail.id.0,
        kind: mail.kind.clone(),
        recipients: mail.recipients.iter().map(|to| mask(to)).collect(),
        last_error: mask_addresses(mail.last_error.as_deref().unwrap_or("(no error recorded)"))
            .chars()
            .take(ERROR_CHARS)
            .collect(),
    }
}

/// Every address-like word of `text` (a relay's `550 <susan@example.com>: no such user`)
/// masked as [`mask`] does, so the error does not give back what the recipient column hid.
fn mask_addresses(text: &str) -> String {
    let separator = |c: char| c.is_whitespace() || "<>\"'(),;[]".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str(&mask(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if separator(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `susan@example.com` → `s***@example.com`: the domain tells an operator which relay or
/// provider refuses, the full address stays in the database (`microblog outbox list`), not
/// in a mailbox that may be read elsewhere. Anything without an `@` becomes `***`.
pub fn mask(address: &str) -> String {
    let address = address.trim();
    let at = address.rfind('@');
    match (address.chars().next(), at) {
        (Some(first), Some(at)) if at > 0 => format!("{first}***{}", &address[at..]),
        _ => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{mask, mask_addresses};

    #[test]
    fn masking_keeps_the_first_letter_and_the_domain() {
        assert_eq!(mask("susan@example.com"), "s***@example.com");
        assert_eq!(mask("é@x.org"), "é***@x.org");
        assert_eq!(mask("@x.org"), "***");
        assert_eq!(mask("nobody"), "***");
        assert_eq!(mask(""), "***");
    }

    #[test]
    fn addresses_in_a_relay_reply_are_masked_too() {
        assert_eq!(
            mask_addresses("550 5.1.1 <susan@example.com>: no such user"),
            "550 5.1.1 <s***@example.com>: no such user"
        );
        assert_eq!(
            mask_addresses("RCPT TO:<a.b@x.org> and bob@y.net, 2 of 2"),
            "RCPT TO:<a***@x.org> and b***@y.net, 2 of 2"
        );
        assert_eq!(mask_addresses("421 try later"), "421 try later");
    }
}
