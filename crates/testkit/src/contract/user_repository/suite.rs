//! The whole `UserRepository` contract: every property, and a runner for them all.

use super::{
    a_pending_address_applies_once_and_only_the_latest, a_taken_address_is_never_attached,
    an_address_is_confirmed_once_and_only_its_own,
    concurrent_lookalike_registrations_have_one_winner,
    concurrent_password_replacements_have_one_winner, concurrent_registrations_have_one_winner,
    confirmation_slot_is_claimed_once_per_window, created_user_round_trips,
    email_uniqueness_ignores_case, last_seen_moves_when_touched, lookalike_emails_stay_distinct,
    lookalike_usernames_are_taken, password_hash_is_replaced_only_from_the_expected_hash,
    profile_updates_respect_taken_names, renaming_onto_a_lookalike_is_taken,
    reset_slot_is_claimed_once_per_window, taken_username_is_refused,
};
use crate::contract::{Check, run_each};
use microblog_domain::ports::UserRepository;
use std::fmt;
use std::future::Future;

/// One property of the contract. Run it on a fresh, empty store with [`Property::check`].
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: for<'a> fn(&'a dyn UserRepository) -> Check<'a>,
}

impl Property {
    /// The property's function name, e.g. `created_user_round_trips`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on `users`, a fresh and empty store.
    ///
    /// # Panics
    /// When the adapter breaks the property (the message names the clause).
    pub async fn check(self, users: &dyn UserRepository) {
        (self.check)(users).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

/// Every property of the `UserRepository` contract.
pub const PROPERTIES: &[Property] = &[
    property!(created_user_round_trips(users)),
    property!(taken_username_is_refused(users)),
    property!(email_uniqueness_ignores_case(users)),
    property!(lookalike_emails_stay_distinct(users)),
    property!(concurrent_registrations_have_one_winner(users)),
    property!(profile_updates_respect_taken_names(users)),
    property!(last_seen_moves_when_touched(users)),
    property!(password_hash_is_replaced_only_from_the_expected_hash(users)),
    property!(concurrent_password_replacements_have_one_winner(users)),
    property!(reset_slot_is_claimed_once_per_window(users)),
    property!(lookalike_usernames_are_taken(users)),
    property!(renaming_onto_a_lookalike_is_taken(users)),
    property!(concurrent_lookalike_registrations_have_one_winner(users)),
    property!(an_address_is_confirmed_once_and_only_its_own(users)),
    property!(confirmation_slot_is_claimed_once_per_window(users)),
    property!(a_pending_address_applies_once_and_only_the_latest(users)),
    property!(a_taken_address_is_never_attached(users)),
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
    run_each("UserRepository", PROPERTIES, Property::name, on_fresh_store).await;
}
