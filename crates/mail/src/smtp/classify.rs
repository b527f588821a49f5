//! Sorting lettre's SMTP errors into worth-a-retry, never-for-this-email, and fix-the-settings.

use lettre::transport::smtp::Error;
use microblog_domain::ports::MailError;
use rustls::CertificateError;
use std::error::Error as _;

/// Reply codes about logging in (RFC 4954): authentication required, mechanism too weak,
/// credentials invalid, encryption required. They say the *transport's* settings are wrong,
/// not that this email can never be delivered.
const AUTH_CODES: [&str; 4] = ["530", "534", "535", "538"];

/// Maps a lettre error to the domain's [`MailError`]:
///
/// - the server's certificate is not trusted, not valid for `MAIL_SERVER`, expired, … →
///   [`MailError::Configuration`], naming `MAIL_CA_FILE` and the system trust store;
/// - a 530/534/535/538 reply, or no AUTH mechanism in common → [`MailError::Configuration`]
///   naming `MAIL_USERNAME`, `MAIL_PASSWORD` and `MAIL_USE_TLS`;
/// - any other 5xx reply (e.g. `550` recipient rejected, `552` too big, `554` refused) →
///   [`MailError::Permanent`] with the server's reply;
/// - a message this server can never take (non-ASCII addresses without SMTPUTF8) →
///   [`MailError::Permanent`];
/// - everything else — a 4xx reply, connection refused or reset, timeouts, other TLS
///   failures, unparsable replies, a server lacking the STARTTLS the settings require →
///   [`MailError::Transient`].
pub(super) fn classify(error: &Error) -> MailError {
    let detail = error.to_string();
    if let Some(certificate) = certificate_error(error) {
        return MailError::Configuration(format!(
            "{detail}: {} (install the relay's CA in the system trust store, or name its PEM \
             file in MAIL_CA_FILE; MAIL_SERVER must be a name on the certificate)",
            explain(certificate)
        ));
    }
    let auth_refusal = error
        .status()
        .is_some_and(|code| AUTH_CODES.contains(&code.to_string().as_str()));
    let no_mechanism = error.is_client() && detail.contains("authentication mechanism");
    if auth_refusal || no_mechanism {
        return MailError::Configuration(format!(
            "{detail} (check MAIL_USERNAME, MAIL_PASSWORD and MAIL_USE_TLS)"
        ));
    }
    if error.is_permanent() {
        return MailError::Permanent(detail);
    }
    // lettre reports "server lacks SMTPUTF8/8BITMIME for this message" as a client error
    // whose only distinguishing mark is its text.
    if error.is_client() && detail.contains("non-ascii") {
        return MailError::Permanent(detail);
    }
    MailError::Transient(detail)
}

/// The certificate problem rustls found in the handshake, if that is what failed. rustls's
/// error travels inside an `io::Error` (tokio-rustls), whose `source()` skips it, so each
/// link of the chain is also looked into.
fn certificate_error(error: &Error) -> Option<&CertificateError> {
    let mut link: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(current) = link {
        let inner = current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .map_or(current, |inner| inner as &(dyn std::error::Error + 'static));
        for candidate in [current, inner] {
            if let Some(rustls::Error::InvalidCertificate(certificate)) =
                candidate.downcast_ref::<rustls::Error>()
            {
                return Some(certificate);
            }
        }
        link = inner.source().or_else(|| current.source());
    }
    None
}

fn explain(error: &CertificateError) -> &'static str {
    match error {
        CertificateError::UnknownIssuer => {
            "the mail server's certificate is signed by a CA this machine does not trust"
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "the mail server's certificate does not name MAIL_SERVER"
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the mail server's certificate has expired"
        }
        _ => "the mail server's certificate is not acceptable",
    }
}
