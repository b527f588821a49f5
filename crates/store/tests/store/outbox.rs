//! The `Outbox` contract on both backends; the concurrent claim runs on two separate pools
//! (as two processes would) and a multi-thread runtime.

use microblog_testkit::contract::outbox as contract;
use std::sync::Arc;

on_each_backend! {
    enqueued_email_is_claimed_with_one_attempt => |test_db, db|
        contract::enqueued_email_is_claimed_with_one_attempt(&db.outbox());
    expired_lease_is_reclaimed => |test_db, db| contract::expired_lease_is_reclaimed(&db.outbox());
    rescheduled_entry_waits_for_its_next_attempt => |test_db, db|
        contract::rescheduled_entry_waits_for_its_next_attempt(&db.outbox());
    sent_and_dead_entries_are_never_claimed_again => |test_db, db|
        contract::sent_and_dead_entries_are_never_claimed_again(&db.outbox());
    claims_honour_the_limit_oldest_first => |test_db, db|
        contract::claims_honour_the_limit_oldest_first(&db.outbox());
    concurrent_claims_never_share_an_entry => |test_db, db| async {
        let other_process = test_db.connect().await;
        contract::concurrent_claims_never_share_an_entry(
            Arc::new(db.outbox()),
            Arc::new(other_process.outbox()),
        )
        .await;
    };
}
