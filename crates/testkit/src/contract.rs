//! Contract suites for the domain's ports: run them against your adapter.
//!
//! Each storage port's suite ([`user_repository`], [`post_repository`], [`timelines`],
//! [`outbox`], [`sign_in_attempts`], [`session_store`]) is one
//! public function per property; each expects a fresh, empty store and panics, naming the
//! clause, when the adapter breaks it. Writing a new adapter, run them all with the
//! suite's `run_all`: it hands you each property in turn, you give it a fresh store and
//! run it, and it reports every property that failed, so none can be forgotten:
//!
//! ```
//! use microblog_testkit::InMemoryUsers;
//! use microblog_testkit::contract::user_repository;
//!
//! # async fn in_a_tokio_test() {
//! user_repository::run_all(|property| async move {
//!     // Your adapter on a fresh, empty store, set up here and torn down when dropped.
//!     let users = InMemoryUsers::default();
//!     property.check(&users).await;
//! })
//! .await;
//! # }
//! ```
//!
//! The in-memory adapters (`tests/in_memory/`) and the sea-orm store on SQLite and
//! PostgreSQL (`crates/store/tests/store/`) run them this way. A new property is a new
//! public function plus its line in the suite's `PROPERTIES`.
//!
//! The [`mailer`] contract is one function, [`mailer::mailer`], that needs a transport
//! connected to something that accepts mail.

/// `property!(name(args, ..))`: a suite's `Property` named after the property function
/// `name`, whose check calls `name(args, ..)`.
macro_rules! property {
    ($name:ident($($arg:ident),*)) => {
        Property {
            name: stringify!($name),
            check: |$($arg),*| Box::pin($name($($arg),*)),
        }
    };
}

pub mod mailer;
pub mod outbox;
pub mod outbox_admin;
pub mod password_hasher;
pub mod post_repository;
pub mod session_store;
pub mod sign_in_attempts;
pub mod timelines;
pub mod user_repository;

use std::future::Future;
use std::pin::Pin;

/// What a property's check returns: a future borrowing the ports it checks.
pub(crate) type Check<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs each of `properties` (named by `name`) through `on_fresh_store`, each as its own
/// task so that one failing property does not hide the others, then panics listing every
/// property that failed (their panic messages are printed as they happen).
pub(crate) async fn run_each<P, F, Fut>(
    contract: &str,
    properties: &[P],
    name: fn(&P) -> &'static str,
    mut on_fresh_store: F,
) where
    P: Copy,
    F: FnMut(P) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failed = Vec::new();
    for property in properties {
        let name = name(property);
        eprintln!("{contract} contract: {name}");
        if tokio::spawn(on_fresh_store(*property)).await.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "the adapter breaks {} of the {} properties of the {contract} contract: {}",
        failed.len(),
        properties.len(),
        failed.join(", ")
    );
}
