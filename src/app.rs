//! The composition root: builds adapters from configuration, wires services, runs commands.

use crate::cli::ServeArgs;
use crate::config::Config;
use anyhow::Context as _;
use microblog_crypto::Argon2Hasher;
use microblog_domain::ports::{
    Clock, EmailComposer, Mailer, Outbox, SessionStore, SystemClock, UserRepository,
};
use microblog_domain::services::{
    Alerts, Blog, ChangeEmail, ChangePassword, DeadMailDigest, DispatcherConfig, EmailConfirmation,
    ForgotPassword, MailDispatcher, MailPreparer, MailQueue, ManageSessions, OutboxRetention,
    OutboxSignal, PasswordReset, Profile, RebuildTimelines, Registration, ResetPolicy, Sessions,
    SignIn,
};
use microblog_domain::services::{Lockout, Reauthentication};
use microblog_domain::values::SecretKey;
use microblog_domain::{ConfirmTokens, ResetTokens};
use microblog_mail::{ConsoleMailer, MinijinjaComposer, SmtpMailer};
use microblog_store::{Database, PoolConfig};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often finished outbox entries older than `OUTBOX_RETENTION` are looked for.
const PURGE_INTERVAL: Duration = Duration::from_secs(600);
/// How often each process looks for dead mail to report (a read when there is none; the
/// database allows one digest per hour across all instances).
const DIGEST_INTERVAL: Duration = Duration::from_secs(10);
/// Expired login sessions are deleted this often.
const SESSION_PURGE_INTERVAL: Duration = Duration::from_secs(600);

/// Everything built from the configuration.
struct Core {
    services: microblog_web::Services,
    dispatcher: MailDispatcher,
    retention: OutboxRetention,
    digest: DeadMailDigest,
    mailer_description: String,
}

impl Core {
    /// Starts the dispatcher, the outbox purge and the dead-mail digest; they run until
    /// `shutdown`.
    fn start_mail_work(&self, shutdown: &CancellationToken) -> tokio::task::JoinHandle<()> {
        let dispatcher = tokio::spawn(self.dispatcher.clone().run(shutdown.clone()));
        let retention = tokio::spawn(self.retention.clone().run(shutdown.clone()));
        let digest = tokio::spawn(self.digest.clone().run(DIGEST_INTERVAL, shutdown.clone()));
        tokio::spawn(async move {
            let _ = tokio::join!(dispatcher, retention, digest);
        })
    }
}

/// Opens the database and applies pending migrations.
pub(crate) async fn connect(config: &Config) -> anyhow::Result<Database> {
    let pool = PoolConfig {
        max_connections: config.database_max_connections,
        ..PoolConfig::default()
    };
    let database = Database::connect(&config.database_url, pool)
        .await
        .with_context(|| {
            format!(
                "could not open the database ({})",
                redact_url(&config.database_url)
            )
        })?;
    database
        .migrate()
        .await
        .context("could not apply database migrations")?;
    Ok(database.with_feed_limits(config.feed_limits))
}

fn mailer(config: &Config) -> anyhow::Result<(Arc<dyn Mailer>, String)> {
    let Some(smtp) = &config.mail.smtp else {
        let description =
            "console (MAIL_SERVER is unset: emails are printed to this log)".to_owned();
        return Ok((
            Arc::new(ConsoleMailer::new(config.mail.sender.clone())),
            description,
        ));
    };
    let security = match (smtp.use_tls, smtp.use_ssl) {
        (true, _) => "STARTTLS",
        (_, true) => "TLS",
        _ => "plain",
    };
    let description = format!("SMTP {}:{} ({security})", smtp.server, smtp.port);
    let mailer = SmtpMailer::new(smtp.clone()).context("invalid mail configuration")?;
    Ok((Arc::new(mailer), description))
}

fn secret_key(config: &Config) -> SecretKey {
    config.secret_key.clone().unwrap_or_else(|| {
        tracing::warn!(
            "SECRET_KEY is not set: using a random key for this process only. Sessions and reset \
             links die on restart and are not shared between instances. Set SECRET_KEY (32+ bytes) in production."
        );
        SecretKey::random()
    })
}

