//! The [`PasswordHasher`] contract: what every password hashing adapter must do.
//!
//! Run [`password_hasher`] against your adapter. It checks that:
//!
//! 1. a hash verifies its own password and refuses another, and two hashes of one password
//!    differ (each has its own salt);
//! 2. a malformed stored hash is a mismatch (`Ok(false)`), never an error or a panic;
//! 3. the dummy hash is a well-formed hash of an unguessable password: it refuses the empty
//!    string and a common password, so an unknown user can never log in;
//! 4. the dummy hash is made with the same scheme and cost as real hashes (its parameters
//!    are the same), so an unknown username takes as long as a wrong password.

use microblog_domain::ports::PasswordHasher;
use microblog_domain::values::{Password, PasswordHash};

/// Runs the whole contract.
///
/// # Panics
/// When the hasher breaks the contract (the message says which clause).
pub async fn password_hasher(hasher: &dyn PasswordHasher) {
    let password = Password::parse("correct horse battery").expect("a valid password");
    let first = hasher.hash(&password).await.expect("hashing succeeds");
    let second = hasher.hash(&password).await.expect("hashing succeeds");
    assert!(
        hasher
            .verify("correct horse battery", &first)
            .await
            .unwrap(),
        "1: a hash must verify its own password"
    );
    assert!(
        !hasher
            .verify("correct horse batterY", &first)
            .await
            .unwrap(),
        "1: a hash must refuse another password"
    );
    assert_ne!(
        first, second,
        "1: two hashes of one password must differ (salt)"
    );

    let corrupt = PasswordHash::from_phc("not a hash at all");
    assert!(
        !hasher.verify("anything", &corrupt).await.unwrap(),
        "2: a malformed stored hash must be a mismatch"
    );

    let dummy = hasher.dummy_hash();
    for guess in ["", "password", "correct horse battery"] {
        assert!(
            !hasher.verify(guess, &dummy).await.unwrap(),
            "3: the dummy hash must not verify {guess:?}"
        );
    }
    assert_eq!(
        cost(&dummy),
        cost(&first),
        "4: the dummy hash must carry the same scheme and cost as real hashes"
    );
}

/// A PHC string without its salt and digest: `$scheme$version$parameters`.
fn cost(hash: &PasswordHash) -> String {
    let fields: Vec<&str> = hash.as_str().split('$').collect();
    fields
        .iter()
        .take(fields.len().saturating_sub(2))
        .copied()
        .collect::<Vec<_>>()
        .join("$")
}
