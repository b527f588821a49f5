//! The forms as posted (field names as in the tutorial) and [`FormView`], what a template
//! needs to redraw a form: the values to keep and the errors beside each field.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// WTForms' `DataRequired` message.
pub(crate) const REQUIRED: &str = "This field is required.";
/// WTForms' `EqualTo('password')` message.
pub(crate) const MUST_EQUAL_PASSWORD: &str = "Field must be equal to password.";
/// What a form says when its CSRF token did not match.
pub(crate) const FORM_EXPIRED: &str = "The form expired. Please try again.";

/// `/login`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) remember_me: String,
    pub(crate) csrf_token: String,
}

/// `/register`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RegisterForm {
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) password: String,
    pub(crate) password2: String,
    pub(crate) csrf_token: String,
}

/// `/index`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PostForm {
    pub(crate) post: String,
    pub(crate) csrf_token: String,
}

/// `/edit_profile`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EditProfileForm {
    pub(crate) username: String,
    pub(crate) about_me: String,
    pub(crate) csrf_token: String,
}

/// `/reset_password_request`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResetRequestForm {
    pub(crate) email: String,
    pub(crate) csrf_token: String,
}

/// `/reset_password`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResetPasswordForm {
    pub(crate) password: String,
    pub(crate) password2: String,
    pub(crate) csrf_token: String,
}

/// Follow, unfollow and logout buttons: nothing but the token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ButtonForm {
    pub(crate) csrf_token: String,
}

/// `?page=` (anything unparsable is page 1, as Flask's `type=int` does) and `?next=`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    page: Option<String>,
    pub(crate) next: Option<String>,
}

impl PageQuery {
    pub(crate) fn page(&self) -> u32 {
        self.page
            .as_deref()
            .and_then(|page| page.trim().parse().ok())
            .unwrap_or(1)
            .max(1)
    }
}

/// A form as the template redraws it. Passwords are never put back.
#[derive(Debug, Default, Serialize)]
pub(crate) struct FormView {
    values: BTreeMap<&'static str, String>,
    errors: BTreeMap<&'static str, Vec<String>>,
    /// An error about the whole form (an expired CSRF token).
    error: Option<String>,
}

impl FormView {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Keeps `value` in the field `name`.
    pub(crate) fn with(mut self, name: &'static str, value: &str) -> Self {
        self.values.insert(name, value.to_owned());
        self
    }

    /// Puts `message` beside the field `name`.
    pub(crate) fn field_error(&mut self, name: &'static str, message: impl ToString) {
        self.errors
            .entry(name)
            .or_default()
            .push(message.to_string());
    }

    /// Puts `message` at the top of the form.
    pub(crate) fn form_error(mut self, message: &str) -> Self {
        self.error = Some(message.to_owned());
        self
    }

    /// Whether any field has an error.
    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The value of `result`, or `None` after recording its error beside the field `name`.
    pub(crate) fn check<T, E: ToString>(
        &mut self,
        name: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        result.map_err(|error| self.field_error(name, error)).ok()
    }

    /// Records [`REQUIRED`] when `value` is blank; says whether it was present.
    pub(crate) fn require(&mut self, name: &'static str, value: &str) -> bool {
        let present = !value.trim().is_empty();
        if !present {
            self.field_error(name, REQUIRED);
        }
        present
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unparsable_pages_are_page_one() {
        let page = |raw: &str| {
            PageQuery {
                page: Some(raw.to_owned()),
                next: None,
            }
            .page()
        };
        assert_eq!(page("3"), 3);
        assert_eq!(page("x"), 1);
        assert_eq!(page("0"), 1);
        assert_eq!(page("-2"), 1);
        assert_eq!(page("99999999999"), 1);
        assert_eq!(PageQuery::default().page(), 1);
    }

    #[test]
    fn errors_collect_per_field() {
        let mut form = FormView::new();
        assert!(!form.has_errors());
        assert!(!form.require("username", "  "));
        assert_eq!(form.check::<u8, _>("email", Err("bad")), None);
        assert_eq!(form.check::<u8, &str>("post", Ok(1)), Some(1));
        assert_eq!(form.errors["username"], vec![REQUIRED.to_owned()]);
        assert!(form.has_errors());
    }
}