fn core(config: &Config, database: &Database, secret: &SecretKey) -> anyhow::Result<Core> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let composer: Arc<dyn EmailComposer> = Arc::new(
        MinijinjaComposer::new(&config.base_url).context("could not load the email templates")?,
    );
    let outbox: Arc<dyn Outbox> = Arc::new(database.outbox());
    let users: Arc<dyn UserRepository> = Arc::new(database.users());
    let hasher = Arc::new(Argon2Hasher::owasp(config.hash_limits));
    let signal = OutboxSignal::default();
    let mail = MailQueue::new(Arc::clone(&outbox), Arc::clone(&clock), signal.clone());
    let tokens = ResetTokens::new(secret, config.reset_token_ttl);
    let confirm_tokens = ConfirmTokens::new(secret, config.confirm_token_ttl);
    let (mailer, mailer_description) = mailer(config)?;
    let preparer = MailPreparer::new(
        users.clone(),
        composer,
        ResetPolicy {
            tokens: tokens.clone(),
            throttle: config.reset_request_throttle,
        },
        confirm_tokens.clone(),
        config.mail_intent_max_age,
    );
    let session_store: Arc<dyn SessionStore> = Arc::new(database.sessions());
    let sessions = Sessions::new(
        users.clone(),
        Arc::clone(&session_store),
        Arc::clone(&clock),
        config.sessions,
    );
    let lockout = Lockout::new(
        Arc::new(database.sign_in_attempts()),
        Arc::clone(&clock),
        config.login_lockout,
    );
    let reauthentication = Reauthentication::new(hasher.clone(), lockout.clone(), mail.clone());
    let services = microblog_web::Services {
        registration: Registration::new(users.clone(), hasher.clone(), Arc::clone(&clock)),
        sign_in: SignIn::new(
            users.clone(),
            hasher.clone(),
            lockout.clone(),
            mail.clone(),
            sessions.clone(),
        ),
        sessions: sessions.clone(),
        manage_sessions: ManageSessions::new(session_store, Arc::clone(&clock)),
        change_password: ChangePassword::new(
            users.clone(),
            Arc::clone(&clock),
            reauthentication.clone(),
            mail.clone(),
            sessions.clone(),
        ),
        change_email: ChangeEmail::new(
            users.clone(),
            Arc::clone(&clock),
            reauthentication,
            mail.clone(),
        ),
        email_confirmation: EmailConfirmation::new(
            users.clone(),
            Arc::clone(&clock),
            mail.clone(),
            confirm_tokens,
            config.reset_request_throttle,
        ),
        forgot_password: ForgotPassword::new(mail.clone()),
        password_reset: PasswordReset::new(
            users.clone(),
            hasher,
            Arc::clone(&clock),
            mail.clone(),
            tokens,
            sessions,
        ),
        profile: Profile::new(users.clone()),
        blog: Blog::new(
            users,
            Arc::new(database.posts()),
            Arc::new(database.timelines()),
            Arc::clone(&clock),
            config.posts_per_page,
        ),
        alerts: Alerts::new(config.admins.clone(), mail, Arc::clone(&clock)),
        readiness: Arc::new(readiness::DatabaseReadiness(database.clone())),
    };
    let dispatching = DispatcherConfig {
        lease: config.outbox_lease,
        ..DispatcherConfig::default()
    };
    let retention = OutboxRetention::new(
        Arc::clone(&outbox),
        Arc::clone(&clock),
        config.outbox_retention,
        PURGE_INTERVAL,
    );
    let digest = DeadMailDigest::new(
        Arc::new(database.outbox()),
        Arc::clone(&clock),
        config.admins.clone(),
        signal.clone(),
    );
    let dispatcher = MailDispatcher::new(outbox, mailer, preparer, clock, dispatching, signal);
    Ok(Core {
        services,
        dispatcher,
        retention,
        digest,
        mailer_description,
    })
}

