//! Usernames that look alike are one name: a second one is `UsernameTaken`, at registration
//! and at rename, and of racing lookalikes exactly one wins.

use super::{T0, hash, must, register};
use microblog_domain::ports::{CreateUserError, UpdateProfileError, UserRepository};
use microblog_domain::{AboutMe, EmailAddress, NewUser, Username};

/// A name exactly as given, under the rules stored names meet: lookalikes that the web's
/// `Username::parse` refuses for mixing scripts or hiding characters must be refused by the
/// repository too, should one reach it (an import, another front end).
fn any_name(name: &str) -> Username {
    must(Username::from_stored(name), "a storable fixture username")
}

/// A new user named `name` (taken as it is) with the address `email`.
fn lookalike_user(name: &str, email: &str) -> NewUser {
    NewUser {
        username: any_name(name),
        email: must(EmailAddress::parse(email), "a valid fixture address"),
        password_hash: hash("initial"),
        created_at: T0,
    }
}

/// Lookalikes of existing names: other letter cases (`ALICE`), digits and capitals for
/// letters (`paypa1`, `paypaI`, `g00gle`), Cyrillic letters (`pаypal` mixed, `раураӏ` all
/// Cyrillic), an invisible character (`al\u{200b}ice`).
const LOOKALIKES: &[&str] = &[
    "ALICE",
    "Alice",
    "al\u{200b}ice",
    "\u{430}\u{4cf}\u{456}\u{441}\u{435}",
    "PayPal",
    "paypa1",
    "paypaI",
    "p\u{430}ypal",
    "\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}",
    "g00gle",
    "GOOGLE",
];

/// With `alice`, `paypal` and `google` registered, each of [`LOOKALIKES`] is `UsernameTaken`
/// and is not stored; names that merely resemble them (`alyce`, `paypals`) register.
pub async fn lookalike_usernames_are_taken(users: &dyn UserRepository) {
    let originals = [
        register(users, "alice", "alice@example.com").await,
        register(users, "paypal", "paypal@example.com").await,
        register(users, "google", "google@example.com").await,
    ];
    for (i, name) in LOOKALIKES.iter().enumerate() {
        let address = format!("lookalike{i}@example.com");
        let result = users.create(lookalike_user(name, &address)).await;
        assert!(
            matches!(result, Err(CreateUserError::UsernameTaken)),
            "{name:?} looks like an existing name and must be UsernameTaken, got {result:?}"
        );
        let email = must(EmailAddress::parse(&address), "a valid address");
        let stored = must(users.by_email(&email).await, "by_email");
        assert_eq!(stored, None, "the refused {name:?} must not be stored");
    }
    for original in originals {
        let found = must(users.by_id(original.id).await, "by_id");
        assert_eq!(found, Some(original), "the original is untouched");
    }
    register(users, "alyce", "alyce@example.com").await;
    register(users, "paypals", "paypals@example.com").await;
}

/// Renaming onto a lookalike of another user's name is `UsernameTaken` and changes nothing;
/// renaming to another letter case of one's own name is fine.
pub async fn renaming_onto_a_lookalike_is_taken(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let paypal = register(users, "paypal", "paypal@example.com").await;
    let about = must(AboutMe::parse("hello"), "a valid about-me");
    for name in ["PAYPAL", "paypa1", "p\u{430}ypal", "pay\u{ad}pal"] {
        let result = users
            .update_profile(susan.id, &any_name(name), &about)
            .await;
        assert!(
            matches!(result, Err(UpdateProfileError::UsernameTaken)),
            "renaming onto {name:?} must be UsernameTaken, got {result:?}"
        );
    }
    let unchanged = must(users.by_id(susan.id).await, "by_id");
    assert_eq!(
        unchanged,
        Some(susan.clone()),
        "a refused rename changes nothing"
    );
    assert_eq!(
        must(users.by_id(paypal.id).await, "by_id"),
        Some(paypal),
        "the other user is untouched"
    );

    let shouting = users
        .update_profile(susan.id, &any_name("SUSAN"), &about)
        .await;
    let shouting = must(shouting, "renaming to another case of one's own name");
    assert_eq!(shouting.username.as_str(), "SUSAN");
    let back = users
        .update_profile(susan.id, &any_name("susan"), &about)
        .await;
    must(back, "renaming back to the original case");
}

/// Several registrations of lookalike names at once: exactly one wins, the others are
/// `UsernameTaken` (a unique violation, never a storage error).
pub async fn concurrent_lookalike_registrations_have_one_winner(users: &dyn UserRepository) {
    let names = ["racer", "RACER", "r\u{430}cer", "Racer"];
    let attempt =
        |i: usize| users.create(lookalike_user(names[i], &format!("racer{i}@example.com")));
    let (a, b, c, d) = tokio::join!(attempt(0), attempt(1), attempt(2), attempt(3));
    let results = [a, b, c, d];
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        winners, 1,
        "exactly one of several lookalike registrations wins: {results:?}"
    );
    for result in &results {
        assert!(
            matches!(result, Ok(_) | Err(CreateUserError::UsernameTaken)),
            "a losing lookalike must be UsernameTaken, got {result:?}"
        );
    }
}
