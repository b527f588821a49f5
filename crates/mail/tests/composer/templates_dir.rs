//! `MinijinjaComposer::from_dir`: operators' templates, checked at start-up.

use super::{compose, composer};
use microblog_domain::EmailIntent;
use microblog_mail::{ComposerError, EMAIL_KINDS, MinijinjaComposer, TEMPLATE_FILES};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The repository's `templates/email/`.
fn repository_templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates/email")
}

/// A fresh copy of the repository's templates in a temporary directory, removed on drop.
struct TemplatesCopy(PathBuf);

impl TemplatesCopy {
    fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "microblog-mail-templates-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        for kind in EMAIL_KINDS {
            std::fs::create_dir_all(dir.join(kind.as_str())).expect("create dir");
            for file in TEMPLATE_FILES {
                let from = repository_templates().join(kind.as_str()).join(file);
                std::fs::copy(&from, dir.join(kind.as_str()).join(file)).expect("copy");
            }
        }
        Self(dir)
    }

    fn write(&self, relative: &str, source: &str) {
        std::fs::write(self.0.join(relative), source).expect("write template");
    }
}

impl Drop for TemplatesCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sample() -> EmailIntent {
    EmailIntent::ResetPassword {
        username: "susan".into(),
        token: super::token("t"),
        valid_for_minutes: 10,
    }
}

#[test]
fn the_embedded_templates_are_the_repository_files() {
    let from_files =
        MinijinjaComposer::from_dir(&repository_templates(), super::BASE_URL).expect("valid");
    assert_eq!(
        compose(&from_files, &sample()),
        compose(&composer(), &sample())
    );
}

#[test]
fn an_operator_can_reword_an_email() {
    let copy = TemplatesCopy::new();
    copy.write(
        "reset_password/subject.txt",
        "Password help for {{ username }}\n",
    );
    let composer = MinijinjaComposer::from_dir(&copy.0, super::BASE_URL).expect("valid");
    assert_eq!(
        compose(&composer, &sample()).subject,
        "Password help for susan"
    );
}

#[test]
fn a_value_in_a_custom_subject_cannot_add_a_header() {
    let copy = TemplatesCopy::new();
    copy.write("reset_password/subject.txt", "Hello {{ username }}");
    let composer = MinijinjaComposer::from_dir(&copy.0, super::BASE_URL).expect("valid");
    let intent = EmailIntent::ResetPassword {
        username: "x\r\nBcc: victim@example.com".into(),
        token: super::token("t"),
        valid_for_minutes: 10,
    };
    assert_eq!(
        compose(&composer, &intent).subject,
        "Hello x Bcc: victim@example.com"
    );
}

#[test]
fn a_missing_template_is_an_error_naming_the_file() {
    let copy = TemplatesCopy::new();
    std::fs::remove_file(copy.0.join("password_changed/body.html")).expect("remove");
    match MinijinjaComposer::from_dir(&copy.0, super::BASE_URL) {
        Err(ComposerError::Missing(path)) => assert!(path.ends_with("password_changed/body.html")),
        other => panic!("expected Missing, got {other:?}"),
    }
}

#[test]
fn a_misspelt_variable_is_an_error_at_start_up_not_a_blank() {
    let copy = TemplatesCopy::new();
    copy.write(
        "reset_password/body.txt",
        "Dear {{ usernme }},\n{{ link }}\n",
    );
    match MinijinjaComposer::from_dir(&copy.0, super::BASE_URL) {
        Err(ComposerError::Render { kind, .. }) => assert_eq!(kind, "reset_password"),
        other => panic!("expected Render, got {other:?}"),
    }
}

#[test]
fn a_template_that_does_not_parse_is_an_error_naming_it() {
    let copy = TemplatesCopy::new();
    copy.write("test/body.html", "<p>{% if %}</p>");
    match MinijinjaComposer::from_dir(&copy.0, super::BASE_URL) {
        Err(ComposerError::Syntax { name, .. }) => assert_eq!(name, "test/body.html"),
        other => panic!("expected Syntax, got {other:?}"),
    }
}
