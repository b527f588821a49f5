//! The `TimelineStore` contract on both backends, every property on a fresh database whose
//! repositories use the contract's small feed limits.

use microblog_testkit::contract::timelines::{LIMITS, run_all};

contract_on_each_backend!(run_all, |property, test_db, db| {
    let db = db.with_feed_limits(LIMITS);
    async move {
        property
            .check(&db.users(), &db.posts(), &db.timelines())
            .await;
    }
});
