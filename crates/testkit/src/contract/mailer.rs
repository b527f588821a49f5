//! The [`Mailer`] contract: what every mail transport must do when the world is well.
//!
//! Run [`mailer`] against your adapter connected to something that accepts mail (the
//! [`crate::smtp_sink::SmtpSink`] for an SMTP adapter). It checks that:
//!
//! 1. a typical email — multi-line text with a link, HTML with characters that need escaping,
//!    a non-ASCII subject, a line that starts with a dot, a 900-character line — is accepted;
//! 2. the same mailer accepts a second email right after (it is reusable, e.g. a pooled
//!    connection is put back in a usable state), here to two recipients;
//! 3. four sends at once all succeed (the mailer is safe to share between tasks);
//! 4. each of those calls returns within the bound ([`DEFAULT_BOUND`] or the one given).
//!
//! It returns the emails it sent so the caller can check what arrived on its side (e.g. that
//! the sink received them with their parts intact). It does not check failure
//! classification — that needs a transport made to fail, which only the adapter's own tests
//! can arrange (see `crates/mail/tests/` for the SMTP adapter's).

use microblog_domain::ports::Mailer;
use microblog_domain::{Email, EmailKind};
use std::time::Duration;

/// How long one send may take on a healthy local transport.
pub const DEFAULT_BOUND: Duration = Duration::from_secs(10);

/// Runs the contract with [`DEFAULT_BOUND`], sending to `recipient`.
///
/// # Panics
/// When the mailer breaks the contract (the message says which clause).
pub async fn mailer(mailer: &dyn Mailer, recipient: &str) -> Vec<Email> {
    mailer_within(mailer, recipient, DEFAULT_BOUND).await
}

/// Runs the contract, allowing each send `bound`.
///
/// # Panics
/// When the mailer breaks the contract (the message says which clause).
pub async fn mailer_within(mailer: &dyn Mailer, recipient: &str, bound: Duration) -> Vec<Email> {
    let mut sent = Vec::new();

    let typical = typical_email(recipient, 1);
    send_within(mailer, &typical, bound, "1: a typical email is accepted").await;
    sent.push(typical);

    let mut second = typical_email(recipient, 2);
    second.to.push(second_recipient(recipient));
    send_within(mailer, &second, bound, "2: the mailer is reusable").await;
    sent.push(second);

    let batch: Vec<Email> = (3..7).map(|n| typical_email(recipient, n)).collect();
    let clause = "3: concurrent sends succeed";
    tokio::join!(
        send_within(mailer, &batch[0], bound, clause),
        send_within(mailer, &batch[1], bound, clause),
        send_within(mailer, &batch[2], bound, clause),
        send_within(mailer, &batch[3], bound, clause),
    );
    sent.extend(batch);
    sent
}

async fn send_within(mailer: &dyn Mailer, email: &Email, bound: Duration, clause: &str) {
    match tokio::time::timeout(bound, mailer.send(email)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => panic!("mailer contract {clause}: send failed: {error}"),
        Err(_) => panic!("mailer contract {clause}: send took longer than {bound:?}"),
    }
}

/// `plus+contract@domain` style second address on the same domain as `recipient`.
fn second_recipient(recipient: &str) -> String {
    match recipient.split_once('@') {
        Some((local, domain)) => format!("{local}+second@{domain}"),
        None => format!("{recipient}+second"),
    }
}

/// A reset-password-like email, numbered `n` in its subject so it can be told apart.
pub fn typical_email(recipient: &str, n: u32) -> Email {
    let link = format!("https://microblog.example/reset_password/eyJhbGciOiJIUzI1NiJ9.contract{n}");
    Email {
        kind: EmailKind::ResetPassword,
        to: vec![recipient.to_owned()],
        subject: format!("[Microblog] Contract email {n} — réinitialiser"),
        text_body: format!(
            "Dear contract,\n\nTo reset your password click on the following link:\n\n{link}\n\n\
             .a line that starts with a dot\n{}\n\nSincerely,\n\nThe Microblog Team\n",
            "long ".repeat(180)
        ),
        html_body: format!(
            "<p>Dear contract &amp; &lt;friends&gt;,</p>\n<p><a href=\"{link}\">click here</a></p>\n"
        ),
    }
}
