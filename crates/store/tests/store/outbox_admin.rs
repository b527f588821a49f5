//! The `OutboxAdmin` and `DeadLetters` contract on both backends, every property on a fresh
//! database; the second handle is a separate pool, as another process would open.

use microblog_testkit::contract::outbox_admin::run_all;
use std::sync::Arc;

contract_on_each_backend!(run_all, |property, test_db, db| async {
    let other_process = test_db.connect().await;
    property
        .check(Arc::new(db.outbox()), Arc::new(other_process.outbox()))
        .await;
});
