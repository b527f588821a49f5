//! In-memory adapters of the storage ports, held to the same contract suites as the real
//! store, for tests that want whole flows without a database.
//!
//! [`InMemoryUsers`], [`InMemoryPosts`] (which joins authors from an `InMemoryUsers`) and
//! [`InMemoryOutbox`] each keep their state behind one mutex, so every call is atomic, as
//! the ports' compare-and-set and lease clauses require. Besides the ports they offer a few
//! inspection helpers for tests (`all`, `named`, `bump_epoch`, `count`, `follows`,
//! `emails`). They never fail with a storage error except where the real store would, such
//! as a post or follow naming a user that does not exist.

mod outbox;
mod posts;
mod sessions;
mod sign_in_attempts;
mod users;

pub use outbox::InMemoryOutbox;
pub use posts::InMemoryPosts;
pub use sessions::InMemorySessions;
pub use sign_in_attempts::InMemorySignInAttempts;
pub use users::InMemoryUsers;

use std::sync::{Mutex, MutexGuard, PoisonError};
use time::{OffsetDateTime, PrimitiveDateTime};

/// Locks `state`, also after a test panicked while holding it: every method finishes its
/// checks before it mutates, so the state is whole either way.
fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `at + duration`, saturating at the latest representable instant (as the store saturates).
fn later(at: OffsetDateTime, duration: std::time::Duration) -> OffsetDateTime {
    time::Duration::try_from(duration)
        .ok()
        .and_then(|duration| at.checked_add(duration))
        .unwrap_or_else(|| PrimitiveDateTime::MAX.assume_utc())
}

/// A 1-based id for the item after the `len` already stored.
fn next_id(len: usize) -> i64 {
    i64::try_from(len).map_or(i64::MAX, |len| len.saturating_add(1))
}
