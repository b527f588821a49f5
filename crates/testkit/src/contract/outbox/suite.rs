//! The whole `Outbox` contract: every property, and a runner for them all.

use super::{
    claims_honour_the_limit_oldest_first, concurrent_claims_never_share_an_entry,
    dropped_entries_are_final, enqueued_email_is_claimed_with_one_attempt,
    every_request_survives_storage, expired_lease_is_reclaimed,
    purge_deletes_only_finished_entries_before_the_cutoff, renewed_lease_is_not_reclaimed,
    rescheduled_entry_waits_for_its_next_attempt, sent_and_dead_entries_are_never_claimed_again,
    taken_over_lease_changes_nothing,
};
use crate::contract::{Check, run_each};
use microblog_domain::ports::Outbox;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// One property of the contract. Run it with [`Property::check`] on two handles on one
/// fresh, empty queue.
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: fn(Arc<dyn Outbox>, Arc<dyn Outbox>) -> Check<'static>,
}

impl Property {
    /// The property's function name, e.g. `expired_lease_is_reclaimed`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on `outbox`, a fresh and empty queue. `other_process` is a
    /// second handle on the same queue, as another process would open it (for a store, a
    /// separate connection pool; for an in-process queue, another `Arc` of the same one);
    /// only the concurrency property uses it.
    ///
    /// # Panics
    /// When the adapter breaks the property (the message names the clause).
    pub async fn check(self, outbox: Arc<dyn Outbox>, other_process: Arc<dyn Outbox>) {
        (self.check)(outbox, other_process).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

/// `on_one_handle!(name)`: the property `name(&dyn Outbox)`, given the first handle.
macro_rules! on_one_handle {
    ($name:ident) => {
        Property {
            name: stringify!($name),
            check: |outbox, _| Box::pin(async move { $name(&*outbox).await }),
        }
    };
}

/// Every property of the `Outbox` contract.
pub const PROPERTIES: &[Property] = &[
    on_one_handle!(enqueued_email_is_claimed_with_one_attempt),
    on_one_handle!(expired_lease_is_reclaimed),
    on_one_handle!(rescheduled_entry_waits_for_its_next_attempt),
    on_one_handle!(sent_and_dead_entries_are_never_claimed_again),
    on_one_handle!(claims_honour_the_limit_oldest_first),
    on_one_handle!(renewed_lease_is_not_reclaimed),
    on_one_handle!(taken_over_lease_changes_nothing),
    on_one_handle!(every_request_survives_storage),
    on_one_handle!(dropped_entries_are_final),
    on_one_handle!(purge_deletes_only_finished_entries_before_the_cutoff),
    property!(concurrent_claims_never_share_an_entry(
        outbox,
        other_process
    )),
];

/// Runs every property: `on_fresh_store` gets each [`Property`] in turn and must
/// [`check`](Property::check) it on a fresh, empty queue. Call it inside a Tokio runtime
/// (each property runs as its own task); a multi-thread runtime gives the concurrency
/// property real parallelism.
///
/// # Panics
/// After running them all, when any property failed, naming every one that did.
pub async fn run_all<F, Fut>(on_fresh_store: F)
where
    F: FnMut(Property) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each("Outbox", PROPERTIES, Property::name, on_fresh_store).await;
}
