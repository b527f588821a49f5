//! Configuration parsing: defaults, the tutorial's Gmail setup, and one-line errors.

use super::*;
use std::collections::HashMap;

fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    let source = move |name: &str| map.get(name).cloned();
    Config::load(&source, "127.0.0.1:5000".parse().unwrap())
}

#[test]
fn defaults_run_on_sqlite_with_the_console_mailer() {
    let config = load(&[]).unwrap();
    assert_eq!(config.database_url, "sqlite://microblog.db?mode=rwc");
    assert_eq!(config.base_url, "http://127.0.0.1:5000");
    assert!(
        config.mail.smtp.is_none(),
        "no MAIL_SERVER: the console mailer"
    );
    let smtp = load(&[("MAIL_SERVER", "localhost")]).unwrap().mail.smtp;
    assert_eq!(smtp.map(|smtp| smtp.port), Some(25), "MAIL_PORT's default");
    assert_eq!(config.reset_token_ttl, Duration::from_secs(600));
    assert_eq!(config.mail_intent_max_age, Duration::from_secs(24 * 3600));
    assert_eq!(config.confirm_token_ttl, Duration::from_secs(48 * 3600));
    assert_eq!(config.outbox_retention, Duration::from_secs(7 * 24 * 3600));
    assert_eq!(config.posts_per_page, 25);
    assert_eq!(config.feed_limits.max_entries, 800);
    assert_eq!(config.feed_limits.fanout_max_followers, 10_000);
    assert!(config.secret_key.is_none());
    assert!(!config.log_json);
}

#[test]
fn the_tutorials_gmail_setup_is_just_variables() {
    let config = load(&[
        ("MAIL_SERVER", "smtp.googlemail.com"),
        ("MAIL_PORT", "587"),
        ("MAIL_USE_TLS", "1"),
        ("MAIL_USERNAME", "me@gmail.com"),
        ("MAIL_PASSWORD", "app-password"),
        ("ADMINS", "me@gmail.com, ops@example.com"),
    ])
    .unwrap();
    let smtp = config.mail.smtp.as_ref().expect("MAIL_SERVER is set");
    assert_eq!(smtp.server, "smtp.googlemail.com");
    assert_eq!(smtp.port, 587);
    assert!(smtp.use_tls && !smtp.use_ssl);
    assert_eq!(config.mail.sender, "me@gmail.com", "first of ADMINS");
    assert_eq!(config.admins, ["me@gmail.com", "ops@example.com"]);
    assert_eq!(smtp.ca_file, None, "the system trust store alone");
}

#[test]
fn a_relay_ca_file_goes_to_the_smtp_settings() {
    let config = load(&[
        ("MAIL_SERVER", "relay.corp.example"),
        ("MAIL_PORT", "587"),
        ("MAIL_USE_TLS", "1"),
        ("MAIL_CA_FILE", "/etc/ssl/corp-ca.pem"),
    ])
    .unwrap();
    let smtp = config.mail.smtp.expect("MAIL_SERVER is set");
    assert_eq!(
        smtp.ca_file.as_deref(),
        Some(std::path::Path::new("/etc/ssl/corp-ca.pem"))
    );
}

