//! Test support: a macro that runs one test body on a fresh SQLite database and, when
//! `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.

/// `on_each_backend! { name => |test_db, db| body; ... }` defines `sqlite::name` and
/// `postgres::name`, each on a multi-thread runtime, with `test_db` the
/// [`microblog_store::testing::TestDatabase`] and `db` a migrated
/// [`microblog_store::Database`] on it. `body` is a future.
macro_rules! on_each_backend {
    ($($property:ident => |$test_db:ident, $db:ident| $body:expr;)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $property() {
                    let $test_db = microblog_store::testing::TestDatabase::sqlite().await;
                    #[allow(unused_variables)]
                    let $db = $test_db.connect().await;
                    $body.await;
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $property() {
                    let Some($test_db) = microblog_store::testing::TestDatabase::postgres().await
                    else {
                        return;
                    };
                    #[allow(unused_variables)]
                    let $db = $test_db.connect().await;
                    $body.await;
                }
            )*
        }
    };
}

/// `on_each_fresh_backend! { name => |test_db| body; ... }`: like `on_each_backend!`, but
/// the database is left empty (not even migrated) and only `test_db` is given.
macro_rules! on_each_fresh_backend {
    ($($property:ident => |$test_db:ident| $body:expr;)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $property() {
                    let $test_db = microblog_store::testing::TestDatabase::sqlite().await;
                    $body.await;
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $property() {
                    let Some($test_db) = microblog_store::testing::TestDatabase::postgres().await
                    else {
                        return;
                    };
                    $body.await;
                }
            )*
        }
    };
}
