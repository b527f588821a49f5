//! Migrations: forward, backward, forward again; read-only status; concurrent starts.

use microblog_migrations::{Migrator, MigratorTrait, SchemaManager};
use microblog_store::{Database, PoolConfig};
use microblog_testkit::contract::user_repository::created_user_round_trips;
use sea_orm::DatabaseConnection;

/// Every table the migrations create.
const TABLES: [&str; 5] = [
    "user",
    "post",
    "followers",
    "mail_outbox",
    "sign_in_attempts",
];

/// A plain sea-orm connection, as an operator's tool would open.
async fn raw_connection(url: &str) -> DatabaseConnection {
    sea_orm::Database::connect(url)
        .await
        .expect("raw connection")
}

async fn tables_present(conn: &DatabaseConnection) -> Vec<&'static str> {
    let manager = SchemaManager::new(conn);
    let mut present = Vec::new();
    for table in TABLES {
        if manager.has_table(table).await.expect("has_table") {
            present.push(table);
        }
    }
    present
}

async fn unmigrated(url: &str) -> Database {
    Database::connect(url, PoolConfig::default())
        .await
        .expect("connect")
}

on_each_backend! {
    migrations_roll_back_and_apply_again => |test_db, db| async {
        let raw = raw_connection(test_db.url()).await;
        assert_eq!(db.pending_migrations().await.expect("pending"), 0, "connect() migrated");
        assert_eq!(tables_present(&raw).await, TABLES, "every table exists");

        Migrator::down(&raw, None).await.expect("every migration rolls back");
        assert!(tables_present(&raw).await.is_empty(), "down removes every table");
        let all = Migrator::migrations().len();
        assert_eq!(db.pending_migrations().await.expect("pending"), all, "all pending again");

        db.migrate().await.expect("migrations apply again after a rollback");
        assert_eq!(tables_present(&raw).await, TABLES, "every table is back");
        assert_eq!(db.pending_migrations().await.expect("pending"), 0, "nothing pending");
        created_user_round_trips(&db.users()).await;
    };
}

/// Stories that start from an empty database.
mod fresh {
    use super::*;

    on_each_fresh_backend! {
        fresh_database_reports_every_migration_pending_without_writing => |test_db| async {
            let db = unmigrated(test_db.url()).await;
            let all = Migrator::migrations().len();
            assert_eq!(db.pending_migrations().await.expect("pending"), all);
            let manager_conn = raw_connection(test_db.url()).await;
            let manager = SchemaManager::new(&manager_conn);
            let created = manager.has_table("seaql_migrations").await.expect("has_table");
            assert!(!created, "asking what is pending must not create the migration table");
            db.migrate().await.expect("migrate");
            assert_eq!(db.pending_migrations().await.expect("pending"), 0);
            db.migrate().await.expect("migrating a current schema is a no-op");
        };

        processes_migrating_at_once_all_succeed => |test_db| async {
            let first = unmigrated(test_db.url()).await;
            let second = unmigrated(test_db.url()).await;
            let third = unmigrated(test_db.url()).await;
            let (a, b, c) = tokio::join!(first.migrate(), second.migrate(), third.migrate());
            for (name, result) in [("first", a), ("second", b), ("third", c)] {
                assert!(result.is_ok(), "the {name} concurrent migrate failed: {result:?}");
            }
            assert_eq!(first.pending_migrations().await.expect("pending"), 0);
            created_user_round_trips(&second.users()).await;
        };
    }
}
