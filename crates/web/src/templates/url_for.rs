//! `url_for(name, **params)`: templates link to routes by name, as Flask's do
//! (`{{ url_for('user', username=post.author) }}`), and the paths come from the route table.
//! An unknown name, a missing parameter or one the route does not have is a render error,
//! never an empty link.

use minijinja::value::{Kwargs, Value};
use minijinja::{Error, ErrorKind};

/// The path of the route called `name`, each parameter percent-encoded as one segment.
pub(super) fn url_for(name: &str, params: Kwargs) -> Result<String, Error> {
    let rule = microblog_routes::find(name)
        .ok_or_else(|| invalid(format!("url_for: there is no route named {name:?}")))?;
    let mut values = Vec::new();
    for param in params.args() {
        let value: Value = params.get(param)?;
        let text = match value.as_str() {
            Some(text) => text.to_owned(),
            None if value.is_number() => value.to_string(),
            None => {
                let kind = value.kind();
                return Err(invalid(format!(
                    "url_for({name:?}): {param} must be a string, not {kind}"
                )));
            }
        };
        values.push((param, text));
    }
    let values: Vec<(&str, &str)> = values
        .iter()
        .map(|(param, text)| (*param, text.as_str()))
        .collect();
    rule.path(&values)
        .map_err(|error| invalid(format!("url_for: {error}")))
}

fn invalid(detail: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{Environment, context};

    fn render(source: &str) -> Result<String, Error> {
        let mut env = Environment::new();
        env.add_function("url_for", url_for);
        env.render_str(source, context! { name => "zoë x", none => () })
    }

    #[test]
    fn routes_are_linked_by_name_with_encoded_parameters() {
        assert_eq!(render("{{ url_for('index') }}").unwrap(), "/index");
        assert_eq!(
            render("{{ url_for('user', username=name) }}").unwrap(),
            "/user/zo%C3%AB%20x"
        );
        assert_eq!(
            render("{{ url_for('static', file='style.css') }}").unwrap(),
            "/static/style.css"
        );
    }

    #[test]
    fn a_bad_link_is_a_render_error_not_an_empty_string() {
        for bad in [
            "{{ url_for('nope') }}",
            "{{ url_for('user') }}",
            "{{ url_for('user', username=none) }}",
            "{{ url_for('user', username=missing) }}",
            "{{ url_for('user', username=name, page=2) }}",
            "{{ url_for('login', next='/x') }}",
            "{{ url_for() }}",
        ] {
            assert!(render(bad).is_err(), "{bad} rendered");
        }
    }
}
