//! The seed chapter's promise, end to end: forgot password → email → link → new password,
//! and what asking for a reset does (same answer for unknown addresses, one mail for many
//! requests, other sessions logged out).

use super::harness::{BASE_URL, PASSWORD, Page, TestApp, link_path, location};

#[tokio::test]
async fn the_whole_reset_flow_works_as_the_tutorial_promises() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "Susan@Example.com").await;

    let login = app.page(&browser, "/login").await;
    assert!(login.contains("Forgot Your Password?"), "{}", login.body);
    assert!(login.contains("/reset_password_request"));

    let answer = app.request_reset(&browser, "susan@example.COM").await;
    assert_eq!(location(&answer), "/login");
    let flashed = app.page(&browser, "/login").await;
    assert!(flashed.contains("Check your email for the instructions to reset your password"));

    let mail = app.wait_for_mail("Susan@Example.com").await;
    assert_eq!(
        mail.subject.as_deref(),
        Some("[Microblog] Reset Your Password")
    );
    assert_eq!(
        mail.recipients,
        ["Susan@Example.com"],
        "sent to the stored address"
    );
    let text = mail.text.clone().expect("a text part");
    let html = mail.html.clone().expect("an html part");
    assert!(text.contains("Dear susan,"), "{text}");
    assert!(text.contains("If you have not requested a password reset simply ignore this message"));
    assert!(
        html.contains(&format!("href=\"{BASE_URL}/reset_password/")),
        "{html}"
    );
    let link = app.reset_link("Susan@Example.com", 1).await;
    assert!(link.starts_with(&format!("{BASE_URL}/reset_password/")));

    let opened = app.get(&browser, &link_path(&link)).await;
    assert_eq!(
        location(&opened),
        "/reset_password",
        "the token leaves the URL"
    );
    let form = app.page(&browser, "/reset_password").await;
    assert!(form.contains("name=\"password2\""), "{}", form.body);
    assert_eq!(form.headers["referrer-policy"], "no-referrer");
    assert!(
        !form.contains("gravatar.com"),
        "the reset page loads nothing from third parties"
    );

    let mismatch = app
        .submit(
            &browser,
            "/reset_password",
            "",
            &[
                ("password", "new password 1"),
                ("password2", "new password 2"),
            ],
        )
        .await;
    let mismatch = Page::read(mismatch).await;
    assert!(
        mismatch.contains("Field must be equal to password."),
        "{}",
        mismatch.body
    );

    let done = app
        .submit(
            &browser,
            "/reset_password",
            "",
            &[
                ("password", "a brand new secret"),
                ("password2", "a brand new secret"),
            ],
        )
        .await;
    assert_eq!(location(&done), "/login");
    let after = app.page(&browser, "/login").await;
    assert!(
        after.contains("Your password has been reset."),
        "{}",
        after.body
    );

    let old = app.login(&browser, "susan", PASSWORD).await;
    assert_eq!(location(&old), "/login", "the old password is refused");
    let refused = app.page(&browser, "/login").await;
    assert!(refused.contains("Invalid username or password"));
    let new = app.login(&browser, "susan", "a brand new secret").await;
    assert_eq!(location(&new), "/index", "the new password works");
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_mail() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;

    let known = app.request_reset(&app.browser(), "susan@example.com").await;
    let unknown = app
        .request_reset(&app.browser(), "nobody@example.com")
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), location(&unknown));
    app.wait_for_mail("susan@example.com").await;

    let stranger = app.browser();
    app.request_reset(&stranger, "ghost@example.com").await;
    let page = app.page(&stranger, "/login").await;
    assert!(page.contains("Check your email for the instructions to reset your password"));
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(app.mails_to("nobody@example.com").is_empty());
    assert!(app.mails_to("ghost@example.com").is_empty());
    assert_eq!(app.mails().len(), 1, "only the known address got mail");
}

#[tokio::test]
async fn ten_requests_within_seconds_send_one_mail_and_look_the_same() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    let mut answers = Vec::new();
    for _ in 0..10 {
        let response = app.request_reset(&app.browser(), "susan@example.com").await;
        answers.push((response.status(), location(&response)));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    app.wait_for_mail("susan@example.com").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.mails_to("susan@example.com").len(), 1);
}

#[tokio::test]
async fn a_reset_logs_out_every_other_session_and_notifies_the_owner() {
    let app = TestApp::spawn().await;
    let laptop = app.user("susan").await;
    let phone = app.browser();
    assert_eq!(
        location(&app.login(&phone, "susan", PASSWORD).await),
        "/index"
    );
    assert_eq!(app.get(&phone, "/index").await.status(), 200);

    let stranger = app.browser();
    app.request_reset(&stranger, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    app.reset_with_link(&stranger, &link, "after the reset", "after the reset")
        .await;

    for (name, browser) in [("laptop", &laptop), ("phone", &phone)] {
        let response = app.get(browser, "/index").await;
        assert!(
            location(&response).starts_with("/login"),
            "{name} is logged out"
        );
    }
    let notice = app
        .sink
        .wait_for(std::time::Duration::from_secs(20), |m| {
            m.is_to("susan@example.com")
                && m.subject.as_deref() != Some("[Microblog] Reset Your Password")
        })
        .await
        .expect("a password-changed notice arrives");
    let text = notice.text.unwrap_or_default();
    assert!(
        !text.contains("/reset_password/"),
        "the notice carries no reset link: {text}"
    );
}
