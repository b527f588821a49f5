//! The forms: [`posted`] and [`account`] hold each form as posted (field names as in the tutorial) and how it
//! parses into domain values; [`FormView`] is what a template needs to redraw a form (the
//! values to keep and the errors beside each field); [`PageQuery`] is `?page=`, the
//! `?before=`/`?after=` cursors and `?next=`.

mod account;
mod posted;

pub(crate) use account::{ChangeEmailForm, ChangePasswordForm, LogoutButton, RevokeButton};
pub(crate) use posted::{
    EditProfileForm, FollowButton, LoginForm, PostForm, RegisterForm, ResendConfirmationButton,
    ResetPasswordForm, ResetRequestForm,
};

use crate::links;
use microblog_domain::{PagePosition, PostId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// WTForms' `DataRequired` message.
pub(crate) const REQUIRED: &str = "This field is required.";
/// WTForms' `EqualTo('password')` message.
pub(crate) const MUST_EQUAL_PASSWORD: &str = "Field must be equal to password.";
/// What a form says when its CSRF token did not match.
pub(crate) const FORM_EXPIRED: &str = "The form expired. Please try again.";

/// `?page=` (anything unparsable is page 1, as Flask's `type=int` does), the cursors
/// `?before=<post id>` and `?after=<post id>` of the pager links, and `?next=`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    page: Option<String>,
    before: Option<String>,
    after: Option<String>,
    next: Option<String>,
}

impl PageQuery {
    /// `?next=`, if it is a path on this site (see [`links::local_path`]).
    pub(crate) fn local_next(&self) -> Option<String> {
        self.next.as_deref().and_then(links::local_path)
    }

    /// Where the asked page starts: a well-formed cursor (a positive post id) first, then
    /// the page number; anything unparsable is ignored, so the worst a bad link gets is
    /// page 1.
    pub(crate) fn position(&self) -> PagePosition {
        let post = |raw: &Option<String>| {
            raw.as_deref()
                .and_then(|id| id.trim().parse::<i64>().ok())
                .filter(|id| *id > 0)
                .map(PostId)
        };
        if let Some(post) = post(&self.before) {
            PagePosition::Before(post)
        } else if let Some(post) = post(&self.after) {
            PagePosition::After(post)
        } else {
            PagePosition::Number(self.page())
        }
    }

    fn page(&self) -> u32 {
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
                ..PageQuery::default()
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
    fn a_well_formed_cursor_wins_over_the_page_number() {
        let query = |before: &str, after: &str| PageQuery {
            page: Some("4".to_owned()),
            before: Some(before.to_owned()),
            after: Some(after.to_owned()),
            next: None,
        };
        let before = PagePosition::Before(PostId(7));
        assert_eq!(query("7", "9").position(), before);
        assert_eq!(query("x", "9").position(), PagePosition::After(PostId(9)));
        assert_eq!(query("0", "-1").position(), PagePosition::Number(4));
        assert_eq!(
            query("", "99999999999999999999").position(),
            PagePosition::Number(4)
        );
        assert_eq!(PageQuery::default().position(), PagePosition::Number(1));
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
