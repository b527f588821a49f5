//! Contract of `OutboxAdmin` and `DeadLetters`: what operators and the dead-mail digest do
//! to the queue, one function per property, on an adapter that also implements `Outbox`
//! (the stories put entries in each state through it).
//!
//! Each property expects a fresh, empty queue and panics, naming the clause, when the
//! adapter breaks it; [`run_all`] runs every one.

mod digest;
mod operations;

pub use digest::{
    concurrent_digests_queue_one, digest_reports_each_dead_mail_once_and_once_per_quiet_period,
};
pub use operations::{
    list_shows_one_state_oldest_first_without_payloads, purges_delete_only_what_they_name,
    retry_refuses_other_states_and_unknown_ids, retry_requeues_dead_mail_and_keeps_leases_fenced,
    summary_counts_every_state,
};

use crate::contract::{Check, run_each};
use microblog_domain::MailRequest;
use microblog_domain::ports::{DeadLetters, Outbox, OutboxAdmin, OutboxEntry, OutboxId};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

/// A queue with its operator's and digest's ports, as one adapter provides them.
pub trait AdminOutbox: Outbox + OutboxAdmin + DeadLetters {}

impl<T: Outbox + OutboxAdmin + DeadLetters> AdminOutbox for T {}

/// One property of the contract, checked on two handles on one fresh, empty queue (the
/// second as another process would open it; only the concurrency property uses it).
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: fn(Arc<dyn AdminOutbox>, Arc<dyn AdminOutbox>) -> Check<'static>,
}

impl Property {
    /// The property's function name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on a fresh, empty queue and a second handle on it.
    ///
    /// # Panics
    /// When the adapter breaks the property.
    pub async fn check(self, outbox: Arc<dyn AdminOutbox>, other_process: Arc<dyn AdminOutbox>) {
        (self.check)(outbox, other_process).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

macro_rules! on_one_handle {
    ($name:ident) => {
        Property {
            name: stringify!($name),
            check: |outbox, _| Box::pin(async move { $name(&*outbox).await }),
        }
    };
}

/// Every property of the contract.
pub const PROPERTIES: &[Property] = &[
    on_one_handle!(summary_counts_every_state),
    on_one_handle!(list_shows_one_state_oldest_first_without_payloads),
    on_one_handle!(retry_requeues_dead_mail_and_keeps_leases_fenced),
    on_one_handle!(retry_refuses_other_states_and_unknown_ids),
    on_one_handle!(purges_delete_only_what_they_name),
    on_one_handle!(digest_reports_each_dead_mail_once_and_once_per_quiet_period),
    property!(concurrent_digests_queue_one(outbox, other_process)),
];

/// Runs every property, each on the fresh queue `on_fresh_store` sets up.
///
/// # Panics
/// After running them all, when any failed, naming every one that did.
pub async fn run_all<F, Fut>(on_fresh_store: F)
where
    F: FnMut(Property) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each("OutboxAdmin", PROPERTIES, Property::name, on_fresh_store).await;
}

const T0: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);
const LEASE: Duration = Duration::from_secs(60);
/// The quiet period between digests in these stories.
const HOUR: Duration = Duration::from_secs(3600);

fn at(secs: i64) -> OffsetDateTime {
    T0 + time::Duration::seconds(secs)
}

/// A test mail to `user<n>@example.com`.
fn request(n: usize) -> MailRequest {
    MailRequest::Test {
        to: vec![format!("user{n}@example.com")],
        sent_at: T0,
    }
}

#[track_caller]
fn must<T, E: fmt::Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err) => panic!("{what}: unexpected error {err:?}"),
    }
}

/// Enqueues `request(n)` at `when` and leases it at once (nothing else may be due).
async fn leased(outbox: &dyn AdminOutbox, n: usize, when: OffsetDateTime) -> OutboxEntry {
    must(outbox.enqueue(&request(n), when).await, "enqueue");
    let mut claimed = must(outbox.claim_due(when, 1, LEASE).await, "claim_due");
    assert_eq!(claimed.len(), 1, "the entry just queued is leased");
    claimed.remove(0)
}

/// A `dead` entry for `request(n)`, dead at `when` with `error`.
async fn dead(outbox: &dyn AdminOutbox, n: usize, when: OffsetDateTime, error: &str) -> OutboxId {
    let entry = leased(outbox, n, when).await;
    must(outbox.mark_dead(entry.lease(), error).await, "mark_dead");
    entry.id
}

/// A `sent` entry for `request(n)`, delivered at `when`.
async fn sent(outbox: &dyn AdminOutbox, n: usize, when: OffsetDateTime) -> OutboxId {
    let entry = leased(outbox, n, when).await;
    must(outbox.mark_sent(entry.lease(), when).await, "mark_sent");
    entry.id
}
