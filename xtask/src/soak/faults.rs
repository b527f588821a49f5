//! The soak's SMTP weather: every few seconds the sink switches, at random, between behaving,
//! hanging up on new connections (`421` at the greeting and on `MAIL`), refusing messages or
//! recipients for a while (`451`), and answering slowly. Only transient (4xx) failures, and
//! delays that keep a conversation well inside `MAIL_TIMEOUT`: a permanent refusal or a
//! timeout after the sink kept a message would lose or duplicate mail by design, which is not
//! what the soak is after.

use microblog_testkit::smtp_sink::{Fault, SmtpSink};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

/// A small deterministic generator (SplitMix64): the same seed gives the same run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }
}

/// What the sink does during one window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weather {
    Calm,
    /// `421` at the greeting and on `MAIL FROM`: every new connection is dropped, and a
    /// pooled one is told to close.
    HangUp,
    /// `451` after the message's content, for the next `n` messages.
    RefuseMessages,
    /// `451` on `RCPT TO`, for the next `n` recipients.
    RefuseRecipients,
    /// Every reply waits up to a second (six replies per conversation: at most ~6 s of a
    /// 20 s `MAIL_TIMEOUT` budget).
    Slow,
}

impl Weather {
    pub fn label(self) -> &'static str {
        match self {
            Self::Calm => "calm",
            Self::HangUp => "hang up (421 at greeting and MAIL)",
            Self::RefuseMessages => "refuse messages (451 after DATA)",
            Self::RefuseRecipients => "refuse recipients (451 on RCPT)",
            Self::Slow => "slow (0.1–1 s before every reply)",
        }
    }
}

/// How long each kind of weather lasted, and in how many windows.
pub type Schedule = BTreeMap<Weather, (usize, Duration)>;

/// Changes the sink's behaviour at random until `until`, then leaves it calm. Returns what
/// it did.
pub async fn toggle(sink: &SmtpSink, seed: u64, until: std::time::Instant) -> Schedule {
    let until = Instant::from_std(until);
    let mut rng = Rng::new(seed ^ 0x736d_7470);
    let mut schedule = Schedule::new();
    while Instant::now() < until {
        sink.clear_faults();
        sink.set_delay(Duration::ZERO);
        let weather = match rng.below(100) {
            0..40 => Weather::Calm,
            40..55 => Weather::HangUp,
            55..70 => Weather::RefuseMessages,
            70..85 => Weather::RefuseRecipients,
            _ => Weather::Slow,
        };
        let seconds = if weather == Weather::Calm {
            rng.between(10, 30)
        } else {
            rng.between(5, 20)
        };
        match weather {
            Weather::Calm => {}
            Weather::HangUp => {
                sink.fail_with(Fault::connect(421, "4.3.2 Service not available, closing"));
                sink.fail_with(Fault::mail(421, "4.3.2 Service not available, closing"));
            }
            Weather::RefuseMessages => {
                let n = rng.between(1, 40) as u32;
                sink.fail_with(Fault::message(451, "4.3.0 Try again later").times(n));
            }
            Weather::RefuseRecipients => {
                let n = rng.between(1, 40) as u32;
                sink.fail_with(Fault::rcpt(451, "4.2.1 Mailbox busy").times(n));
            }
            Weather::Slow => {
                sink.set_delay(Duration::from_millis(rng.between(100, 1000)));
            }
        }
        let window_end = (Instant::now() + Duration::from_secs(seconds)).min(until);
        let lasted = window_end.saturating_duration_since(Instant::now());
        tokio::time::sleep_until(window_end).await;
        let entry = schedule.entry(weather).or_insert((0, Duration::ZERO));
        entry.0 += 1;
        entry.1 += lasted;
    }
    sink.clear_faults();
    sink.set_delay(Duration::ZERO);
    schedule
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_repeats_with_its_seed_and_stays_in_range() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            let n = a.between(5, 20);
            assert!((5..=20).contains(&n));
            b.between(5, 20);
        }
        assert_eq!(Rng::new(1).below(0), 0);
    }
}
