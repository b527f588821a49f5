//! The `SessionStore` contract on both backends, every property on a fresh database; the
//! second handle is a separate pool, as another instance would open.

use microblog_testkit::contract::session_store::run_all;
use std::sync::Arc;

contract_on_each_backend!(run_all, |property, test_db, db| async {
    let other_instance = test_db.connect().await;
    property
        .check(
            &db.users(),
            Arc::new(db.sessions()),
            Arc::new(other_instance.sessions()),
        )
        .await;
});
