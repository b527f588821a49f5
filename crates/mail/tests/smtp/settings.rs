//! `SmtpConfig` checks: impossible settings are refused at start-up, naming the variable.

use super::config_for_port;
use microblog_mail::{MailConfigError, SmtpConfig, SmtpMailer};
use std::time::Duration;

fn refused(config: SmtpConfig) -> MailConfigError {
    SmtpMailer::new(config).expect_err("settings should be refused")
}

#[test]
fn both_tls_modes_at_once_are_refused() {
    let mut config = config_for_port(465);
    config.use_tls = true;
    config.use_ssl = true;
    assert_eq!(refused(config), MailConfigError::BothTlsModes);
}

#[test]
fn half_a_set_of_credentials_names_the_missing_variable() {
    let mut config = config_for_port(587);
    config.username = Some("user".into());
    let error = refused(config.clone());
    assert!(error.to_string().contains("MAIL_PASSWORD"), "{error}");
    config.username = None;
    config.password = Some("secret".into());
    assert!(refused(config).to_string().contains("MAIL_USERNAME"));
}

#[test]
fn a_sender_that_is_not_an_address_is_refused() {
    for sender in [
        "",
        "not an address",
        "Microblog <broken",
        "a@b.c\r\nBcc: x@y.z",
    ] {
        let mut config = config_for_port(25);
        config.sender = sender.into();
        assert!(
            matches!(refused(config), MailConfigError::InvalidSender { .. }),
            "{sender:?}"
        );
    }
}

#[test]
fn a_sender_with_a_display_name_is_accepted() {
    let mut config = config_for_port(25);
    config.sender = "Microblog Admin <admin@example.com>".into();
    assert!(SmtpMailer::new(config).is_ok());
}

#[test]
fn empty_servers_zero_timeouts_and_empty_pools_are_refused() {
    let mut config = config_for_port(25);
    config.server = " ".into();
    assert!(matches!(refused(config), MailConfigError::InvalidServer(_)));
    let mut config = config_for_port(25);
    config.command_timeout = Duration::ZERO;
    assert_eq!(refused(config), MailConfigError::ZeroTimeout);
    let mut config = config_for_port(25);
    config.pool_max_size = 0;
    assert_eq!(refused(config), MailConfigError::ZeroPoolSize);
}

#[test]
fn the_gmail_settings_of_the_tutorial_are_accepted_without_a_runtime_or_network() {
    let mut config = SmtpConfig::new("smtp.googlemail.com", "admin@example.com");
    config.port = 587;
    config.use_tls = true;
    config.username = Some("me@gmail.com".into());
    config.password = Some("app password".into());
    assert!(SmtpMailer::new(config).is_ok());
}

#[test]
fn debug_output_never_shows_the_password() {
    let mut config = config_for_port(25);
    config.password = Some("hunter2-secret".into());
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert!(shown.contains("[redacted]"));
}

#[test]
fn a_mail_ca_file_that_cannot_be_used_is_refused_naming_it() {
    let ca = microblog_testkit::smtp_sink::ca_certificate_path();
    let key_only = ca.with_file_name("sink-key.pem");
    let missing = ca.with_file_name("no-such-file.pem");
    for (path, why) in [
        (key_only, "holds no PEM certificate"),
        (missing, "No such file"),
    ] {
        let mut config = config_for_port(587);
        config.use_tls = true;
        config.ca_file = Some(path.clone());
        let error = refused(config).to_string();
        assert!(error.contains("MAIL_CA_FILE"), "{error}");
        assert!(error.contains(why), "{path:?}: {error}");
    }
}

#[test]
fn a_mail_ca_file_of_ca_certificates_is_accepted() {
    let mut config = config_for_port(587);
    config.use_ssl = true;
    config.ca_file = Some(microblog_testkit::smtp_sink::ca_certificate_path().to_owned());
    assert!(SmtpMailer::new(config).is_ok());
}
