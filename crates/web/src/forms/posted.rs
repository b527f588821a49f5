//! The forms as posted, each with how it parses into domain values: the value (or command)
//! the handler passes on, or the form redrawn with an error beside each field. None holds
//! the CSRF token: `extract::CsrfForm` checks that before a handler sees the form.

use super::{FormView, MUST_EQUAL_PASSWORD};
use microblog_domain::services::{RegisterCommand, UpdateProfileCommand};
use microblog_domain::{AboutMe, EmailAddress, Password, PostBody, Username};
use serde::Deserialize;

/// `/login`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    pub(crate) username: String,
    pub(crate) password: String,
    remember_me: String,
}

impl LoginForm {
    /// "Remember Me" was ticked.
    pub(crate) fn remember(&self) -> bool {
        !self.remember_me.is_empty()
    }

    /// The form as redrawn: the username and the checkbox, never the password.
    pub(crate) fn view(&self) -> FormView {
        let remember = if self.remember() { "y" } else { "" };
        FormView::new()
            .with("username", &self.username)
            .with("remember_me", remember)
    }

    /// Both fields are filled in; else the form with what is missing.
    pub(crate) fn check(&self) -> Result<(), FormView> {
        let mut view = self.view();
        let complete =
            view.require("username", &self.username) & view.require("password", &self.password);
        if complete { Ok(()) } else { Err(view) }
    }
}

/// `/register`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RegisterForm {
    username: String,
    email: String,
    password: String,
    password2: String,
}

impl RegisterForm {
    /// The form as redrawn: username and email, never the passwords.
    pub(crate) fn view(&self) -> FormView {
        FormView::new()
            .with("username", &self.username)
            .with("email", &self.email)
    }

    /// The registration, or the form with every field's error.
    pub(crate) fn command(&self) -> Result<RegisterCommand, FormView> {
        let mut view = self.view();
        let username = view.check("username", Username::parse(&self.username));
        let email = view.check("email", EmailAddress::parse(&self.email));
        let password = view.check("password", Password::parse(&self.password));
        if self.password2 != self.password {
            view.field_error("password2", MUST_EQUAL_PASSWORD);
        }
        match (username, email, password) {
            (Some(username), Some(email), Some(password)) if !view.has_errors() => {
                Ok(RegisterCommand {
                    username,
                    email,
                    password,
                })
            }
            _ => Err(view),
        }
    }
}

/// `/index`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PostForm {
    post: String,
}

impl PostForm {
    /// The form as redrawn, with the text written so far.
    pub(crate) fn view(&self) -> FormView {
        FormView::new().with("post", &self.post)
    }

    /// The post's body, or the form with its error.
    pub(crate) fn body(&self) -> Result<PostBody, FormView> {
        let mut view = self.view();
        view.check("post", PostBody::parse(&self.post)).ok_or(view)
    }
}

/// `/edit_profile`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EditProfileForm {
    username: String,
    about_me: String,
}

impl EditProfileForm {
    /// The form as redrawn, with both values.
    pub(crate) fn view(&self) -> FormView {
        FormView::new()
            .with("username", &self.username)
            .with("about_me", &self.about_me)
    }

    /// The change, or the form with every field's error. Keeping `current`, one's own name,
    /// is always allowed, even a name from before today's rules (it is not checked again).
    pub(crate) fn command(&self, current: &Username) -> Result<UpdateProfileCommand, FormView> {
        let mut view = self.view();
        let username = if self.username.trim() == current.as_str() {
            Some(current.clone())
        } else {
            view.check("username", Username::parse(&self.username))
        };
        let about_me = view.check("about_me", AboutMe::parse(&self.about_me));
        match (username, about_me) {
            (Some(username), Some(about_me)) => Ok(UpdateProfileCommand { username, about_me }),
            _ => Err(view),
        }
    }
}

/// `/reset_password_request`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResetRequestForm {
    email: String,
}

impl ResetRequestForm {
    /// The form as redrawn, with the address.
    pub(crate) fn view(&self) -> FormView {
        FormView::new().with("email", &self.email)
    }

    /// The address, or the form with its error.
    pub(crate) fn email(&self) -> Result<EmailAddress, FormView> {
        let mut view = self.view();
        view.check("email", EmailAddress::parse(&self.email))
            .ok_or(view)
    }
}

/// `/reset_password`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResetPasswordForm {
    password: String,
    password2: String,
}

impl ResetPasswordForm {
    /// The new password, or the (empty: passwords are never put back) form with the errors.
    pub(crate) fn new_password(&self) -> Result<Password, FormView> {
        let mut view = FormView::new();
        let password = view.check("password", Password::parse(&self.password));
        if self.password2 != self.password {
            view.field_error("password2", MUST_EQUAL_PASSWORD);
        }
        match password {
            Some(password) if !view.has_errors() => Ok(password),
            _ => Err(view),
        }
    }
}

/// The follow and unfollow buttons: nothing but the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FollowButton {}

/// The banner's "send the confirmation email again": nothing but the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResendConfirmationButton {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse_into_commands_or_come_back_with_their_errors() {
        let register = RegisterForm {
            username: "susan".to_owned(),
            email: "susan@example.com".to_owned(),
            password: "correct horse".to_owned(),
            password2: "correct horse".to_owned(),
        };
        assert_eq!(register.command().unwrap().username.as_str(), "susan");
        let mismatch = RegisterForm {
            password2: "other".to_owned(),
            ..register
        };
        assert!(mismatch.command().unwrap_err().has_errors());
        assert!(LoginForm::default().check().unwrap_err().has_errors());
        assert!(PostForm::default().body().is_err());
        let reset = ResetPasswordForm {
            password: "long enough".to_owned(),
            password2: "long enough!".to_owned(),
        };
        assert!(reset.new_password().is_err());
    }
}
