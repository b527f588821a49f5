//! The in-memory adapters held to the ports' contract suites, every property on a fresh
//! store, plus what only they offer: the inspection helpers tests rely on.

mod outbox;
mod posts;
mod sessions;
mod sign_in_attempts;
mod users;
