//! The `UserRepository` contract on both backends, every property on a fresh database.

use microblog_testkit::contract::user_repository::run_all;

contract_on_each_backend!(run_all, |property, test_db, db| property.check(&db.users()));
