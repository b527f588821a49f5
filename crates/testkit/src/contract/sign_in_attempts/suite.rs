//! The whole `SignInAttempts` contract: every property, and a runner for them all.

use super::{
    a_lock_ends_after_its_duration, a_new_session_epoch_lifts_the_lock_and_the_count,
    a_right_password_forgets_the_failures, a_right_password_racing_failures_never_lifts_a_lock,
    a_threshold_of_one_locks_at_the_first_failure, accounts_are_counted_apart,
    concurrent_failures_all_count_and_one_starts_the_lock,
    failures_are_counted_until_the_threshold_locks,
    failures_older_than_the_window_start_a_new_count,
};
use crate::contract::{Check, run_each};
use microblog_domain::ports::{SignInAttempts, UserRepository};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// A property's check: on the users of one store, with two handles on its attempts.
type CheckFn = for<'a> fn(
    &'a dyn UserRepository,
    Arc<dyn SignInAttempts>,
    Arc<dyn SignInAttempts>,
) -> Check<'a>;

/// One property of the contract. Run it with [`Property::check`] on one fresh, empty store.
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: CheckFn,
}

impl Property {
    /// The property's function name, e.g. `a_lock_ends_after_its_duration`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on `attempts`, on a fresh and empty store whose users are
    /// created through `users`. `other_instance` is a second handle on the same store, as
    /// another instance of the application would open it (for a database, a separate
    /// connection pool; in memory, another `Arc` of the same value); the concurrency
    /// properties spread their calls over both.
    ///
    /// # Panics
    /// When the adapter breaks the property (the message names the clause).
    pub async fn check(
        self,
        users: &dyn UserRepository,
        attempts: Arc<dyn SignInAttempts>,
        other_instance: Arc<dyn SignInAttempts>,
    ) {
        (self.check)(users, attempts, other_instance).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

/// `on_one_handle!(name)`: the property `name(&dyn UserRepository, &dyn SignInAttempts)`,
/// given the first handle.
macro_rules! on_one_handle {
    ($name:ident) => {
        Property {
            name: stringify!($name),
            check: |users, attempts, _| Box::pin(async move { $name(users, &*attempts).await }),
        }
    };
}

/// Every property of the `SignInAttempts` contract.
pub const PROPERTIES: &[Property] = &[
    on_one_handle!(failures_are_counted_until_the_threshold_locks),
    on_one_handle!(a_lock_ends_after_its_duration),
    on_one_handle!(a_right_password_forgets_the_failures),
    on_one_handle!(failures_older_than_the_window_start_a_new_count),
    on_one_handle!(a_new_session_epoch_lifts_the_lock_and_the_count),
    on_one_handle!(accounts_are_counted_apart),
    on_one_handle!(a_threshold_of_one_locks_at_the_first_failure),
    property!(concurrent_failures_all_count_and_one_starts_the_lock(
        users,
        attempts,
        other_instance
    )),
    property!(a_right_password_racing_failures_never_lifts_a_lock(
        users,
        attempts,
        other_instance
    )),
];

/// Runs every property: `on_fresh_store` gets each [`Property`] in turn and must
/// [`check`](Property::check) it on a fresh, empty store. Call it inside a Tokio runtime
/// (each property runs as its own task); a multi-thread runtime gives the concurrency
/// properties real parallelism.
///
/// # Panics
/// After running them all, when any property failed, naming every one that did.
pub async fn run_all<F, Fut>(on_fresh_store: F)
where
    F: FnMut(Property) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each("SignInAttempts", PROPERTIES, Property::name, on_fresh_store).await;
}