/// `microblog serve`: migrate, dispatch mail in the background, serve until SIGTERM/Ctrl-C.
pub async fn serve(config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let database = connect(&config).await?;
    let secret = secret_key(&config);
    let core = core(&config, &database, &secret)?;
    let shutdown = CancellationToken::new();
    let metrics = serve_metrics(&config, &database, &shutdown).await?;
    let mail_work = (!args.no_dispatcher).then(|| core.start_mail_work(&shutdown));
    let purge = tokio::spawn(crate::session_purge::purge_sessions(
        core.services.sessions.clone(),
        SESSION_PURGE_INTERVAL,
        shutdown.clone(),
    ));
    let web = microblog_web::WebConfig {
        secret_key: secret,
        base_url: config.base_url.clone(),
        rate_limit_per_minute: config.rate_limit_per_minute,
        trust_forwarded_for: config.trust_forwarded_for,
        max_body_bytes: 64 * 1024,
        avatars: config.avatars,
    };
    let router = microblog_web::app(core.services, web).context("could not build the web app")?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("could not listen on {}", args.bind))?;
    let local = listener.local_addr().context("no local address")?;
    tracing::info!(
        address = %local,
        base_url = %config.base_url,
        database = %redact_url(&config.database_url),
        mail = %core.mailer_description,
        dispatcher = !args.no_dispatcher,
        "Microblog is running on http://{local}"
    );
    let app = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the web server failed")?;
    tracing::info!("stopped accepting requests; letting the mail dispatcher finish");
    shutdown.cancel();
    let _ = purge.await;
    if let Some(mail_work) = mail_work {
        let _ = tokio::time::timeout(Duration::from_secs(60), mail_work).await;
    }
    if let Some(metrics) = metrics {
        let _ = tokio::time::timeout(Duration::from_secs(5), metrics).await;
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

/// `microblog migrate`.
pub async fn migrate(config: Config) -> anyhow::Result<()> {
    let database = connect(&config).await?;
    tracing::info!(
        pending = database.pending_migrations().await?,
        "database is migrated"
    );
    Ok(())
}

/// `microblog rebuild-timelines`: every home feed rebuilt from posts and follows, `batch`
/// users per transaction, with a progress bar on the terminal and a final count.
pub async fn rebuild_timelines(config: Config, batch: u32) -> anyhow::Result<()> {
    let database = connect(&config).await?;
    let rebuild = RebuildTimelines::new(Arc::new(database.timelines()), batch);
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {pos}/{len} feeds ({per_sec}, {eta} left)",
        )
        .context("the progress bar template")?,
    );
    let done = rebuild
        .run(|progress| {
            bar.set_length(progress.total);
            bar.set_position(progress.users);
        })
        .await?;
    bar.finish_and_clear();
    println!(
        "rebuilt {} home feeds holding {} entries",
        done.users, done.entries
    );
    Ok(())
}

/// `microblog dispatch`: a mail worker without the web app.
pub async fn dispatch(config: Config) -> anyhow::Result<()> {
    let database = connect(&config).await?;
    let secret = secret_key(&config);
    let core = core(&config, &database, &secret)?;
    tracing::info!(mail = %core.mailer_description, "mail dispatcher only (no web)");
    let shutdown = CancellationToken::new();
    let metrics = serve_metrics(&config, &database, &shutdown).await?;
    let running = core.start_mail_work(&shutdown);
    shutdown_signal().await;
    shutdown.cancel();
    running.await.context("the dispatcher task failed")?;
    if let Some(metrics) = metrics {
        let _ = tokio::time::timeout(Duration::from_secs(5), metrics).await;
    }
    Ok(())
}

/// Starts the metrics listener when `METRICS_BIND` is set (it stops with `shutdown`).
async fn serve_metrics(
    config: &Config,
    database: &Database,
    shutdown: &CancellationToken,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(bind) = config.metrics_bind else {
        return Ok(None);
    };
    let handle = crate::metrics::install()?;
    let served = crate::metrics::serve(bind, handle, database.clone(), shutdown.clone()).await?;
    Ok(Some(served))
}

/// `microblog send-test-email <address>`: one email, straight through the transport.
pub async fn send_test_email(config: Config, address: &str) -> anyhow::Result<()> {
    let to = microblog_domain::values::EmailAddress::parse(address)
        .with_context(|| format!("{address:?} is not an email address"))?;
    let (mailer, description) = mailer(&config)?;
    let composer =
        MinijinjaComposer::new(&config.base_url).context("could not load the email templates")?;
    microblog_mail::send_test_email(mailer.as_ref(), &composer, to.as_str())
        .await
        .with_context(|| format!("sending through {description} failed"))?;
    println!("Sent a test email to {to} through {description}.");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received");
}

/// A database URL without its password, for logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

mod readiness {
    //! `/readyz` for this deployment: the database answers and no migration is pending.

    use microblog_store::Database;

    pub struct DatabaseReadiness(pub Database);

    #[async_trait::async_trait]
    impl microblog_web::Readiness for DatabaseReadiness {
        async fn check(&self) -> Result<(), String> {
            self.0
                .ping()
                .await
                .map_err(|_| "database unreachable".to_owned())?;
            match self.0.pending_migrations().await {
                Ok(0) => Ok(()),
                Ok(n) => Err(format!("{n} migrations pending")),
                Err(_) => Err("cannot read migration state".to_owned()),
            }
        }
    }
}
