//! Recognising which unique constraint a write violated, on SQLite and PostgreSQL alike.

use sea_orm::{DbErr, SqlErr};

/// A unique constraint of the `user` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UserUnique {
    /// The exact name (`ux_user_username`) or what it looks like (`username_skeleton`,
    /// `ux_user_username_skeleton`): either way the name is taken.
    Username,
    EmailNormalized,
}

/// Which unique constraint of `user` `err` violated, if it is such a violation.
///
/// SQLite names the columns (`UNIQUE constraint failed: user.email_normalized`),
/// PostgreSQL the index (`... violates unique constraint "ux_user_email_normalized"`); both
/// contain the column name, and `email_normalized` is checked first because neither name
/// contains the other's. `username` also matches `username_skeleton`, on purpose.
pub(crate) fn user_unique_violation(err: &DbErr) -> Option<UserUnique> {
    let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() else {
        return None;
    };
    classify(&message)
}

fn classify(message: &str) -> Option<UserUnique> {
    if message.contains("email_normalized") {
        Some(UserUnique::EmailNormalized)
    } else if message.contains("username") {
        Some(UserUnique::Username)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_messages_name_the_constraint() {
        let sqlite = "UNIQUE constraint failed: user.email_normalized";
        let postgres = r#"duplicate key value violates unique constraint "ux_user_username""#;
        assert_eq!(classify(sqlite), Some(UserUnique::EmailNormalized));
        assert_eq!(classify(postgres), Some(UserUnique::Username));
        assert_eq!(
            classify("UNIQUE constraint failed: user.username"),
            Some(UserUnique::Username)
        );
        for skeleton in [
            "UNIQUE constraint failed: user.username_skeleton",
            r#"duplicate key value violates unique constraint "ux_user_username_skeleton""#,
        ] {
            assert_eq!(classify(skeleton), Some(UserUnique::Username), "{skeleton}");
        }
        assert_eq!(classify("UNIQUE constraint failed: post.id"), None);
    }
}
