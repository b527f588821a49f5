//! The soak's section of BENCHMARKS.md.

use super::PEAK_RSS_LIMIT_MIB;
use super::checks::Outcome;
use super::faults::Weather;
use crate::bench::paced::quantile;
use std::fmt::Write as _;

impl Outcome {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### Soak — {} — {}\n",
            self.backend,
            crate::bench::report::machine()
        );
        let requests: usize = self
            .tally
            .kinds
            .values()
            .map(|k| k.latencies_ms.len())
            .sum();
        let _ = writeln!(
            out,
            "`{}`: the release server with production settings (Argon2id with the default \
             `HASH_CONCURRENCY`/`HASH_QUEUE`, `OUTBOX_LEASE` 60 s, `MAIL_TIMEOUT` 10 s, \
             `RESET_REQUEST_THROTTLE` 60 s; only the per-IP rate limit is raised, as every \
             request comes from 127.0.0.1) on a fresh database of {} seeded users; {} requests \
             at {}/s for {} min from 8 logged-in browsers and guests, while the SMTP sink's \
             behaviour changed at random every 5–30 s. Client, sink and server share the 2 cores. \
             Longest a request left after its scheduled time: {:.0} ms.\n",
            self.command, self.users, requests, self.rate, self.minutes, self.tally.max_lag_ms
        );
        let _ = writeln!(
            out,
            "| request | sent | statuses | no answer | p50 ms | p99 ms | max ms |"
        );
        let _ = writeln!(out, "|---|---:|---|---:|---:|---:|---:|");
        for (kind, t) in &self.tally.kinds {
            let mut latencies = t.latencies_ms.clone();
            latencies.sort_by(f64::total_cmp);
            let statuses: Vec<String> = t
                .statuses
                .iter()
                .map(|(s, n)| format!("{s} × {n}"))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
                kind.label(),
                latencies.len(),
                statuses.join(" · "),
                t.errors,
                quantile(&latencies, 0.5),
                quantile(&latencies, 0.99),
                quantile(&latencies, 1.0)
            );
        }
        let weather: Vec<String> = self
            .schedule
            .iter()
            .map(|(w, (windows, lasted))| {
                format!(
                    "{} {:.0} s in {windows} window{}",
                    w.label(),
                    lasted.as_secs_f64(),
                    if *windows == 1 { "" } else { "s" }
                )
            })
            .collect();
        let faulty: f64 = self
            .schedule
            .iter()
            .filter(|(w, _)| **w != Weather::Calm)
            .map(|(_, (_, d))| d.as_secs_f64())
            .sum();
        let _ = writeln!(
            out,
            "\nSMTP weather ({faulty:.0} s of faults): {}. The sink accepted {} connections and \
             kept {} messages.\n",
            weather.join("; "),
            self.sink_connections,
            self.mail.received
        );
        let logged: Vec<String> = self
            .server_log
            .iter()
            .map(|((level, message), n)| format!("{level} \"{message}\" × {n}"))
            .collect();
        let _ = writeln!(
            out,
            "The server's warnings and errors over the run: {}.\n",
            if logged.is_empty() {
                "none".to_owned()
            } else {
                logged.join("; ")
            }
        );
        let m = &self.mail;
        let _ = writeln!(
            out,
            "Mail: {} reset requests for distinct known addresses were accepted (302); after \
             the faults stopped the outbox drained in {:.1} s (sent {}, dead {}, still queued {}). \
             **Delivered exactly once: {} of {}** ({} missing, {} addresses with more than one \
             email); emails to the {} unknown addresses asked for: {}; to anyone else: {}.\n",
            m.accepted,
            m.drain_seconds,
            m.outbox.sent,
            m.outbox.dead,
            m.outbox.queued + m.outbox.sending,
            m.delivered_once,
            m.accepted,
            m.missing.len(),
            m.duplicated.len(),
            self.tally.unknown.len(),
            m.to_unknown,
            m.to_strangers
        );
        // One sample a minute (every sixth, ten seconds apart), and the last.
        let samples = &self.memory.samples;
        let per_minute: Vec<String> = samples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 6 == 0 || i + 1 == samples.len())
            .map(|(_, (at, kib))| format!("{:.1} at {:.0} s", *kib as f64 / 1024.0, at))
            .collect();
        let peak = self.memory.peak_mib();
        let _ = writeln!(
            out,
            "Memory: VmRSS in MiB, sampled: {}. **Peak (VmHWM) {peak:.1} MiB**; bound {PEAK_RSS_LIMIT_MIB:.0} MiB: {}.\n",
            per_minute.join(", "),
            if peak <= PEAK_RSS_LIMIT_MIB {
                "met"
            } else {
                "**missed**"
            }
        );
        let failures = self.failures();
        if failures.is_empty() {
            let _ = writeln!(
                out,
                "Checks: no 5xx other than 503, no request without an answer, peak RSS under the \
                 bound, every accepted reset request delivered exactly once, the server \
                 answering at the end: **all passed**."
            );
        } else {
            let _ = writeln!(out, "Checks **failed**: {}.", failures.join("; "));
        }
        out
    }
}
