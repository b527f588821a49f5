//! The signed-in user's account forms: `/change_password`, `/change_email`, and the buttons
//! of `/logout` and `/sessions` (nothing but the CSRF token, which `extract::CsrfForm` checks).

use super::{FormView, MUST_EQUAL_PASSWORD};
use microblog_domain::services::{ChangeEmailCommand, ChangePasswordCommand};
use microblog_domain::{EmailAddress, Password};
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

/// `/change_email`: the new address and the current password.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChangeEmailForm {
    email: String,
    password: String,
}

impl ChangeEmailForm {
    /// The form as redrawn: the address, never the password.
    pub(crate) fn view(&self) -> FormView {
        FormView::new().with("email", &self.email)
    }

    /// The command, or the form with the errors.
    pub(crate) fn command(&self) -> Result<ChangeEmailCommand, FormView> {
        let mut view = self.view();
        let new_email = view.check("email", EmailAddress::parse(&self.email));
        view.require("password", &self.password);
        match new_email {
            Some(new_email) if !view.has_errors() => Ok(ChangeEmailCommand {
                new_email,
                password: self.password.clone(),
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

    #[test]
    fn an_address_change_needs_a_valid_address_and_the_password() {
        let form = |email: &str, password: &str| ChangeEmailForm {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let ok = form(" New@Example.com ", "secret").command().unwrap();
        assert_eq!(ok.new_email.as_str(), "New@Example.com");
        assert!(form("not an address", "secret").command().is_err());
        assert!(form("new@example.com", "").command().is_err());
    }
}
