//! The `SignInAttempts` contract on both backends, every property on a fresh database; the
//! second handle is a separate pool (as another instance would open), so the concurrent
//! failures run on two pools and a multi-thread runtime.

use microblog_testkit::contract::sign_in_attempts::run_all;
use std::sync::Arc;

contract_on_each_backend!(run_all, |property, test_db, db| async {
    let other_instance = test_db.connect().await;
    property
        .check(
            &db.users(),
            Arc::new(db.sign_in_attempts()),
            Arc::new(other_instance.sign_in_attempts()),
        )
        .await;
});
