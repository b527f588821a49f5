//! The page templates: embedded in release builds, read (and reloaded) from disk in debug
//! builds. They link to routes by name with [`url_for`](url_for::url_for).

mod url_for;

use crate::config::StartupError;
use minijinja::{Environment, UndefinedBehavior, Value};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// Every page template, with its embedded source.
const PAGES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../templates/base.html")),
    (
        "_macros.html",
        include_str!("../../../templates/_macros.html"),
    ),
    (
        "_posts.html",
        include_str!("../../../templates/_posts.html"),
    ),
    ("index.html", include_str!("../../../templates/index.html")),
    ("user.html", include_str!("../../../templates/user.html")),
    (
        "edit_profile.html",
        include_str!("../../../templates/edit_profile.html"),
    ),
    ("login.html", include_str!("../../../templates/login.html")),
    (
        "register.html",
        include_str!("../../../templates/register.html"),
    ),
    (
        "reset_password_request.html",
        include_str!("../../../templates/reset_password_request.html"),
    ),
    (
        "reset_password.html",
        include_str!("../../../templates/reset_password.html"),
    ),
    (
        "logout.html",
        include_str!("../../../templates/logout.html"),
    ),
    (
        "sessions.html",
        include_str!("../../../templates/sessions.html"),
    ),
    (
        "change_password.html",
        include_str!("../../../templates/change_password.html"),
    ),
    (
        "change_email.html",
        include_str!("../../../templates/change_email.html"),
    ),
    ("404.html", include_str!("../../../templates/404.html")),
    ("500.html", include_str!("../../../templates/500.html")),
    ("error.html", include_str!("../../../templates/error.html")),
];

/// The minijinja environment with HTML auto-escaping (by the `.html` extension),
/// semi-strict undefined values (so a typo in a template fails loudly instead of printing
/// nothing) and `url_for`.
pub(crate) struct Templates {
    env: Environment<'static>,
    /// Pages rendered once around a placeholder token; `None` while pages reload from disk.
    token_pages: Option<TokenPages>,
}

/// Pages whose HTML is the same for every visitor but for the CSRF token, kept as the text
/// between the places the token goes.
struct TokenPages {
    /// Random hex, rendered where the token goes and then split on.
    placeholder: String,
    pages: RwLock<HashMap<&'static str, Arc<[String]>>>,
}

impl Templates {
    /// Loads every page and checks that it parses.
    ///
    /// Debug builds read `templates/` next to the workspace on every change (edit a page,
    /// reload the browser); release builds, or a debug build whose source tree is gone, use
    /// the copies compiled into the binary.
    pub(crate) fn load() -> Result<Self, StartupError> {
        let disk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        if cfg!(debug_assertions) && disk.is_dir() {
            Self::from_dir(disk)
        } else {
            Self::embedded()
        }
    }

    /// The pages compiled into the binary.
    pub(crate) fn embedded() -> Result<Self, StartupError> {
        let mut env = Self::environment();
        for (name, source) in PAGES {
            env.add_template(name, source)
                .map_err(|source| StartupError::Template { name, source })?;
        }
        let token_pages = crate::session::random_hex(16)
            .ok()
            .map(|placeholder| TokenPages {
                placeholder,
                pages: RwLock::default(),
            });
        Self::checked(env, token_pages)
    }

    /// The pages in `dir`, reloaded when they change (so none is kept rendered).
    fn from_dir(dir: std::path::PathBuf) -> Result<Self, StartupError> {
        let mut env = Self::environment();
        env.set_loader(minijinja::path_loader(dir));
        env.set_auto_reload(true);
        Self::checked(env, None)
    }

