//! The walk itself: register, log in, follow the emailed confirmation link (the banner goes),
//! log out, forget the password, find the email in the development web inbox and follow its
//! link from there, choose a new password, log in with it, and post; visit the other signed-in
//! pages (`pages.rs`); sign in from a second
//! browser, see both sessions on `/sessions` and end the other one — clicking where a person
//! would click.

use super::browser::Browser;
use super::walk::Walk;
use crate::mailbox::DevMailbox;
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

/// The person's two browsers (two devices, two cookie jars).
#[derive(Clone, Copy)]
pub struct Browsers<'b> {
    pub first: &'b Browser,
    pub second: &'b Browser,
}

/// Walks the whole flow against the application at `base_url`, reading mail in `mailbox`'s
/// web inbox (and checking it against what its SMTP side received).
///
/// # Errors
/// The first step that fails, by name.
pub async fn walk<'b>(
    walk: &mut Walk<'b>,
    browsers: Browsers<'b>,
    mailbox: &DevMailbox,
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
        &mailbox.sink,
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
        b.click_button("Logout").await?;
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
        &mailbox.sink,
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
    walk.step("inbox-lists-the-reset-email", async |b| {
        b.open(&mailbox.web_url()).await?;
        b.expect_text(&who.email).await?;
        b.click_link(RESET_SUBJECT).await?;
        b.expect_text("Raw source").await?;
        b.expect_text(&link).await
    })
    .await?;
    walk.step("reset-form", async |b| {
        let selector = format!("pre.text a[href=\"{link}\"]");
        b.click(&selector, "the reset link in the email's text")
            .await?;
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
    super::pages::visit(walk, base_url, &who.username).await?;
    second_device(walk, browsers, base_url, who).await?;
    walk.step("reset-link-is-dead", async |b| {
        b.click_button("Logout").await?;
        b.expect_text("Sign In").await?;
        b.open(&link).await?;
        b.expect_text("This reset link has already been used.")
            .await?;
        b.expect_path("/reset_password_request").await?;
        if b.has("[name=\"password2\"]").await? {
            bail!("the used reset link still shows a new-password form");
        }
        Ok(())
    })
    .await
}

/// Signs in from the second browser, ends that session from the first one's `/sessions`,
/// and sees the second browser asked to log in again; the walk goes on in the first.
async fn second_device<'b>(
    walk: &mut Walk<'b>,
    browsers: Browsers<'b>,
    base_url: &str,
    who: &Person,
) -> anyhow::Result<()> {
    walk.switch_to(browsers.second);
    walk.step("second-browser-signed-in", async |b| {
        b.open(&format!("{base_url}/login")).await?;
        log_in(b, who, &who.new_password).await
    })
    .await?;
    walk.switch_to(browsers.first);
    walk.step("sessions-show-two-devices", async |b| {
        b.click_link("Profile").await?;
        b.click_link("Your sessions").await?;
        b.expect_path("/sessions").await?;
        b.expect_text("This device").await?;
        b.expect_text("Sign out everywhere else").await?;
        let rows = b.count("table.sessions tbody tr").await?;
        if rows != 2 {
            bail!("/sessions lists {rows} sessions, not 2");
        }
        Ok(())
    })
    .await?;
    walk.step("other-session-revoked", async |b| {
        b.click_button("Sign out").await?;
        b.expect_text("The session has been signed out.").await?;
        let rows = b.count("table.sessions tbody tr").await?;
        if rows != 1 {
            bail!("after the revoke /sessions lists {rows} sessions, not 1");
        }
        Ok(())
    })
    .await?;
    walk.switch_to(browsers.second);
    walk.step("second-browser-signed-out", async |b| {
        b.open(&format!("{base_url}/index")).await?;
        b.expect_text("Please log in to access this page.").await?;
        b.expect_path("/login?next=%2Findex").await
    })
    .await?;
    walk.switch_to(browsers.first);
    walk.step("first-browser-still-signed-in", async |b| {
        b.open(&format!("{base_url}/index")).await?;
        b.expect_text(&format!("Hi, {}!", who.username)).await?;
        b.expect_path("/index").await
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
