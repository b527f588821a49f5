//! What the soak measures besides the traffic — the server's memory over time, the outbox
//! draining, who got mail — and the checks a run must pass.

use super::PEAK_RSS_LIMIT_MIB;
use super::faults::Schedule;
use super::traffic::Tally;
use crate::bench::burst::status_kib;
use microblog_store::{Database, OutboxCounts};
use microblog_testkit::smtp_sink::ReceivedMessage;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The server's resident memory, sampled every ten seconds, and its peak.
pub struct Memory {
    /// (seconds since the traffic started, VmRSS KiB).
    pub samples: Vec<(f64, u64)>,
    pub peak_kib: u64,
}

impl Memory {
    pub fn peak_mib(&self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }
}

type Samples = Arc<Mutex<Vec<(f64, u64)>>>;

/// Samples a process's VmRSS in the background until [`MemoryWatch::finish`].
pub struct MemoryWatch {
    pid: u32,
    samples: Samples,
    task: tokio::task::JoinHandle<()>,
}

impl MemoryWatch {
    pub fn start(pid: u32, since: Instant) -> Self {
        let samples = Samples::default();
        let kept = Arc::clone(&samples);
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            loop {
                every.tick().await;
                let Ok(kib) = status_kib(pid, "VmRSS:") else {
                    return;
                };
                let at = since.elapsed().as_secs_f64();
                kept.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((at, kib));
            }
        });
        Self { pid, samples, task }
    }

    /// Stops sampling and reads the peak (VmHWM); call it while the process still runs.
    pub fn finish(self) -> anyhow::Result<Memory> {
        self.task.abort();
        let peak_kib = status_kib(self.pid, "VmHWM:")?;
        let samples = self
            .samples
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Ok(Memory { samples, peak_kib })
    }
}

