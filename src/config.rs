//! Configuration from the environment (and an optional `.env`), validated at start-up.
//!
//! Every variable of DESIGN §5. A bad value is a one-line error naming the variable.

use microblog_crypto::HashLimits;
use microblog_domain::ports::{FeedLimits, LockoutRule};
use microblog_domain::services::SessionRules;
use microblog_domain::values::{EmailAddress, SecretKey};
use microblog_mail::SmtpConfig;
use microblog_web::Avatars;
use std::net::SocketAddr;
use std::time::Duration;

/// A configuration error: which variable, and what is wrong with it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn invalid(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

/// Outgoing mail: SMTP when `MAIL_SERVER` is set, the console mailer otherwise.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The `MAIL_*` settings as the SMTP mailer takes them; `None` when `MAIL_SERVER` is
    /// unset, and emails are printed to the log instead.
    pub smtp: Option<SmtpConfig>,
    /// The From of every email, whichever mailer sends it (`smtp.sender` is the same).
    pub sender: String,
}

/// The whole configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub database_max_connections: u32,
    /// `None`: no `SECRET_KEY` was set; a random one is used for this process only.
    pub secret_key: Option<SecretKey>,
    pub base_url: String,
    pub mail: MailSettings,
    pub admins: Vec<String>,
    pub reset_token_ttl: Duration,
    /// How long an address-confirmation link stays valid (`CONFIRM_TOKEN_TTL`).
    pub confirm_token_ttl: Duration,
    /// At most one reset email per address per this interval.
    pub reset_request_throttle: Duration,
    pub posts_per_page: u32,
    /// `TIMELINE_MAX_ENTRIES` and `TIMELINE_FANOUT_MAX_FOLLOWERS`: how big home feeds grow
    /// and above how many followers an author's posts are merged at read time instead.
    pub feed_limits: FeedLimits,
    /// Argon2 hashes at once (`HASH_CONCURRENCY`) and waiting (`HASH_QUEUE`); past both,
    /// login, registration and reset answer 503.
    pub hash_limits: HashLimits,
    /// How long a dispatcher owns a claimed outbox entry before another may take it.
    pub outbox_lease: Duration,
    /// A mail request older than this is not sent (`MAIL_INTENT_MAX_AGE`); it becomes dead.
    pub mail_intent_max_age: Duration,
    /// Sent and dropped outbox entries are deleted this long after they finished.
    pub outbox_retention: Duration,
    pub rate_limit_per_minute: u32,
    pub trust_forwarded_for: bool,
    pub log_json: bool,
    /// `LOGIN_LOCKOUT_THRESHOLD` wrong passwords within `LOGIN_LOCKOUT_WINDOW` seconds lock
    /// an account for `LOGIN_LOCKOUT_DURATION` seconds.
    pub login_lockout: LockoutRule,
    /// `SESSION_IDLE_TIMEOUT` seconds and `REMEMBER_ME_DAYS`: how long login sessions last.
    pub sessions: SessionRules,
    /// `METRICS_BIND`: where Prometheus metrics are served; `None` (unset): nowhere.
    pub metrics_bind: Option<SocketAddr>,
    /// `AVATARS`: generated identicons (`local`, the default) or Gravatar's images.
    pub avatars: Avatars,
}

/// Where configuration values come from (the process environment, or a map in tests).
pub trait Source {
    /// The value of `name`; empty values count as unset.
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct Environment;

impl Source for Environment {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<F: Fn(&str) -> Option<String>> Source for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name).filter(|v| !v.trim().is_empty())
    }
}

