//! The `PostRepository` contract on both backends.

use microblog_testkit::contract::post_repository as contract;

on_each_backend! {
    created_post_round_trips => |test_db, db|
        contract::created_post_round_trips(&db.users(), &db.posts());
    post_by_unknown_author_fails => |test_db, db|
        contract::post_by_unknown_author_fails(&db.users(), &db.posts());
    following_is_idempotent_and_counted => |test_db, db|
        contract::following_is_idempotent_and_counted(&db.users(), &db.posts());
    timeline_shows_own_and_followed_posts_only => |test_db, db|
        contract::timeline_shows_own_and_followed_posts_only(&db.users(), &db.posts());
    by_author_lists_only_that_author => |test_db, db|
        contract::by_author_lists_only_that_author(&db.users(), &db.posts());
    timelines_are_newest_first_with_id_tiebreak => |test_db, db|
        contract::timelines_are_newest_first_with_id_tiebreak(&db.users(), &db.posts());
    pages_end_exactly_where_the_posts_do => |test_db, db|
        contract::pages_end_exactly_where_the_posts_do(&db.users(), &db.posts());
}