/// Whether the outbox emptied (nothing queued or leased) within `limit`, and its counts.
pub async fn drain(db: &Database, limit: Duration) -> anyhow::Result<(bool, OutboxCounts)> {
    let deadline = Instant::now() + limit;
    // Give the dispatchers a moment to claim what the last answered requests queued.
    tokio::time::sleep(Duration::from_secs(1)).await;
    loop {
        let counts = db.outbox_counts().await?;
        if counts.queued == 0 && counts.sending == 0 {
            return Ok((true, counts));
        }
        if Instant::now() >= deadline {
            return Ok((false, counts));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Whether the server still answers its health check and a page.
pub async fn answers(base: &str) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    for path in ["/healthz", "/login"] {
        let status = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?
            .status();
        if status != reqwest::StatusCode::OK {
            return Err(format!("GET {path} answered {status}"));
        }
    }
    Ok(())
}

/// Who got mail, against who should have.
pub struct Mail {
    /// Known addresses whose request was answered with the redirect.
    pub accepted: usize,
    /// Of those, how many got exactly one email.
    pub delivered_once: usize,
    pub missing: Vec<String>,
    /// Any address (accepted or not) that got more than one email, and how many.
    pub duplicated: Vec<(String, usize)>,
    /// Known addresses whose request got another answer (none expected).
    pub not_accepted: usize,
    /// Emails to unknown addresses (must be 0).
    pub to_unknown: usize,
    /// Emails to addresses nobody asked for (must be 0).
    pub to_strangers: usize,
    pub received: usize,
    pub drained: bool,
    pub drain_seconds: f64,
    pub outbox: OutboxCounts,
}

/// Counts the sink's deliveries per recipient against the tally's requests.
pub fn mail(
    tally: &Tally,
    messages: &[ReceivedMessage],
    (drained, outbox): (bool, OutboxCounts),
    drain_seconds: f64,
) -> Mail {
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for message in messages {
        for to in &message.recipients {
            *per_recipient.entry(to.to_ascii_lowercase()).or_default() += 1;
        }
    }
    let got = |address: &str| {
        per_recipient
            .get(&address.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
    };
    let missing: Vec<String> = tally
        .accepted
        .iter()
        .filter(|a| got(a) == 0)
        .cloned()
        .collect();
    let delivered_once = tally.accepted.iter().filter(|a| got(a) == 1).count();
    let mut duplicated: Vec<(String, usize)> = per_recipient
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(a, n)| (a.clone(), *n))
        .collect();
    duplicated.sort();
    let to_unknown: usize = tally.unknown.iter().map(|a| got(a)).sum();
    let asked: std::collections::HashSet<String> = tally
        .accepted
        .iter()
        .chain(tally.not_accepted.iter().map(|(a, _)| a))
        .chain(tally.unknown.iter())
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let to_strangers: usize = per_recipient
        .iter()
        .filter(|(a, _)| !asked.contains(*a))
        .map(|(_, n)| n)
        .sum();
    Mail {
        accepted: tally.accepted.len(),
        delivered_once,
        missing,
        duplicated,
        not_accepted: tally.not_accepted.len(),
        to_unknown,
        to_strangers,
        received: messages.len(),
        drained,
        drain_seconds,
        outbox,
    }
}

/// Everything one soak run found.
pub struct Outcome {
    pub command: String,
    pub backend: &'static str,
    pub minutes: u32,
    pub rate: u32,
    pub users: usize,
    pub tally: Tally,
    pub schedule: Schedule,
    pub memory: Memory,
    /// The server's warnings and errors, by message.
    pub server_log: super::server::Events,
    pub mail: Mail,
    pub alive: Result<(), String>,
    pub sink_connections: u64,
}

/// Answers a soak may get: pages, redirects, and 503 when the hashing pool is full.
pub fn allowed(status: u16) -> bool {
    matches!(status, 200 | 302 | 303 | 503)
}

impl Outcome {
    /// Each failed check, in a few words; empty when the run passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failed = Vec::new();
        let (mut server_errors, mut other, mut unanswered) = (0, 0, 0);
        for kind in self.tally.kinds.values() {
            unanswered += kind.errors;
            for (status, n) in &kind.statuses {
                match status {
                    503 => {}
                    500..=599 => server_errors += n,
                    s if !allowed(*s) => other += n,
                    _ => {}
                }
            }
        }
        let mut check = |ok: bool, what: String| {
            if !ok {
                failed.push(what);
            }
        };
        check(
            server_errors == 0,
            format!("{server_errors} 5xx other than 503"),
        );
        check(
            other == 0,
            format!("{other} answers other than 200/302/303/503"),
        );
        check(
            unanswered == 0,
            format!("{unanswered} requests got no answer"),
        );
        let peak = self.memory.peak_mib();
        check(
            peak <= PEAK_RSS_LIMIT_MIB,
            format!("peak RSS {peak:.1} MiB > {PEAK_RSS_LIMIT_MIB} MiB"),
        );
        let m = &self.mail;
        check(m.accepted > 0, "no reset request was accepted".into());
        check(
            m.drained,
            format!("the outbox did not drain: {:?}", m.outbox),
        );
        check(
            m.missing.is_empty(),
            format!("{} accepted requests got no email", m.missing.len()),
        );
        check(
            m.duplicated.is_empty(),
            format!("{} addresses got more than one email", m.duplicated.len()),
        );
        check(
            m.not_accepted == 0,
            format!("{} known-address requests not accepted", m.not_accepted),
        );
        check(
            m.to_unknown == 0,
            format!("{} emails to unknown addresses", m.to_unknown),
        );
        check(
            m.to_strangers == 0,
            format!("{} emails to addresses nobody asked for", m.to_strangers),
        );
        check(
            m.outbox.dead == 0,
            format!("{} emails dead in the outbox", m.outbox.dead),
        );
        let errors: usize = self
            .server_log
            .iter()
            .filter(|((level, _), _)| level == "ERROR")
            .map(|(_, n)| n)
            .sum();
        check(errors == 0, format!("the server logged {errors} errors"));
        if let Err(error) = &self.alive {
            failed.push(format!("the server stopped answering: {error}"));
        }
        failed
    }
}
