//! Email previews: every kind of email rendered with sample values, and a page showing each
//! one's subject, HTML and text side by side (`cargo xtask preview-emails`).

use crate::composer::{EMAIL_KINDS, MinijinjaComposer, sample_intent};
use microblog_domain::Email;
use microblog_domain::ports::{ComposeError, EmailComposer};
use minijinja::{Environment, context};

/// The sample recipient every preview is addressed to.
pub const PREVIEW_RECIPIENT: &str = "susan@example.com";

/// Every kind of email, rendered by `composer` with the sample values its templates are
/// tried with at start-up, in [`EMAIL_KINDS`] order.
///
/// # Errors
/// The first kind that does not render.
pub fn preview_emails(composer: &MinijinjaComposer) -> Result<Vec<Email>, ComposeError> {
    EMAIL_KINDS
        .into_iter()
        .map(|kind| composer.compose(vec![PREVIEW_RECIPIENT.to_owned()], &sample_intent(kind)))
        .collect()
}

/// One self-contained HTML page: a table of contents, then per email its kind, subject, the
/// HTML part in a sandboxed `srcdoc` frame (no scripts, no network from it) beside the text
/// part. Every value is escaped by the template engine.
///
/// # Panics
/// Never for any emails: the page's template is fixed and tested.
pub fn preview_page(emails: &[Email]) -> String {
    let mut env = Environment::new();
    env.add_template("previews.html", PAGE)
        .expect("the preview page template parses");
    let emails: Vec<_> = emails
        .iter()
        .map(|email| {
            context! {
                kind => email.kind.as_str(),
                subject => &email.subject,
                text_body => &email.text_body,
                html_body => &email.html_body,
            }
        })
        .collect();
    env.get_template("previews.html")
        .and_then(|page| page.render(context! { emails }))
        .expect("the preview page renders any emails")
}

const PAGE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Microblog email previews</title>
<style>
body { font-family: sans-serif; margin: 2em; }
section { border-top: 1px solid #999; padding: 1em 0; }
.parts { display: flex; gap: 1em; }
.parts > * { flex: 1; min-width: 0; }
iframe { width: 100%; height: 28em; border: 1px solid #ccc; }
pre { white-space: pre-wrap; border: 1px solid #ccc; padding: .5em; margin: 0; height: 27em; overflow: auto; }
a { text-decoration: underline; }
</style>
</head>
<body>
<h1>Microblog email previews</h1>
<p>Every kind of email, rendered from <code>templates/email/</code> with sample values.</p>
<ul>
{% for email in emails %}<li><a href="#{{ email.kind }}">{{ email.kind }}</a>: {{ email.subject }}</li>
{% endfor %}</ul>
{% for email in emails %}
<section id="{{ email.kind }}">
<h2>{{ email.kind }}</h2>
<p><strong>Subject:</strong> {{ email.subject }}</p>
<div class="parts">
<div><h3>HTML</h3><iframe sandbox title="HTML part of {{ email.kind }}" srcdoc="{{ email.html_body }}"></iframe></div>
<div><h3>Text</h3><pre>{{ email.text_body }}</pre></div>
</div>
</section>
{% endfor %}
</body>
</html>
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_and_appears_on_the_page() {
        let composer = MinijinjaComposer::new("https://microblog.example").unwrap();
        let emails = preview_emails(&composer).unwrap();
        assert_eq!(emails.len(), EMAIL_KINDS.len());
        let page = preview_page(&emails);
        for (email, kind) in emails.iter().zip(EMAIL_KINDS) {
            assert_eq!(email.kind, kind);
            assert!(
                email.subject.contains("Microblog"),
                "{kind:?}: {}",
                email.subject
            );
            assert!(!email.text_body.trim().is_empty(), "{kind:?} has text");
            assert!(email.html_body.contains("</p>"), "{kind:?} has HTML");
            assert!(page.contains(&format!("id=\"{}\"", kind.as_str())));
        }
    }

    #[test]
    fn the_html_part_is_escaped_into_its_frame() {
        let composer = MinijinjaComposer::new("https://microblog.example").unwrap();
        let page = preview_page(&preview_emails(&composer).unwrap());
        assert!(
            page.contains("srcdoc=\"&lt;p&gt;Dear susan"),
            "escaped srcdoc"
        );
        assert!(
            !page.contains("srcdoc=\"<p>"),
            "never raw markup in the attribute"
        );
    }
}
