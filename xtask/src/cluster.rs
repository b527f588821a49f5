//! `cargo xtask cluster`: two release instances on one fresh PostgreSQL database and one SMTP
//! sink. 1,000 users ask for a reset, alternating instances; one instance is SIGKILLed while
//! it holds leased mail; the demo waits until every user has mail and counts duplicates.

use crate::bench::{paced, process::Process, seed, server_env};
use anyhow::Context as _;
use microblog_store::testing::TestDatabase;
use microblog_testkit::smtp_sink::SmtpSink;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const USERS: usize = 1000;

pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    crate::build_release(&root)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(demo(&root.join("target").join("release").join("microblog")))
}

async fn demo(program: &std::path::Path) -> anyhow::Result<()> {
    let database = TestDatabase::postgres()
        .await
        .context("the cluster demo needs PostgreSQL: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")?;
    let db = database.connect().await;
    println!("seeding {USERS} users in {}...", database.url());
    let size = seed::Size {
        users: USERS,
        posts_per_user: 0,
        follows_per_user: 0,
    };
    seed::seed(&db, size).await?;

    let sink = SmtpSink::builder().capacity(USERS * 2).start().await?;
    // Slow replies keep leases in flight, so the kill below has something to interrupt.
    sink.set_delay(Duration::from_millis(20));
    let mut env = server_env(database.url(), sink.port());
    env.push(("OUTBOX_LEASE".into(), "5".into()));
    env.push(("RESET_REQUEST_THROTTLE".into(), "60".into()));
    let a = Process::start(program, &["serve", "--bind", "127.0.0.1:0"], &env).await?;
    let b = Process::start(program, &["serve", "--bind", "127.0.0.1:0"], &env).await?;
    let (base_a, base_b) = (
        format!("http://{}", a.address),
        format!("http://{}", b.address),
    );
    println!(
        "instance A on {base_a}, instance B on {base_b}, SMTP sink on port {}",
        sink.port()
    );

    let started = Instant::now();
    let (form_a, form_b) = (
        paced::open_form(&base_a).await?,
        paced::open_form(&base_b).await?,
    );
    let half = USERS / 2;
    let to_a = paced::run(&base_a, &form_a, 250, half, |i| seed::email(2 * i));
    let to_b = paced::run(&base_b, &form_b, 250, half, |i| seed::email(2 * i + 1));
    let kill_a = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let leased = db
            .outbox_counts()
            .await
            .map(|c| c.sending)
            .unwrap_or_default();
        anyhow::Ok(leased)
    };
    let (sent_a, sent_b, leased) = tokio::join!(to_a, to_b, kill_a);
    let (sent_a, sent_b, leased) = (sent_a?, sent_b?, leased?);
    println!(
        "{} requests to A, {} to B (errors {}/{}), p99 {:.1} / {:.1} ms",
        sent_a.sent, sent_b.sent, sent_a.errors, sent_b.errors, sent_a.p99_ms, sent_b.p99_ms
    );
    drop(a); // SIGKILL: no graceful shutdown
    println!("SIGKILLed instance A with {leased} outbox entries leased (status 'sending')");

    let arrived = sink
        .wait_for_total(USERS as u64, Duration::from_secs(300))
        .await;
    tokio::time::sleep(Duration::from_secs(6)).await; // a late duplicate would show up here
    let mut per_user: HashMap<String, usize> = HashMap::new();
    for message in sink.messages() {
        for to in message.recipients {
            *per_user.entry(to).or_default() += 1;
        }
    }
    let duplicates: usize = per_user.values().map(|n| n - 1).sum();
    let counts = db.outbox_counts().await?;
    println!(
        "after {:.1} s: {} of {USERS} users reached, {duplicates} duplicate(s); outbox sent {} queued {} sending {} dead {}",
        started.elapsed().as_secs_f64(),
        per_user.len(),
        counts.sent,
        counts.queued,
        counts.sending,
        counts.dead
    );
    drop(b);
    sink.shutdown().await;
    anyhow::ensure!(arrived && per_user.len() == USERS, "mail was lost");
    println!("every user got their reset email; none was lost.");
    Ok(())
}
