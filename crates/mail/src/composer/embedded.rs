//! The repository's `templates/email/`, compiled into the binary.

/// `(name, source)` of a template file, `name` being `<kind>/<file>`.
macro_rules! template {
    ($kind:literal, $file:literal) => {
        (
            concat!($kind, "/", $file),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../templates/email/",
                $kind,
                "/",
                $file
            )),
        )
    };
}

/// Every built-in template.
pub(super) const TEMPLATES: [(&str, &str); 30] = [
    template!("reset_password", "subject.txt"),
    template!("reset_password", "body.txt"),
    template!("reset_password", "body.html"),
    template!("confirm_email", "subject.txt"),
    template!("confirm_email", "body.txt"),
    template!("confirm_email", "body.html"),
    template!("confirm_email_change", "subject.txt"),
    template!("confirm_email_change", "body.txt"),
    template!("confirm_email_change", "body.html"),
    template!("email_changed", "subject.txt"),
    template!("email_changed", "body.txt"),
    template!("email_changed", "body.html"),
    template!("email_in_use", "subject.txt"),
    template!("email_in_use", "body.txt"),
    template!("email_in_use", "body.html"),
    template!("password_changed", "subject.txt"),
    template!("password_changed", "body.txt"),
    template!("password_changed", "body.html"),
    template!("sign_in_locked", "subject.txt"),
    template!("sign_in_locked", "body.txt"),
    template!("sign_in_locked", "body.html"),
    template!("server_error", "subject.txt"),
    template!("server_error", "body.txt"),
    template!("server_error", "body.html"),
    template!("dead_mail_digest", "subject.txt"),
    template!("dead_mail_digest", "body.txt"),
    template!("dead_mail_digest", "body.html"),
    template!("test", "subject.txt"),
    template!("test", "body.txt"),
    template!("test", "body.html"),
];
