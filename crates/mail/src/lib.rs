//! Microblog's mail adapters: [`SmtpMailer`] (lettre, pooled, STARTTLS / implicit TLS /
//! AUTH), [`ConsoleMailer`] (logs emails when no mail server is configured), and
//! [`MinijinjaComposer`] (renders emails from `templates/email/`).

mod composer;
mod console;
mod previews;
mod smtp;
mod test_email;

pub use composer::{ComposerError, EMAIL_KINDS, MinijinjaComposer, TEMPLATE_FILES};
pub use console::{ConsoleMailer, format_email};
pub use previews::{PREVIEW_RECIPIENT, preview_emails, preview_page};
pub use smtp::{MailConfigError, SmtpConfig, SmtpMailer};
pub use test_email::send_test_email;
