//! The whole `SessionStore` contract: every property, and a runner for them all.

use super::{
    a_session_is_found_by_its_secret_until_it_expires,
    a_user_sees_only_their_unexpired_sessions_most_recent_first,
    delete_all_keeps_the_kept_session_and_other_users, delete_ends_only_the_owners_session,
    every_instance_sees_a_revoke_at_once, purge_removes_only_expired_sessions,
    touch_moves_last_seen_and_expiry_and_revives_nothing,
};
use crate::contract::{Check, run_each};
use microblog_domain::ports::{SessionStore, UserRepository};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// A property's check: on the users of one store, with two handles on its sessions.
type CheckFn =
    for<'a> fn(&'a dyn UserRepository, Arc<dyn SessionStore>, Arc<dyn SessionStore>) -> Check<'a>;

/// One property of the contract. Run it with [`Property::check`] on one fresh, empty store.
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: CheckFn,
}

impl Property {
    /// The property's function name, e.g. `delete_ends_only_the_owners_session`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on `sessions`, on a fresh and empty store whose users are
    /// created through `users`. `other_instance` is a second handle on the same store, as
    /// another instance of the application would open it (for a database, a separate
    /// connection pool; in memory, another `Arc` of the same value).
    ///
    /// # Panics
    /// When the adapter breaks the property (the message names the clause).
    pub async fn check(
        self,
        users: &dyn UserRepository,
        sessions: Arc<dyn SessionStore>,
        other_instance: Arc<dyn SessionStore>,
    ) {
        (self.check)(users, sessions, other_instance).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

/// `on_one_handle!(name)`: the property `name(&dyn UserRepository, &dyn SessionStore)`,
/// given the first handle.
macro_rules! on_one_handle {
    ($name:ident) => {
        Property {
            name: stringify!($name),
            check: |users, sessions, _| Box::pin(async move { $name(users, &*sessions).await }),
        }
    };
}

/// Every property of the `SessionStore` contract.
pub const PROPERTIES: &[Property] = &[
    on_one_handle!(a_session_is_found_by_its_secret_until_it_expires),
    on_one_handle!(touch_moves_last_seen_and_expiry_and_revives_nothing),
    on_one_handle!(a_user_sees_only_their_unexpired_sessions_most_recent_first),
    on_one_handle!(delete_ends_only_the_owners_session),
    on_one_handle!(delete_all_keeps_the_kept_session_and_other_users),
    on_one_handle!(purge_removes_only_expired_sessions),
    Property {
        name: "every_instance_sees_a_revoke_at_once",
        check: |users, sessions, other| {
            Box::pin(async move {
                every_instance_sees_a_revoke_at_once(users, &*sessions, &*other).await;
            })
        },
    },
];

/// Runs every property: `on_fresh_store` gets each [`Property`] in turn and must
/// [`check`](Property::check) it on a fresh, empty store. Call it inside a Tokio runtime.
///
/// # Panics
/// After running them all, when any property failed, naming every one that did.
pub async fn run_all<F, Fut>(on_fresh_store: F)
where
    F: FnMut(Property) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each("SessionStore", PROPERTIES, Property::name, on_fresh_store).await;
}
