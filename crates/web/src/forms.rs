//! The forms: [`posted`] holds each form as posted (field names as in the tutorial) and how it
//! parses into domain values; [`FormView`] is what a template needs to redraw a form (the
//! values to keep and the errors beside each field); [`PageQuery`] is `?page=` and `?next=`.

mod posted;

pub(crate) use posted::{
    EditProfileForm, FollowButton, LoginForm, PostForm, RegisterForm, ResendConfirmationButton,
    ResetPasswordForm, ResetRequestForm,
};

use crate::links;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// WTForms' `DataRequired` message.
pub(crate) const REQUIRED: &str = "This field is required.";
/// WTForms' `EqualTo('password')` message.
pub(crate) const MUST_EQUAL_PASSWORD: &str = "Field must be equal to password.";
/// What a form says when its CSRF token did not match.
pub(crate) const FORM_EXPIRED: &str = "The form expired. Please try again.";

/// `?page=` (anything unparsable is page 1, as Flask's `type=int` does) and `?next=`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    page: Option<String>,
    next: Option<String>,
}

impl PageQuery {
    /// `?next=`, if it is a path on this site (see [`links::local_path`]).
    pub(crate) fn local_next(&self) -> Option<String> {
        self.next.as_deref().and_then(links::local_path)
    }

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

    /// The form with `message` beside the field `name`.
    pub(crate) fn with_error(mut self, name: &'static str, message: impl ToString) -> Self {
        self.field_error(name, message);
        self
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
