//! Recognising which unique constraint a write violated, on SQLite and PostgreSQL alike.

use sea_orm::{DbErr, SqlErr};

/// A unique constraint of the `user` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UserUnique {
    Username,
    EmailNormalized,
}

/// Which unique constraint of `user` `err` violated, if it is such a violation.
///
/// SQLite names the columns (`UNIQUE constraint failed: user.email_normalized`),
/// PostgreSQL the index (`... violates unique constraint "ux_user_email_normalized"`); both
/// contain the column name, and `email_normalized` is checked first because neither name
/// contains the other's.
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
        assert_eq!(classify("UNIQUE constraint failed: post.id"), None);
    }
}