#[test]
fn each_bad_variable_is_named_in_one_line() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("SECRET_KEY", "short")], "SECRET_KEY"),
        (&[("MAIL_PORT", "abc")], "MAIL_PORT"),
        (&[("MAIL_PORT", "70000")], "MAIL_PORT"),
        (&[("MAIL_USE_TLS", "maybe")], "MAIL_USE_TLS"),
        (
            &[("MAIL_USE_TLS", "1"), ("MAIL_USE_SSL", "1")],
            "MAIL_USE_SSL",
        ),
        (&[("MAIL_USERNAME", "me")], "MAIL_PASSWORD"),
        (&[("ADMINS", "root, not-an-address")], "ADMINS"),
        (&[("BASE_URL", "microblog.example")], "BASE_URL"),
        (
            &[("BASE_URL", "https://evil@microblog.example")],
            "BASE_URL",
        ),
        (&[("RESET_TOKEN_TTL", "0")], "RESET_TOKEN_TTL"),
        (&[("MAIL_INTENT_MAX_AGE", "59")], "MAIL_INTENT_MAX_AGE"),
        (&[("CONFIRM_TOKEN_TTL", "0")], "CONFIRM_TOKEN_TTL"),
        (&[("OUTBOX_RETENTION", "a week")], "OUTBOX_RETENTION"),
        (&[("POSTS_PER_PAGE", "-1")], "POSTS_PER_PAGE"),
        (&[("TIMELINE_MAX_ENTRIES", "0")], "TIMELINE_MAX_ENTRIES"),
        (
            &[("TIMELINE_FANOUT_MAX_FOLLOWERS", "many")],
            "TIMELINE_FANOUT_MAX_FOLLOWERS",
        ),
        (&[("HASH_CONCURRENCY", "0")], "HASH_CONCURRENCY"),
        (&[("HASH_QUEUE", "lots")], "HASH_QUEUE"),
        (&[("LOG_FORMAT", "xml")], "LOG_FORMAT"),
        (
            &[("LOGIN_LOCKOUT_THRESHOLD", "0")],
            "LOGIN_LOCKOUT_THRESHOLD",
        ),
        (&[("LOGIN_LOCKOUT_WINDOW", "15m")], "LOGIN_LOCKOUT_WINDOW"),
        (
            &[("LOGIN_LOCKOUT_DURATION", "90000")],
            "LOGIN_LOCKOUT_DURATION",
        ),
        (&[("SESSION_IDLE_TIMEOUT", "2h")], "SESSION_IDLE_TIMEOUT"),
        (&[("REMEMBER_ME_DAYS", "0")], "REMEMBER_ME_DAYS"),
        (
            &[("MAIL_DEFAULT_SENDER", "Microblog <nope>")],
            "MAIL_DEFAULT_SENDER",
        ),
        (
            &[
                ("MAIL_SERVER", "relay"),
                ("MAIL_CA_FILE", "/etc/relay-ca.pem"),
            ],
            "MAIL_CA_FILE",
        ),
        (&[("METRICS_BIND", "9100")], "METRICS_BIND"),
        (&[("AVATARS", "gravatar.com")], "AVATARS"),
    ];
    for (vars, variable) in cases {
        let error = load(vars).unwrap_err();
        assert_eq!(error.variable, *variable, "{vars:?}");
        let line = error.to_string();
        assert!(line.starts_with(&format!("invalid {variable}: ")), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }
}

#[test]
fn base_url_loses_its_trailing_slash() {
    let config = load(&[("BASE_URL", "https://microblog.example/")]).unwrap();
    assert_eq!(config.base_url, "https://microblog.example");
}

#[test]
fn sender_defaults_are_sensible() {
    let named = load(&[(
        "MAIL_DEFAULT_SENDER",
        "Microblog <no-reply@microblog.example>",
    )])
    .unwrap();
    assert_eq!(named.mail.sender, "Microblog <no-reply@microblog.example>");
    let fallback = load(&[("BASE_URL", "https://microblog.example")]).unwrap();
    assert_eq!(
        fallback.mail.sender,
        "Microblog <no-reply@microblog.example>"
    );
    let local = load(&[]).unwrap();
    assert_eq!(
        local.mail.sender,
        "Microblog <no-reply@localhost.localdomain>"
    );
}

#[test]
fn login_lockout_defaults_to_ten_failures_in_fifteen_minutes_for_fifteen_minutes() {
    let config = load(&[]).unwrap();
    assert_eq!(config.login_lockout.threshold, 10);
    assert_eq!(config.login_lockout.window, Duration::from_secs(900));
    assert_eq!(config.login_lockout.duration, Duration::from_secs(900));
    let tuned = load(&[
        ("LOGIN_LOCKOUT_THRESHOLD", "5"),
        ("LOGIN_LOCKOUT_WINDOW", "600"),
        ("LOGIN_LOCKOUT_DURATION", "3600"),
    ])
    .unwrap();
    assert_eq!(tuned.login_lockout.threshold, 5);
    assert_eq!(tuned.login_lockout.window, Duration::from_secs(600));
    assert_eq!(tuned.login_lockout.duration, Duration::from_secs(3600));
}

#[test]
fn sessions_default_to_two_idle_hours_and_thirty_remembered_days() {
    let config = load(&[]).unwrap();
    assert_eq!(config.sessions.idle_timeout, Duration::from_secs(7200));
    assert_eq!(
        config.sessions.remember_for,
        Duration::from_secs(30 * 86_400)
    );
    let tuned = load(&[("SESSION_IDLE_TIMEOUT", "600"), ("REMEMBER_ME_DAYS", "7")]).unwrap();
    assert_eq!(tuned.sessions.idle_timeout, Duration::from_secs(600));
    assert_eq!(tuned.sessions.remember_for, Duration::from_secs(7 * 86_400));
}

#[test]
fn avatars_are_local_unless_gravatar_is_asked_for() {
    assert_eq!(load(&[]).unwrap().avatars, Avatars::Local);
    assert_eq!(
        load(&[("AVATARS", "local")]).unwrap().avatars,
        Avatars::Local
    );
    assert_eq!(
        load(&[("AVATARS", " Gravatar ")]).unwrap().avatars,
        Avatars::Gravatar
    );
    let error = load(&[("AVATARS", "robohash")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid AVATARS: expected local or gravatar, got \"robohash\""
    );
}
