//! [`Route`] (a named axum pattern whose type counts its parameters), [`Rule`] (the same
//! without the count, for lookups by name) and the building of paths from them.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::convert::Infallible;
use std::fmt;

/// Everything but RFC 3986's unreserved characters: for a path segment or a query value.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded so that it is one path segment or one query value.
pub(crate) fn encode(value: &str) -> impl fmt::Display + '_ {
    utf8_percent_encode(value, COMPONENT)
}

/// A route: the name templates pass to `url_for` and the axum pattern the router registers
/// (`/user/{username}`). `PARAMS` counts the pattern's parameters, so building a path takes
/// exactly that many values; a pattern that disagrees fails to compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route<const PARAMS: usize = 0>(Rule);

impl<const PARAMS: usize> Route<PARAMS> {
    /// A route called `name` at `pattern`: it starts with `/` and each parameter is a whole
    /// segment, `{name}`.
    pub(crate) const fn new(name: &'static str, pattern: &'static str) -> Self {
        assert!(
            matches!(count_params(pattern), Some(count) if count == PARAMS),
            "a route's pattern must be well formed and have as many parameters as its type says"
        );
        Self(Rule { name, pattern })
    }

    /// The name templates use: `url_for('user', username=...)`.
    pub const fn name(&self) -> &'static str {
        self.0.name
    }

    /// The axum pattern, for the router.
    pub const fn pattern(&self) -> &'static str {
        self.0.pattern
    }

    /// The route without its parameter count in its type.
    pub const fn rule(&self) -> Rule {
        self.0
    }
}

impl Route {
    /// The path: the pattern itself, there is nothing to fill in.
    pub const fn path(&self) -> &'static str {
        self.0.pattern
    }
}

impl Route<1> {
    /// The path with `value` in the parameter's place, percent-encoded as one segment.
    pub fn path(&self, value: &str) -> String {
        let Ok(path) = fill::<Infallible>(self.0.pattern, |_| Ok(value));
        path
    }
}

/// A route as a template names it: parameters are given by name and checked when the path
/// is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    name: &'static str,
    pattern: &'static str,
}

impl Rule {
    /// The route's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The axum pattern.
    pub const fn pattern(&self) -> &'static str {
        self.pattern
    }

    /// The names of the parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.pattern
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
    }

    /// The path with each parameter's value from `params` (by name) percent-encoded as one
    /// segment.
    ///
    /// # Errors
    /// [`PathError::MissingParam`] when the route has a parameter `params` lacks;
    /// [`PathError::UnknownParam`] when `params` names one the route does not have.
    pub fn path(&self, params: &[(&str, &str)]) -> Result<String, PathError> {
        if let Some((unknown, _)) = params
            .iter()
            .find(|(name, _)| !self.params().any(|param| param == *name))
        {
            return Err(PathError::UnknownParam {
                route: self.name,
                param: (*unknown).to_owned(),
            });
        }
        fill(self.pattern, |param| {
            params
                .iter()
                .find(|(name, _)| *name == param)
                .map(|(_, value)| *value)
                .ok_or(PathError::MissingParam {
                    route: self.name,
                    param,
                })
        })
    }

    /// What every path of the route starts with: the pattern up to its first parameter.
    pub fn literal_prefix(&self) -> &'static str {
        self.pattern
            .find('{')
            .map_or(self.pattern, |start| &self.pattern[..start])
    }

    /// The pattern with each parameter shown as `<name>` (`/reset_password/<token>`): how
    /// documentation and logs show the route without its values.
    pub fn masked(&self) -> String {
        self.pattern.replace('{', "<").replace('}', ">")
    }
}

/// A path could not be built from a [`Rule`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// The route has this parameter and no value was given for it.
    MissingParam {
        route: &'static str,
        param: &'static str,
    },
    /// A value was given for a parameter the route does not have.
    UnknownParam { route: &'static str, param: String },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingParam { route, param } => {
                write!(
                    f,
                    "the route {route} needs a value for its parameter {param}"
                )
            }
            Self::UnknownParam { route, param } => {
                write!(f, "the route {route} has no parameter {param}")
            }
        }
    }
}

impl std::error::Error for PathError {}

/// `pattern` with each `{param}` segment replaced by `value(param)`, percent-encoded.
fn fill<'v, E>(
    pattern: &'static str,
    mut value: impl FnMut(&'static str) -> Result<&'v str, E>,
) -> Result<String, E> {
    let mut path = String::with_capacity(pattern.len() + 16);
    for (index, segment) in pattern.split('/').enumerate() {
        if index > 0 {
            path.push('/');
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => path.extend(utf8_percent_encode(value(param)?, COMPONENT)),
            None => path.push_str(segment),
        }
    }
    Ok(path)
}

/// How many parameters `pattern` has, or `None` when it does not start with `/` or has a
/// parameter that is not a whole, named segment.
const fn count_params(pattern: &str) -> Option<usize> {
    let bytes = pattern.as_bytes();
    if bytes.is_empty() || bytes[0] != b'/' {
        return None;
    }
    let (mut count, mut open, mut i) = (0, false, 1);
    while i < bytes.len() {
        let at_segment_end = i + 1 == bytes.len() || bytes[i + 1] == b'/';
        match bytes[i] {
            b'{' if !open && bytes[i - 1] == b'/' => open = true,
            b'}' if open && bytes[i - 1] != b'{' && at_segment_end => {
                open = false;
                count += 1;
            }
            b'{' | b'}' => return None,
            b'/' if open => return None,
            _ => {}
        }
        i += 1;
    }
    if open { None } else { Some(count) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_checked() {
        assert_eq!(count_params("/"), Some(0));
        assert_eq!(count_params("/user/{username}"), Some(1));
        assert_eq!(count_params("/a/{b}/c/{d}"), Some(2));
        for bad in [
            "", "user", "/user/{}", "/user/{a", "/user/a}", "/u{a}", "/{a}b", "/{a/b}",
        ] {
            assert_eq!(count_params(bad), None, "{bad}");
        }
    }

    #[test]
    fn rules_build_paths_from_named_parameters() {
        let rule = Route::<1>::new("user", "/user/{username}").rule();
        assert_eq!(rule.path(&[("username", "a b")]).unwrap(), "/user/a%20b");
        assert_eq!(
            rule.path(&[]),
            Err(PathError::MissingParam {
                route: "user",
                param: "username"
            })
        );
        let unknown = rule.path(&[("username", "a"), ("page", "2")]).unwrap_err();
        assert_eq!(unknown.to_string(), "the route user has no parameter page");
        assert_eq!(rule.literal_prefix(), "/user/");
        assert_eq!(rule.masked(), "/user/<username>");
        assert_eq!(rule.params().collect::<Vec<_>>(), ["username"]);
    }
}
