//! `InMemorySessions` against the whole `SessionStore` contract.

use microblog_domain::ports::SessionStore;
use microblog_testkit::contract::session_store as contract;
use microblog_testkit::{InMemorySessions, InMemoryUsers};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_sessions_keep_every_property_of_the_contract() {
    contract::run_all(|property| async move {
        let users = Arc::new(InMemoryUsers::default());
        let sessions: Arc<dyn SessionStore> = Arc::new(InMemorySessions::new(Arc::clone(&users)));
        property
            .check(users.as_ref(), Arc::clone(&sessions), sessions)
            .await;
    })
    .await;
}
