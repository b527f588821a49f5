//! The `PostRepository` contract on both backends, every property on a fresh database.

use microblog_testkit::contract::post_repository::run_all;

contract_on_each_backend!(run_all, |property, test_db, db| property
    .check(&db.users(), &db.posts()));
