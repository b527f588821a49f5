//! `UsernameSkeleton`: what a username looks like, whatever its letter case, so that names
//! that look alike can be told apart from names that are different.

use unicode_security::skeleton;

/// The key that makes two usernames "the same name": equal skeletons mean the names look
/// alike (`paypal`, `pаypal` with a Cyrillic `а`, `paypa1`, `PayPal`), and only one of them
/// may exist. Storage keeps it in a unique column; compare it, never show it.
///
/// It is TS #39's confusable `skeleton` taken through both letter cases: the skeleton of the
/// name as written, then of that in lower case, in upper case and in lower case again.
/// Skeletons alone are case-sensitive (`ALICE`'s `I` looks like `l`, so its skeleton is
/// `ALlCE`), and case folding alone loses the shapes of one case (a Cyrillic `В` looks like
/// `B`, its lower case `в` like nothing Latin). Passing through both cases makes every
/// letter case of a name one key, and catches lookalikes in either case.
///
/// The price: `i`, `l`, `I`, `1` and `|` are one letter, since `I` is `i` in upper case and
/// looks like `l` — so `ali` and `all` are one name. That errs on the side of refusing a
/// new name, never of letting a lookalike through.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsernameSkeleton(String);

impl UsernameSkeleton {
    /// The skeleton of `name` (any text: names stored under older rules have one too).
    pub fn of(name: &str) -> Self {
        let as_written = shape(name);
        let lower = shape(&as_written.to_lowercase());
        let upper = shape(&lower.to_uppercase());
        Self(shape(&upper.to_lowercase()))
    }

    /// The key, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// TS #39's skeleton: NFD, without default-ignorable characters, each character replaced by
/// its confusable prototype, NFD again.
fn shape(text: &str) -> String {
    skeleton(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        UsernameSkeleton::of(a) == UsernameSkeleton::of(b)
    }

    #[test]
    fn every_letter_case_of_a_name_is_one_name() {
        assert!(same("alice", "ALICE"));
        assert!(same("alice", "Alice"));
        assert!(same("PayPal", "paypal"));
        assert!(same("straße", "STRASSE"));
    }

    #[test]
    fn lookalikes_are_one_name() {
        for (a, b) in [
            ("paypal", "pаypal"),    // Cyrillic а
            ("paypal", "paypa1"),    // digit one
            ("paypal", "paypaI"),    // capital i
            ("google", "g00gle"),    // zeros
            ("modern", "rnodern"),   // r n
            ("bob", "ВОВ"),          // Cyrillic capitals
            ("pay", "рау"),          // Cyrillic small letters
            ("alice", "ａｌｉｃｅ"), // full width
            ("Zoë", "Zoe\u{308}"),   // composed and decomposed
        ] {
            assert!(same(a, b), "{a} and {b}");
        }
    }

    #[test]
    fn different_names_stay_different() {
        for (a, b) in [
            ("susan", "john"),
            ("alice", "alyce"),
            ("bob", "rob"),
            ("ann", "anna"),
        ] {
            assert!(!same(a, b), "{a} and {b}");
        }
    }
}
