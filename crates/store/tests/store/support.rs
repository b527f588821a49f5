//! Test support: macros that run a test body, or every property of a contract suite, on
//! fresh SQLite databases and, when `TEST_DATABASE_URL` is set, fresh PostgreSQL databases.

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

/// `contract_on_each_backend!(run_all, |property, test_db, db| body)` defines
/// `sqlite::every_property_of_the_contract_holds` and its `postgres::` twin, each on a
/// multi-thread runtime: a suite's `run_all`, which hands every property to `body` on a
/// fresh migrated database (`test_db`, `db` as in `on_each_backend!`). `body` is a future.
macro_rules! contract_on_each_backend {
    ($run_all:path, |$property:ident, $test_db:ident, $db:ident| $body:expr) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn every_property_of_the_contract_holds() {
                $run_all(|$property| async move {
                    let $test_db = microblog_store::testing::TestDatabase::sqlite().await;
                    #[allow(unused_variables)]
                    let $db = $test_db.connect().await;
                    $body.await;
                })
                .await;
            }
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn every_property_of_the_contract_holds() {
                use microblog_store::testing::{TEST_DATABASE_URL, TestDatabase};
                if std::env::var(TEST_DATABASE_URL).is_err() {
                    eprintln!("skipping the PostgreSQL variant: {TEST_DATABASE_URL} is not set");
                    return;
                }
                $run_all(|$property| async move {
                    let Some($test_db) = TestDatabase::postgres().await else {
                        panic!("{TEST_DATABASE_URL} was unset while the contract ran");
                    };
                    #[allow(unused_variables)]
                    let $db = $test_db.connect().await;
                    $body.await;
                })
                .await;
            }
        }
    };
}
