//! Rows written before the rules against lookalike names and control characters: the
//! skeleton migration succeeds even when existing names look alike, and every such row keeps
//! loading and working afterwards.

use microblog_domain::ports::{
    CreateUserError, PostRepository, UpdateProfileError, UserRepository,
};
use microblog_domain::{AboutMe, PageRequest, User, Username};
use microblog_migrations::{Migrator, MigratorTrait};
use microblog_store::Database;
use microblog_testkit::contract::user_repository::new_user;
use sea_orm::sea_query::{Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Migrations before `username_skeleton` existed.
const BEFORE_SKELETONS: u32 = 4;

/// Legacy users as `(name, created_at, about_me, gets a skeleton)`, in id order: the oldest
/// of each lookalike group gets the skeleton (ties: the lower id), the others none.
const LEGACY: &[(&str, i64, &str, bool)] = &[
    ("alice", 1, "", true),
    ("Alice", 2, "tab\tand bell\u{7}", false),
    ("al\u{200b}ice", 3, "", false),
    ("p\u{430}ypal", 4, "", true),
    ("paypal", 5, "", false),
    ("Zoë_ο", 6, "", true),
    ("bob", 7, "", true),
    ("BOB", 7, "", false),
];

/// A plain sea-orm connection, as an operator's tool would open. Each use opens and closes
/// its own: a raw SQLite pool kept open across the application's migration was seen here
/// reading rows as they were before it.
async fn raw_connection(url: &str) -> DatabaseConnection {
    sea_orm::Database::connect(url)
        .await
        .expect("raw connection")
}

/// Applies the migrations before skeletons and inserts the legacy rows.
async fn legacy_database(url: &str) {
    let raw = raw_connection(url).await;
    Migrator::up(&raw, Some(BEFORE_SKELETONS))
        .await
        .expect("the schema before skeletons");
    insert_legacy_rows(&raw).await;
    raw.close().await.expect("close");
}

/// Inserts the legacy users (and one post by `alice` with a bell in it) straight into the
/// tables, as an older version of the application could have.
async fn insert_legacy_rows(raw: &DatabaseConnection) {
    for (i, (name, created_at, about_me, _)) in LEGACY.iter().enumerate() {
        let insert = Query::insert()
            .into_table("user")
            .columns([
                "username",
                "email",
                "email_normalized",
                "password_hash",
                "about_me",
                "last_seen",
                "session_epoch",
                "created_at",
            ])
            .values_panic([
                (*name).into(),
                format!("legacy{i}@example.com").into(),
                format!("legacy{i}@example.com").into(),
                "$argon2id$legacy".into(),
                (*about_me).into(),
                (*created_at).into(),
                0i64.into(),
                (*created_at).into(),
            ])
            .to_owned();
        raw.execute(&insert).await.expect("insert a legacy user");
    }
    let post = Query::insert()
        .into_table("post")
        .columns(["body", "timestamp", "user_id"])
        .values_panic(["ring\u{7}ring".into(), 1i64.into(), 1i64.into()])
        .to_owned();
    raw.execute(&post).await.expect("insert a legacy post");
}

/// The stored skeletons, in id order.
async fn skeletons(url: &str) -> Vec<Option<String>> {
    let raw = raw_connection(url).await;
    let select = Query::select()
        .column("username_skeleton")
        .from("user")
        .order_by("id", Order::Asc)
        .to_owned();
    let rows = raw.query_all(&select).await.expect("select skeletons");
    raw.close().await.expect("close");
    rows.iter()
        .map(|row| {
            row.try_get("", "username_skeleton")
                .expect("a text or NULL")
        })
        .collect()
}

async fn legacy_user(db: &Database, name: &str) -> User {
    let name = Username::from_stored(name).expect("a storable name");
    let found = db.users().by_username(&name).await.expect("by_username");
    found.unwrap_or_else(|| panic!("the legacy user {name} must load"))
}

on_each_fresh_backend! {
    lookalike_legacy_names_survive_the_skeleton_migration => |test_db| async {
        legacy_database(test_db.url()).await;
        let db = test_db.connect().await;

        let expected: Vec<bool> = LEGACY.iter().map(|legacy| legacy.3).collect();
        let present: Vec<bool> = skeletons(test_db.url()).await.iter().map(Option::is_some).collect();
        assert_eq!(present, expected, "the oldest of each lookalike group has the skeleton");
        for (name, _, about_me, _) in LEGACY {
            let user = legacy_user(&db, name).await;
            assert_eq!(user.username.as_str(), *name, "the name is kept as it was");
            assert_eq!(user.about_me.as_str(), *about_me, "the about-me is kept as it was");
        }
        let posts = db.posts().explore(PageRequest::new(1, 10)).await.expect("explore");
        assert_eq!(posts.items[0].post.body.as_str(), "ring\u{7}ring", "old posts load");

        let raw = raw_connection(test_db.url()).await;
        Migrator::down(&raw, Some(1)).await.expect("the skeleton migration rolls back");
        raw.close().await.expect("close");
        db.migrate().await.expect("and applies again over the same rows");
        let again: Vec<bool> = skeletons(test_db.url()).await.iter().map(Option::is_some).collect();
        assert_eq!(again, expected, "the back-fill is repeatable");
    };

    legacy_lookalikes_keep_working_and_block_new_lookalikes => |test_db| async {
        legacy_database(test_db.url()).await;
        let db = test_db.connect().await;
        let users = db.users();

        for (name, email) in [("ALICE", "new1@example.com"), ("PayPal", "new2@example.com")] {
            let created = users.create(new_user(name, email)).await;
            assert!(
                matches!(created, Err(CreateUserError::UsernameTaken)),
                "{name} looks like a legacy name: {created:?}"
            );
        }

        let younger = legacy_user(&db, "Alice").await;
        let about = AboutMe::parse("still here").expect("about-me");
        let kept = users.update_profile(younger.id, &younger.username, &about).await;
        let kept = kept.expect("a legacy lookalike keeps its name and edits its about-me");
        assert_eq!(kept.about_me, about);

        let onto_older = Username::parse("ALICE").expect("name");
        let refused = users.update_profile(younger.id, &onto_older, &about).await;
        assert!(
            matches!(refused, Err(UpdateProfileError::UsernameTaken)),
            "another case of the older name is taken: {refused:?}"
        );

        let carol = Username::parse("carol").expect("name");
        users.update_profile(younger.id, &carol, &about).await.expect("a rename");
        let shouted = users.create(new_user("CAROL", "new3@example.com")).await;
        assert!(
            matches!(shouted, Err(CreateUserError::UsernameTaken)),
            "a renamed legacy user has a skeleton like anyone: {shouted:?}"
        );
        let freed = users.create(new_user("Alice", "new4@example.com")).await;
        assert!(
            matches!(freed, Err(CreateUserError::UsernameTaken)),
            "the older alice still owns the skeleton: {freed:?}"
        );
        let older = legacy_user(&db, "alice").await;
        let stored = skeletons(test_db.url()).await;
        assert_eq!(
            stored[0].as_deref(),
            Some(older.username.skeleton().as_str()),
            "the back-fill used the domain's skeleton"
        );
    };
}