impl Config {
    /// Reads and validates every variable. `bind` is where `serve` listens: the default
    /// `BASE_URL` points at it.
    ///
    /// # Errors
    /// The first invalid variable, as a [`ConfigError`].
    pub fn load(source: &impl Source, bind: SocketAddr) -> Result<Self, ConfigError> {
        let secret_key = source
            .get("SECRET_KEY")
            .map(|raw| SecretKey::parse(&raw).map_err(|e| invalid("SECRET_KEY", e.to_string())))
            .transpose()?;
        let base_url = match source.get("BASE_URL") {
            Some(raw) => parse_base_url(&raw)?,
            None => format!("http://{bind}"),
        };
        let admins = parse_admins(source.get("ADMINS"))?;
        Ok(Self {
            database_url: source
                .get("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://microblog.db?mode=rwc".to_owned()),
            database_max_connections: number(source, "DATABASE_MAX_CONNECTIONS", 10, 1, 1000)?,
            secret_key,
            mail: parse_mail(source, &admins, &base_url)?,
            base_url,
            admins,
            reset_token_ttl: Duration::from_secs(
                number(source, "RESET_TOKEN_TTL", 600, 1, 86_400)?.into(),
            ),
            confirm_token_ttl: Duration::from_secs(
                number(source, "CONFIRM_TOKEN_TTL", 172_800, 60, 30 * 86_400)?.into(),
            ),
            reset_request_throttle: Duration::from_secs(
                number(source, "RESET_REQUEST_THROTTLE", 60, 1, 86_400)?.into(),
            ),
            posts_per_page: number(source, "POSTS_PER_PAGE", 25, 1, 100)?,
            feed_limits: FeedLimits {
                max_entries: number(source, "TIMELINE_MAX_ENTRIES", 800, 1, 100_000)?,
                fanout_max_followers: number(
                    source,
                    "TIMELINE_FANOUT_MAX_FOLLOWERS",
                    10_000,
                    0,
                    100_000_000,
                )?
                .into(),
            },
            hash_limits: parse_hash_limits(source)?,
            outbox_lease: Duration::from_secs(number(source, "OUTBOX_LEASE", 60, 3, 3600)?.into()),
            mail_intent_max_age: Duration::from_secs(
                number(source, "MAIL_INTENT_MAX_AGE", 86_400, 60, 30 * 86_400)?.into(),
            ),
            outbox_retention: Duration::from_secs(
                number(source, "OUTBOX_RETENTION", 7 * 86_400, 60, 365 * 86_400)?.into(),
            ),
            rate_limit_per_minute: number(source, "RATE_LIMIT_PER_MINUTE", 20, 1, 100_000)?,
            trust_forwarded_for: flag(source, "TRUST_FORWARDED_FOR")?,
            login_lockout: parse_login_lockout(source)?,
            sessions: SessionRules {
                idle_timeout: Duration::from_secs(
                    number(source, "SESSION_IDLE_TIMEOUT", 7200, 60, 30 * 86_400)?.into(),
                ),
                remember_for: Duration::from_secs(
                    u64::from(number(source, "REMEMBER_ME_DAYS", 30, 1, 400)?) * 86_400,
                ),
                ..SessionRules::default()
            },
            metrics_bind: source
                .get("METRICS_BIND")
                .map(|raw| {
                    raw.trim().parse::<SocketAddr>().map_err(|_| {
                        invalid(
                            "METRICS_BIND",
                            format!(
                                "expected an address and port such as 127.0.0.1:9100, got {raw:?}"
                            ),
                        )
                    })
                })
                .transpose()?,
            avatars: source
                .get("AVATARS")
                .map(|raw| Avatars::parse(&raw).map_err(|message| invalid("AVATARS", message)))
                .transpose()?
                .unwrap_or_default(),
            log_json: match source.get("LOG_FORMAT").as_deref() {
                None | Some("text") => false,
                Some("json") => true,
                Some(other) => {
                    return Err(invalid(
                        "LOG_FORMAT",
                        format!("expected text or json, got {other:?}"),
                    ));
                }
            },
        })
    }
}

/// `HASH_CONCURRENCY` (default: one per core) and `HASH_QUEUE` (default: four per worker).
fn parse_hash_limits(source: &impl Source) -> Result<HashLimits, ConfigError> {
    let machine = HashLimits::for_this_machine();
    let default_workers = u32::try_from(machine.workers).unwrap_or(u32::MAX).min(256);
    let workers = number(source, "HASH_CONCURRENCY", default_workers, 1, 256)?;
    let queue = number(source, "HASH_QUEUE", workers * 4, 0, 100_000)?;
    Ok(HashLimits {
        workers: workers as usize,
        queue: queue as usize,
    })
}

/// `LOGIN_LOCKOUT_THRESHOLD` (default 10), `LOGIN_LOCKOUT_WINDOW` and
/// `LOGIN_LOCKOUT_DURATION` (seconds, default 900 each).
fn parse_login_lockout(source: &impl Source) -> Result<LockoutRule, ConfigError> {
    let seconds = |variable, default| {
        number(source, variable, default, 1, 86_400).map(|s| Duration::from_secs(s.into()))
    };
    Ok(LockoutRule {
        threshold: number(source, "LOGIN_LOCKOUT_THRESHOLD", 10, 1, 1000)?,
        window: seconds("LOGIN_LOCKOUT_WINDOW", 900)?,
        duration: seconds("LOGIN_LOCKOUT_DURATION", 900)?,
    })
}

