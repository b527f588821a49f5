//! `Clock`: where "now" comes from, so tests can stand still or jump.

use time::OffsetDateTime;

/// The current time. Synchronous: reading a clock is not I/O.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC. Never fails.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock, truncated to whole seconds (as stored and as in JWTs).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        now.replace_nanosecond(0).unwrap_or(now)
    }
}
