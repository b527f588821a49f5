//! Instants as whole Unix microseconds: the precision storage keeps, and so the precision at
//! which a pending address change is told from a newer one (in links, stored requests and
//! comparisons alike).

use time::OffsetDateTime;

/// `at` in whole microseconds since the epoch, rounded toward the past.
pub(crate) fn to_micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000)).unwrap_or(i64::MAX)
}

/// The instant `micros` microseconds after the epoch, if `time` can represent it.
pub(crate) fn from_micros(micros: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).ok()
}

/// Whether two instants fall in the same microsecond.
pub(crate) fn same_microsecond(a: OffsetDateTime, b: OffsetDateTime) -> bool {
    to_micros(a) == to_micros(b)
}