fn number(
    source: &impl Source,
    variable: &'static str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    let Some(raw) = source.get(variable) else {
        return Ok(default);
    };
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            invalid(
                variable,
                format!("expected a whole number from {min} to {max}, got {raw:?}"),
            )
        })
}

fn flag(source: &impl Source, variable: &'static str) -> Result<bool, ConfigError> {
    match source
        .get(variable)
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("0" | "false" | "no" | "off") => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some(other) => Err(invalid(
            variable,
            format!("expected 1/0, true/false, yes/no or on/off, got {other:?}"),
        )),
    }
}

fn parse_base_url(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            invalid(
                "BASE_URL",
                format!("must start with http:// or https://, got {raw:?}"),
            )
        })?;
    let host = rest.split('/').next().unwrap_or_default();
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '@' | '\\');
    if host.is_empty() || rest.chars().any(bad) {
        return Err(invalid(
            "BASE_URL",
            format!("must be a plain origin such as https://microblog.example, got {raw:?}"),
        ));
    }
    Ok(url.to_owned())
}

fn parse_admins(raw: Option<String>) -> Result<Vec<String>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            EmailAddress::parse(a)
                .map(|email| email.as_str().to_owned())
                .map_err(|e| invalid("ADMINS", format!("{a:?}: {e}")))
        })
        .collect()
}

fn parse_mail(
    source: &impl Source,
    admins: &[String],
    base_url: &str,
) -> Result<MailSettings, ConfigError> {
    let use_tls = flag(source, "MAIL_USE_TLS")?;
    let use_ssl = flag(source, "MAIL_USE_SSL")?;
    if use_tls && use_ssl {
        return Err(invalid(
            "MAIL_USE_SSL",
            "set MAIL_USE_TLS (STARTTLS, port 587) or MAIL_USE_SSL (implicit TLS, port 465), not both",
        ));
    }
    let port = number(source, "MAIL_PORT", 25, 1, 65_535)?;
    let username = source.get("MAIL_USERNAME");
    let password = source.get("MAIL_PASSWORD");
    if username.is_some() != password.is_some() {
        let missing = if username.is_some() {
            "MAIL_PASSWORD"
        } else {
            "MAIL_USERNAME"
        };
        return Err(invalid(
            missing,
            "MAIL_USERNAME and MAIL_PASSWORD must be set together",
        ));
    }
    let sender = match source.get("MAIL_DEFAULT_SENDER") {
        Some(sender) => {
            let address = sender
                .rsplit_once('<')
                .map_or(sender.as_str(), |(_, a)| a.trim_end_matches('>'));
            EmailAddress::parse(address)
                .map_err(|e| invalid("MAIL_DEFAULT_SENDER", format!("{sender:?}: {e}")))?;
            sender
        }
        None => admins
            .first()
            .cloned()
            .unwrap_or_else(|| default_sender(base_url)),
    };
    let ca_file = source.get("MAIL_CA_FILE").map(std::path::PathBuf::from);
    if ca_file.is_some() && !use_tls && !use_ssl {
        return Err(invalid(
            "MAIL_CA_FILE",
            "trusts a CA for TLS, but neither MAIL_USE_TLS nor MAIL_USE_SSL is set",
        ));
    }
    let port = u16::try_from(port).map_err(|_| invalid("MAIL_PORT", "out of range"))?;
    let timeout = Duration::from_secs(number(source, "MAIL_TIMEOUT", 10, 1, 600)?.into());
    let smtp = source.get("MAIL_SERVER").map(|server| SmtpConfig {
        port,
        use_tls,
        use_ssl,
        username,
        password,
        connect_timeout: timeout,
        command_timeout: timeout,
        pool_max_size: 8,
        ca_file,
        ..SmtpConfig::new(server, sender.clone())
    });
    Ok(MailSettings { smtp, sender })
}

fn default_sender(base_url: &str) -> String {
    let host = base_url.split("://").nth(1).unwrap_or("localhost");
    let host = host.split(['/', ':']).next().unwrap_or("localhost");
    let domain = if host.contains('.') && !host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        host
    } else {
        "localhost.localdomain"
    };
    format!("Microblog <no-reply@{domain}>")
}

#[cfg(test)]
mod tests;
