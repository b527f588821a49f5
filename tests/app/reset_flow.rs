//! The seed chapter's promise, end to end: forgot password → email → link → new password.

use super::harness::{
    BASE_URL, Backend, PASSWORD, Page, TestApp, form_fields, is_redirect, link_path, location,
};

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
    assert!(app.sink.messages_to("nobody@example.com").is_empty());
    assert!(app.sink.messages_to("ghost@example.com").is_empty());
    assert_eq!(
        app.sink.messages().len(),
        1,
        "only the known address got mail"
    );
}

#[tokio::test]
async fn a_link_works_only_once() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;

    let first = app
        .reset_with_link(&browser, &link, "first new password", "first new password")
        .await;
    assert_eq!(location(&first), "/login");
    let again = app.get(&app.browser(), &link_path(&link)).await;
    assert!(is_redirect(&again));
    assert_eq!(location(&again), "/index", "a used link shows no form");
}

#[tokio::test]
async fn an_older_link_dies_when_a_newer_one_is_used() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("RESET_REQUEST_THROTTLE", "1")])
        .await
        .unwrap();
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let older = app.reset_link("susan@example.com", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.request_reset(&browser, "susan@example.com").await;
    let newer = app.reset_link("susan@example.com", 2).await;
    assert_ne!(older, newer);

    let done = app
        .reset_with_link(&browser, &newer, "newest password!", "newest password!")
        .await;
    assert_eq!(location(&done), "/login");
    let stale = app.get(&app.browser(), &link_path(&older)).await;
    assert_eq!(location(&stale), "/index", "the older link shows no form");
}

#[tokio::test]
async fn a_link_held_open_in_another_browser_dies_when_the_first_uses_it() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;

    // The second browser opens the link and has the form in front of it...
    let slow = app.browser();
    assert_eq!(
        location(&app.get(&slow, &link_path(&link)).await),
        "/reset_password"
    );
    let form = app.page(&slow, "/reset_password").await;
    let (_, mut fields) = form_fields(&form.body, "").expect("the reset form");
    fields.extend([
        ("password".into(), "too late pass".into()),
        ("password2".into(), "too late pass".into()),
    ]);
    // ...while the first browser uses the link...
    let done = app
        .reset_with_link(&browser, &link, "newest password!", "newest password!")
        .await;
    assert_eq!(location(&done), "/login");
    // ...so the form the second browser submits is dead, and reloading it shows no form.
    let late = slow
        .post(app.url("/reset_password"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&late), "/index", "the held token is dead");
    assert!(
        is_redirect(&app.get(&slow, "/reset_password").await),
        "no form any more"
    );
    let ok = app.login(&app.browser(), "susan", "newest password!").await;
    assert_eq!(location(&ok), "/index");
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("RESET_TOKEN_TTL", "2")])
        .await
        .unwrap();
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let opened = app.get(&browser, &link_path(&link)).await;
    assert_eq!(location(&opened), "/index", "expired: no form");
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
    assert_eq!(app.sink.messages_to("susan@example.com").len(), 1);
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

#[tokio::test]
async fn two_concurrent_submissions_of_one_link_let_exactly_one_succeed() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let (a, b) = (app.browser(), app.browser());
    for browser in [&a, &b] {
        assert_eq!(
            location(&app.get(browser, &link_path(&link)).await),
            "/reset_password"
        );
    }
    let fields_a = [
        ("password", "password of A!"),
        ("password2", "password of A!"),
    ];
    let fields_b = [
        ("password", "password of B!"),
        ("password2", "password of B!"),
    ];
    let (ra, rb) = tokio::join!(
        app.submit(&a, "/reset_password", "", &fields_a),
        app.submit(&b, "/reset_password", "", &fields_b),
    );
    let winners: Vec<_> = [location(&ra), location(&rb)]
        .into_iter()
        .filter(|l| l == "/login")
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one wins: {:?} {:?}",
        location(&ra),
        location(&rb)
    );
    let a_works = location(&app.login(&app.browser(), "susan", "password of A!").await) == "/index";
    let b_works = location(&app.login(&app.browser(), "susan", "password of B!").await) == "/index";
    assert!(a_works ^ b_works, "exactly one new password is in force");
}