    fn environment() -> Environment<'static> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_formatter(microblog_templating::html_formatter);
        env.add_function("url_for", url_for::url_for);
        env
    }

    fn checked(
        env: Environment<'static>,
        token_pages: Option<TokenPages>,
    ) -> Result<Self, StartupError> {
        for (name, _) in PAGES {
            env.get_template(name)
                .map_err(|source| StartupError::Template { name, source })?;
        }
        Ok(Self { env, token_pages })
    }

    /// Renders one page.
    pub(crate) fn render(&self, name: &str, context: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }

    /// Renders `name` with the context `context(token)` builds, which must be the same on
    /// every call for `name` but for the token: the first call renders around a placeholder
    /// and keeps the text between its places, later calls only join that text with `token`.
    /// (The sign-in page costs a tenth of its template this way.) A token that escaping
    /// would change (not plain ASCII letters and digits) is rendered in full.
    pub(crate) fn with_token(
        &self,
        name: &'static str,
        token: &str,
        context: impl FnOnce(&str) -> Value,
    ) -> Result<String, minijinja::Error> {
        let Some(cache) = &self.token_pages else {
            return self.render(name, context(token));
        };
        if !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return self.render(name, context(token));
        }
        let kept = cache
            .pages
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned();
        let parts = match kept {
            Some(parts) => parts,
            None => {
                let html = self.render(name, context(&cache.placeholder))?;
                let parts: Arc<[String]> = html
                    .split(cache.placeholder.as_str())
                    .map(str::to_owned)
                    .collect();
                cache
                    .pages
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(name, Arc::clone(&parts));
                parts
            }
        };
        Ok(parts.join(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::FormView;
    use minijinja::context;
    use minijinja::value::Serde;

    #[test]
    fn every_page_loads_and_escapes_html() {
        for templates in [Templates::load().unwrap(), Templates::embedded().unwrap()] {
            let context = context! {
                title => "<b>",
                message => "<script>x</script>",
                css_url => "/s.css",
                bare_nav => true,
            };
            let html = templates.render("error.html", context).unwrap();
            assert!(
                html.contains("<p>&lt;script&gt;x&lt;/script&gt;</p>"),
                "{html}"
            );
            assert!(!html.contains("<script>"));
        }
    }

    #[test]
    fn quotes_cannot_break_out_of_attributes() {
        let templates = Templates::embedded().unwrap();
        let context = context! {
            title => "t",
            message => "m",
            css_url => "/s.css",
            bare_nav => true,
            back_url => "/x\" onmouseover='alert(1)' a=\"&",
        };
        let html = templates.render("error.html", context).unwrap();
        assert!(
            html.contains("href=\"/x&quot; onmouseover=&#x27;alert(1)&#x27; a=&quot;&amp;\""),
            "{html}"
        );
    }

    #[test]
    fn a_page_kept_around_its_token_is_the_page_rendered_in_full() {
        let templates = Templates::embedded().unwrap();
        let context = |token: &str| {
            let mut values = sample_context(false, false, false);
            values = context! { csrf_token => token, flashes => Vec::<Value>::new(), ..values };
            values
        };
        for token in ["0123abcd", "ffff0000ffff", "0123abcd"] {
            let kept = templates.with_token("login.html", token, context).unwrap();
            let full = templates.render("login.html", context(token)).unwrap();
            assert_eq!(kept, full);
            assert!(kept.contains(&format!("value=\"{token}\"")), "{kept}");
        }
        let odd = "a\"b";
        let escaped = templates.with_token("login.html", odd, context).unwrap();
        assert!(escaped.contains("value=\"a&quot;b\""), "rendered in full");
        let reloading = Templates::from_dir(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates"),
        )
        .unwrap();
        assert!(
            reloading.token_pages.is_none(),
            "nothing kept while pages reload"
        );
    }

    /// What the handlers pass, with each page's optional parts present or absent.
    fn sample_context(signed_in: bool, own_profile: bool, follows: bool) -> Value {
        let someone = context! {
            username => "zoë x",
            avatar => "/avatar/zo%C3%AB.svg?s=128&v=1",
            about_me => "about",
            last_seen => "2024-05-01 12:00 UTC",
            last_seen_iso => "2024-05-01T12:00:00Z",
        };
        let post = context! {
            body => "hello", author => "zoë x", avatar => "a.png",
            when => "just now", when_full => "2024-05-01 12:00 UTC", when_iso => "2024-05-01T12:00:00Z",
        };
        let form = FormView::new()
            .with("username", "susan")
            .with("post", "hi")
            .form_error(crate::forms::FORM_EXPIRED);
        context! {
            title => "Title",
            message => "message",
            request_id => "abc",
            css_url => "/static/style.css?v=1",
            csrf_token => "token",
            flashes => vec![context! { level => "info", message => "flash" }],
            current_user => signed_in.then_some(someone.clone()),
            user => someone,
            show_form => signed_in,
            is_self => own_profile,
            viewer_follows => follows,
            followers => 1,
            following => 2,
            action => "/login?next=%2Fexplore",
            form => Serde(form),
            form_error => crate::forms::FORM_EXPIRED,
            current_email => "zoë@example.com",
            pending => own_profile.then(|| context! {
                address => "new@example.org", requested_at => "2024-05-01 12:00 UTC",
            }),
            sessions => vec![
                context! {
                    device => "Firefox on Linux", ip => "192.0.2.1", started => "2024-05-01 12:00 UTC",
                    last_active => "just now", handle => "0123456789abcdef0123456789abcdef", current => true,
                },
                context! {
                    device => "Chrome on Windows 10", ip => "unknown", started => "2024-05-01 11:00 UTC",
                    last_active => "5 minutes ago", handle => "fedcba9876543210fedcba9876543210", current => false,
                },
            ],
            list => context! {
                posts => vec![post],
                newer_url => "/index?page=1",
                older_url => "/index?page=3",
            },
        }
    }

    #[test]
    fn every_page_renders_with_every_link_it_can_show() {
        for templates in [Templates::load().unwrap(), Templates::embedded().unwrap()] {
            for (name, _) in PAGES.iter().filter(|(name, _)| !name.starts_with('_')) {
                for variant in [
                    (true, true, false),
                    (true, false, true),
                    (false, false, false),
                ] {
                    let (signed_in, own_profile, follows) = variant;
                    let context = sample_context(signed_in, own_profile, follows);
                    let html = templates
                        .render(name, context)
                        .unwrap_or_else(|error| panic!("{name} {variant:?}: {error:#}"));
                    assert!(html.contains("href=\"/index\""), "{name}");
                }
            }
        }
    }

    #[test]
    fn every_url_for_names_a_route_and_exactly_its_parameters() {
        for (page, source) in PAGES {
            for call in source.split("url_for(").skip(1) {
                let args = &call[..call.find(')').expect("url_for( is closed")];
                let mut parts = args.split(',').map(str::trim);
                let name = parts.next().unwrap_or_default().trim_matches('\'');
                let rule = microblog_routes::find(name)
                    .unwrap_or_else(|| panic!("{page}: url_for({args}): no such route"));
                let mut given: Vec<_> = parts.filter_map(|kw| kw.split('=').next()).collect();
                let mut wanted: Vec<_> = rule.params().collect();
                given.sort_unstable();
                wanted.sort_unstable();
                assert_eq!(given, wanted, "{page}: url_for({args})");
            }
        }
    }

    #[test]
    fn a_broken_template_is_a_startup_error() {
        let dir = std::env::temp_dir().join(format!("microblog-web-broken-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, source) in PAGES {
            std::fs::write(dir.join(name), source).unwrap();
        }
        std::fs::write(dir.join("login.html"), "{% block content %}{% endfor %}").unwrap();
        let error = Templates::from_dir(dir.clone()).err().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            matches!(
                error,
                StartupError::Template {
                    name: "login.html",
                    ..
                }
            ),
            "{error}"
        );
    }
}
