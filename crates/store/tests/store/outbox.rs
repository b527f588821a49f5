//! The `Outbox` contract on both backends, every property on a fresh database; the second
//! handle is a separate pool (as another process would open), so the concurrent claim runs
//! on two pools and a multi-thread runtime.

use microblog_testkit::contract::outbox::run_all;
use std::sync::Arc;

contract_on_each_backend!(run_all, |property, test_db, db| async {
    let other_process = test_db.connect().await;
    property
        .check(Arc::new(db.outbox()), Arc::new(other_process.outbox()))
        .await;
});
