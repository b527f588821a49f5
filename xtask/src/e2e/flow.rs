//! The walk itself: register, log in, follow the emailed confirmation link (the banner goes),
//! log out, forget the password, follow the emailed link, choose a new one, log in with it,
//! and post — clicking where a person would click.

use super::browser::Browser;
use super::walk::Walk;
use anyhow::{Context as _, bail};
use microblog_testkit::smtp_sink::SmtpSink;
use std::time::Duration;

/// Who walks.
pub struct Person {
    pub username: String,
    pub email: String,
    pub password: String,
    pub new_password: String,
    pub post: String,
}

impl Person {
    /// Susan, as in the tutorial.
    pub fn susan() -> Self {
        Self {
            username: "susan".to_owned(),
            email: "susan@example.com".to_owned(),
            password: "correct horse battery".to_owned(),
            new_password: "a brand new passphrase".to_owned(),
            post: "Back in after a password reset — café ✓".to_owned(),
        }
    }
}

/// Walks the whole flow against the application at `base_url`, reading mail from `sink`.
///
/// # Errors
/// The first step that fails, by name.
pub async fn walk(
    walk: &mut Walk<'_>,
    sink: &SmtpSink,
    base_url: &str,
    who: &Person,
) -> anyhow::Result<()> {
    walk.step("index-asks-for-login", async |b| {
        b.open(&format!("{base_url}/")).await?;
        b.expect_text("Sign In").await?;
        let path = b.path().await?;
        if !path.starts_with("/login") {
            bail!("an anonymous visit to / ended at {path}, not at /login");
        }
        Ok(())
    })
    .await?;
    walk.step("register-form", async |b| {
        b.click_link("Click to Register!").await?;
        b.expect_path("/register").await?;
        b.fill("username", &who.username).await?;
        b.fill("email", &who.email).await?;
        b.fill("password", &who.password).await?;
        b.fill("password2", &who.password).await
    })
    .await?;
    walk.step("registered", async |b| {
        b.submit("password2").await?;
        b.expect_text("Congratulations, you are now a registered user!")
            .await?;
        b.expect_path("/login").await
    })
    .await?;
    walk.step("logged-in", async |b| {
        log_in(b, who, &who.password).await?;
        b.expect_text("Please confirm your email address").await
    })
    .await?;
    let confirmation = mailed_link(
        sink,
        &who.email,
        CONFIRM_SUBJECT,
        base_url,
        "/confirm_email/",
    )
    .await?;
    walk.step("address-confirmed", async |b| {
        b.open(&confirmation).await?;
        b.expect_text("Your email address has been confirmed.")
            .await?;
        b.expect_path("/index").await?;
        if b.has(".confirm-banner").await? {
            bail!("the confirmation banner is still shown after confirming");
        }
        Ok(())
    })
    .await?;
    walk.step("logged-out", async |b| {
        b.click_link("Logout").await?;
        b.expect_text("Sign In").await?;
        b.expect_text("Forgot Your Password?").await
    })
    .await?;
    walk.step("reset-request-form", async |b| {
        b.click_link("Click to Reset It").await?;
        b.expect_path("/reset_password_request").await?;
        b.fill("email", &who.email).await
    })
    .await?;
    walk.step("reset-requested", async |b| {
        b.submit("email").await?;
        b.expect_text("Check your email for the instructions to reset your password")
            .await?;
        b.expect_path("/login").await
    })
    .await?;
    let link = mailed_link(
        sink,
        &who.email,
        RESET_SUBJECT,
        base_url,
        "/reset_password/",
    )
    .await?;
    println!(
        "e2e: the reset email arrived with a link to {}",
        redact(&link)
    );
    walk.step("reset-form", async |b| {
        b.open(&link).await?;
        b.expect_text("Reset Your Password").await?;
        b.fill("password", &who.new_password).await?;
        b.fill("password2", &who.new_password).await
    })
    .await?;
    walk.step("password-reset", async |b| {
        b.submit("password2").await?;
        b.expect_text("Your password has been reset.").await?;
        b.expect_path("/login").await
    })
    .await?;
    walk.step("old-password-refused", async |b| {
        b.fill("username", &who.username).await?;
        b.fill("password", &who.password).await?;
        b.submit("password").await?;
        b.expect_text("Invalid username or password").await
    })
    .await?;
    walk.step("logged-in-with-new-password", async |b| {
        log_in(b, who, &who.new_password).await
    })
    .await?;
    walk.step("post-written", async |b| {
        b.fill("post", &who.post).await?;
        b.submit("post").await?;
        b.expect_text("Your post is now live!").await?;
        b.expect_text(&who.post).await?;
        b.expect_path("/index").await
    })
    .await?;
    walk.step("reset-link-is-dead", async |b| {
        b.click_link("Logout").await?;
        b.expect_text("Sign In").await?;
        b.open(&link).await?;
        b.expect_text("Sign In").await?;
        if b.has("[name=\"password2\"]").await? {
            bail!("the used reset link still shows a new-password form");
        }
        Ok(())
    })
    .await
}

async fn log_in(b: &Browser, who: &Person, password: &str) -> anyhow::Result<()> {
    b.fill("username", &who.username).await?;
    b.fill("password", password).await?;
    b.submit("password").await?;
    b.expect_path("/index").await?;
    b.expect_text(&format!("Hi, {}!", who.username)).await
}

const RESET_SUBJECT: &str = "[Microblog] Reset Your Password";
const CONFIRM_SUBJECT: &str = "[Microblog] Confirm Your Email Address";

/// The link in the email to `to` with `subject`: the first word of its text that starts
/// with `BASE_URL` and `path`.
async fn mailed_link(
    sink: &SmtpSink,
    to: &str,
    subject: &str,
    base_url: &str,
    path: &str,
) -> anyhow::Result<String> {
    let mail = sink
        .wait_for(Duration::from_secs(30), |m| {
            m.is_to(to) && m.subject.as_deref() == Some(subject)
        })
        .await
        .with_context(|| {
            format!("no {subject:?} email to {to} reached the SMTP sink within 30 s")
        })?;
    let text = mail.text.context("the email has no text part")?;
    let prefix = format!("{base_url}{path}");
    let link = text
        .split_whitespace()
        .find(|word| word.starts_with(&prefix) && word.len() > prefix.len())
        .with_context(|| format!("the email's text has no link starting with {prefix}:\n{text}"))?;
    let html = mail.html.unwrap_or_default();
    if !html.contains(link) {
        bail!("the email's HTML part does not carry the same link");
    }
    Ok(link.to_owned())
}

/// The link with its token shortened, for the log.
fn redact(link: &str) -> String {
    match link.rsplit_once('/') {
        Some((base, token)) => format!("{base}/{}…", token.chars().take(12).collect::<String>()),
        None => link.to_owned(),
    }
}
