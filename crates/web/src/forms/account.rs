//! The signed-in user's account forms: `/change_password`, and the buttons of `/logout`
//! and `/sessions` (nothing but the CSRF token, which `extract::CsrfForm` checks).

use super::{FormView, MUST_EQUAL_PASSWORD};
use microblog_domain::Password;
use microblog_domain::services::ChangePasswordCommand;
use serde::Deserialize;

/// `/change_password`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChangePasswordForm {
    current_password: String,
    password: String,
    password2: String,
}

impl ChangePasswordForm {
    /// The command, or the (empty: passwords are never put back) form with the errors.
    pub(crate) fn command(&self) -> Result<ChangePasswordCommand, FormView> {
        let mut view = FormView::new();
        view.require("current_password", &self.current_password);
        let password = view.check("password", Password::parse(&self.password));
        if self.password2 != self.password {
            view.field_error("password2", MUST_EQUAL_PASSWORD);
        }
        match password {
            Some(new_password) if !view.has_errors() => Ok(ChangePasswordCommand {
                current_password: self.current_password.clone(),
                new_password,
            }),
            _ => Err(view),
        }
    }
}

/// The logout button (the navigation's and the confirmation page's).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogoutButton {}

/// A "Sign out" button of `/sessions` (one session, or every other one).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RevokeButton {}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(current: &str, password: &str, password2: &str) -> ChangePasswordForm {
        ChangePasswordForm {
            current_password: current.to_owned(),
            password: password.to_owned(),
            password2: password2.to_owned(),
        }
    }

    #[test]
    fn a_change_needs_the_current_password_and_two_equal_new_ones() {
        let ok = form("old secret", "new secret!", "new secret!")
            .command()
            .unwrap();
        assert_eq!(ok.current_password, "old secret");
        assert!(form("", "new secret!", "new secret!").command().is_err());
        assert!(
            form("old secret", "new secret!", "other one!")
                .command()
                .is_err()
        );
        assert!(form("old secret", "short", "short").command().is_err());
    }
}
