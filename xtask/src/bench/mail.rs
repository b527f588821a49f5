//! Mail under load: reset latency with a normal and a slow SMTP server, and the outbox's
//! delivery throughput.

use super::paced::{self, PacedResult};
use super::process::Process;
use super::seed;
use microblog_domain::MailRequest;
use microblog_store::testing::TestDatabase;
use microblog_testkit::smtp_sink::SmtpSink;
use std::path::Path;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The paced POST /reset_password_request runs.
pub struct ResetRuns {
    pub known: PacedResult,
    pub unknown: PacedResult,
    pub known_slow_smtp: PacedResult,
    pub unknown_slow_smtp: PacedResult,
}

pub const RATE: u32 = 200;

/// 200 requests/s for known and unknown addresses, then the same with every SMTP reply
/// delayed by 1 s; each run also reports the server's own p99 from its request log.
pub async fn paced_resets(
    server: &Process,
    sink: &SmtpSink,
    users: usize,
) -> anyhow::Result<ResetRuns> {
    let base = format!("http://{}", server.address);
    let session = paced::open_form(&base).await?;
    let total = users.min(RATE as usize * 5);
    let known = |i: usize| seed::email(i % users);
    let unknown = |i: usize| format!("nobody{i}@bench.example");
    let run = async |address: &dyn Fn(usize) -> String| {
        let mark = server.posts_logged();
        let mut result = paced::run(&base, &session, RATE, total, address).await?;
        // The log line is written before the response; give the reader thread a moment.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut logged = server.posts_since(mark, "/reset_password_request");
        logged.sort_by(f64::total_cmp);
        result.server_p99_ms = paced::quantile(&logged, 0.99);
        result.server_max_ms = paced::quantile(&logged, 1.0);
        anyhow::Ok(result)
    };
    let first_known = run(&known).await?;
    let first_unknown = run(&unknown).await?;
    sink.set_delay(Duration::from_secs(1));
    // The throttle window (RESET_REQUEST_THROTTLE=1 s here) has passed: the known addresses
    // enqueue mail again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let slow_known = run(&known).await?;
    let slow_unknown = run(&unknown).await?;
    sink.set_delay(Duration::ZERO);
    Ok(ResetRuns {
        known: first_known,
        unknown: first_unknown,
        known_slow_smtp: slow_known,
        unknown_slow_smtp: slow_unknown,
    })
}

/// Outbox → SMTP delivery rate.
pub struct Throughput {
    pub mails: usize,
    pub seconds: f64,
    pub first_mail_ms: f64,
}

impl Throughput {
    pub fn per_second(&self) -> f64 {
        self.mails as f64 / self.seconds
    }
}

/// Enqueues `count` emails in a fresh database, starts `microblog dispatch`, and times
/// until the sink holds them all.
pub async fn throughput(
    program: &Path,
    postgres: bool,
    env: &[(String, String)],
    count: usize,
) -> anyhow::Result<Throughput> {
    let database = if postgres {
        TestDatabase::postgres()
            .await
            .ok_or_else(|| anyhow::anyhow!("TEST_DATABASE_URL is unset"))?
    } else {
        TestDatabase::sqlite().await
    };
    let db = database.connect().await;
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let outbox = db.outbox();
        tasks.spawn(async move {
            use microblog_domain::ports::Outbox as _;
            for i in (worker..count).step_by(8) {
                let request = MailRequest::Test {
                    to: vec![format!("reader{i}@bench.example")],
                    sent_at: OffsetDateTime::now_utc(),
                };
                outbox.enqueue(&request, OffsetDateTime::now_utc()).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let sink = SmtpSink::builder().capacity(count + 16).start().await?;
    let mut env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| k != "DATABASE_URL" && k != "MAIL_PORT")
        .cloned()
        .collect();
    env.push(("DATABASE_URL".into(), database.url().to_owned()));
    env.push(("MAIL_PORT".into(), sink.port().to_string()));
    let started = Instant::now();
    let dispatcher = Process::start_quiet(program, &["dispatch"], &env).await?;
    let first = sink.wait_for_total(1, Duration::from_secs(60)).await;
    anyhow::ensure!(first, "the dispatcher sent nothing within 60 s");
    let first_mail_ms = started.elapsed().as_secs_f64() * 1000.0;
    let all = sink
        .wait_for_total(count as u64, Duration::from_secs(600))
        .await;
    let seconds = started.elapsed().as_secs_f64();
    drop(dispatcher);
    anyhow::ensure!(
        all,
        "only {} of {count} mails arrived",
        sink.received_total()
    );
    sink.shutdown().await;
    Ok(Throughput {
        mails: count,
        seconds,
        first_mail_ms,
    })
}
