//! The `UserRepository` contract on both backends.

use microblog_testkit::contract::user_repository as contract;

on_each_backend! {
    created_user_round_trips => |test_db, db| contract::created_user_round_trips(&db.users());
    taken_username_is_refused => |test_db, db| contract::taken_username_is_refused(&db.users());
    email_uniqueness_ignores_case => |test_db, db| contract::email_uniqueness_ignores_case(&db.users());
    lookalike_emails_stay_distinct => |test_db, db| contract::lookalike_emails_stay_distinct(&db.users());
    concurrent_registrations_have_one_winner => |test_db, db|
        contract::concurrent_registrations_have_one_winner(&db.users());
    profile_updates_respect_taken_names => |test_db, db|
        contract::profile_updates_respect_taken_names(&db.users());
    last_seen_moves_when_touched => |test_db, db| contract::last_seen_moves_when_touched(&db.users());
    password_hash_is_replaced_only_from_the_expected_hash => |test_db, db|
        contract::password_hash_is_replaced_only_from_the_expected_hash(&db.users());
    concurrent_password_replacements_have_one_winner => |test_db, db|
        contract::concurrent_password_replacements_have_one_winner(&db.users());
    reset_slot_is_claimed_once_per_window => |test_db, db|
        contract::reset_slot_is_claimed_once_per_window(&db.users());
    lookalike_usernames_are_taken => |test_db, db|
        contract::lookalike_usernames_are_taken(&db.users());
    renaming_onto_a_lookalike_is_taken => |test_db, db|
        contract::renaming_onto_a_lookalike_is_taken(&db.users());
    concurrent_lookalike_registrations_have_one_winner => |test_db, db|
        contract::concurrent_lookalike_registrations_have_one_winner(&db.users());
}
