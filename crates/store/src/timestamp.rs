//! The stored form of time: `i64` microseconds since the Unix epoch, UTC.
//!
//! Integers compare and sort the same on SQLite and PostgreSQL, so "newest first" and "due
//! at `now`" mean the same thing on both. Sub-microsecond precision is dropped (rounded
//! toward the past), the precision PostgreSQL's own timestamps keep.

use std::time::Duration;
use time::OffsetDateTime;

/// `at` as stored. Saturates outside ±292,000 years, which `time` cannot represent anyway.
pub(crate) fn to_micros(at: OffsetDateTime) -> i64 {
    let micros = at.unix_timestamp_nanos().div_euclid(1_000);
    i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
}

/// A stored value back as a UTC time.
///
/// # Errors
/// [`time::error::ComponentRange`] when the value is outside what `time` represents (a
/// corrupt row).
pub(crate) fn from_micros(micros: i64) -> Result<OffsetDateTime, time::error::ComponentRange> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
}

/// A duration in microseconds, saturating at `i64::MAX`.
pub(crate) fn duration_micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn round_trips_at_microsecond_precision() {
        let at = datetime!(2026-03-04 05:06:07.123456 UTC);
        assert_eq!(from_micros(to_micros(at)).unwrap(), at);
        let before_epoch = datetime!(1969-12-31 23:59:59.5 UTC);
        assert_eq!(from_micros(to_micros(before_epoch)).unwrap(), before_epoch);
    }

    #[test]
    fn nanoseconds_round_toward_the_past_so_order_is_kept() {
        let at = datetime!(2026-03-04 05:06:07.000000999 UTC);
        assert_eq!(to_micros(at), to_micros(datetime!(2026-03-04 05:06:07 UTC)));
        let before_epoch = datetime!(1969-12-31 23:59:59.999999999 UTC);
        assert_eq!(to_micros(before_epoch), -1);
    }

    #[test]
    fn offsets_are_stored_as_the_same_instant() {
        let paris = datetime!(2026-03-04 06:06:07 +01:00);
        assert_eq!(
            to_micros(paris),
            to_micros(datetime!(2026-03-04 05:06:07 UTC))
        );
    }

    #[test]
    fn huge_durations_saturate() {
        assert_eq!(duration_micros(Duration::MAX), i64::MAX);
        assert_eq!(duration_micros(Duration::from_secs(2)), 2_000_000);
        assert!(from_micros(i64::MAX).is_err());
    }
}
