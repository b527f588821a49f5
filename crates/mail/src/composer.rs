//! `MinijinjaComposer`: renders each email from `templates/email/<kind>/{subject.txt,
//! body.txt, body.html}`. The HTML part is autoescaped (by its `.html` name), the text parts
//! are not; an undefined variable is an error, and every template is tried at start-up.

mod context;
mod embedded;

use microblog_domain::ports::{ComposeError, EmailComposer};
use microblog_domain::{Email, EmailIntent, EmailKind};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};
use std::path::{Path, PathBuf};

/// Every kind of email, each needing its three templates.
pub const EMAIL_KINDS: [EmailKind; EmailKind::ALL.len()] = EmailKind::ALL;

/// The three templates of each kind, in `templates/email/<kind>/`.
pub const TEMPLATE_FILES: [&str; 3] = ["subject.txt", "body.txt", "body.html"];

/// The email templates cannot be used. Raised at start-up, never while sending.
#[derive(Debug, thiserror::Error)]
pub enum ComposerError {
    #[error("email template {0} is missing")]
    Missing(PathBuf),
    #[error("cannot read email template {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("email template {name} does not parse")]
    Syntax {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("the {kind} email does not render with sample values")]
    Render {
        kind: &'static str,
        #[source]
        source: minijinja::Error,
    },
}

/// Composes emails from minijinja templates loaded once.
#[derive(Debug)]
pub struct MinijinjaComposer {
    env: Environment<'static>,
    /// `BASE_URL` without a trailing slash: every link in an email starts with it.
    base_url: String,
}

impl MinijinjaComposer {
    /// The templates built into the binary (the repository's `templates/email/`), with
    /// links into the site at `base_url` (`BASE_URL`, never a request's `Host`).
    ///
    /// # Errors
    /// Only if the built-in templates are broken, which the crate's tests rule out.
    pub fn new(base_url: &str) -> Result<Self, ComposerError> {
        Self::from_sources(
            base_url,
            embedded::TEMPLATES
                .iter()
                .map(|(name, source)| ((*name).to_owned(), (*source).to_owned())),
        )
    }

    /// The templates of a directory laid out like `templates/email/`, so operators can
    /// reword the emails. Every file is read now; later changes need a restart.
    ///
    /// # Errors
    /// A template is missing, unreadable, does not parse, or fails with sample values
    /// (e.g. it names a variable that does not exist).
    pub fn from_dir(dir: &Path, base_url: &str) -> Result<Self, ComposerError> {
        let mut sources = Vec::new();
        for kind in EMAIL_KINDS {
            for file in TEMPLATE_FILES {
                let path = dir.join(kind.as_str()).join(file);
                let source = std::fs::read_to_string(&path).map_err(|source| {
                    if source.kind() == std::io::ErrorKind::NotFound {
                        ComposerError::Missing(path.clone())
                    } else {
                        ComposerError::Read {
                            path: path.clone(),
                            source,
                        }
                    }
                })?;
                sources.push((template_name(kind, file), source));
            }
        }
        Self::from_sources(base_url, sources)
    }

    fn from_sources(
        base_url: &str,
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ComposerError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(microblog_templating::html_formatter);
        // Block tags on their own line leave no blank lines behind in the text parts.
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|source| ComposerError::Syntax {
                name: "(syntax settings)".into(),
                source,
            })?;
        env.set_syntax(syntax);
        for (name, source) in sources {
            env.add_template_owned(name.clone(), source)
                .map_err(|source| ComposerError::Syntax { name, source })?;
        }
        let composer = Self {
            env,
            base_url: base_url.trim_end_matches('/').to_owned(),
        };
        for kind in EMAIL_KINDS {
            for file in TEMPLATE_FILES {
                let name = template_name(kind, file);
                if composer.env.get_template(&name).is_err() {
                    return Err(ComposerError::Missing(PathBuf::from(name)));
                }
            }
            let sample = context::sample(kind);
            composer
                .render(&sample)
                .map_err(|source| ComposerError::Render {
                    kind: kind.as_str(),
                    source,
                })?;
        }
        Ok(composer)
    }

    /// Subject, text and HTML of `intent`.
    fn render(&self, intent: &EmailIntent) -> Result<(String, String, String), minijinja::Error> {
        let kind = intent.kind();
        let values = context::values(intent, &self.base_url);
        let render = |file: &str| {
            self.env
                .get_template(&template_name(kind, file))?
                .render(&values)
        };
        Ok((
            one_line(&render("subject.txt")?),
            render("body.txt")?,
            render("body.html")?,
        ))
    }
}

impl EmailComposer for MinijinjaComposer {
    fn compose(&self, to: Vec<String>, intent: &EmailIntent) -> Result<Email, ComposeError> {
        let kind = intent.kind();
        let (subject, text_body, html_body) =
            self.render(intent).map_err(|source| ComposeError {
                kind: kind.as_str(),
                source: Box::new(source),
            })?;
        Ok(Email {
            kind,
            to,
            subject,
            text_body,
            html_body,
        })
    }
}

/// An intent of `kind` with the sample values its templates are tried with.
pub(crate) fn sample_intent(kind: EmailKind) -> EmailIntent {
    context::sample(kind)
}

fn template_name(kind: EmailKind, file: &str) -> String {
    format!("{}/{file}", kind.as_str())
}

/// A subject is one header line: whitespace runs (line breaks included) become one space,
/// other control characters go. Nothing a value holds can add a header.
fn one_line(subject: &str) -> String {
    subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}
