//! Attacks on the reset flow: forged links, a forged Host header, missing CSRF tokens.

use super::harness::{BASE_URL, SECRET_KEY, TestApp, form_fields, link_path, location};
use jwt_simple::prelude::*;

async fn app_with_a_link() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    (app, link)
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    Base64UrlSafeNoPadding::encode_to_string(bytes).unwrap()
}

#[tokio::test]
async fn garbage_tampered_unsigned_and_foreign_tokens_show_no_form() {
    let (app, link) = app_with_a_link().await;
    let token = link_path(&link)
        .trim_start_matches("/reset_password/")
        .to_owned();
    let parts: Vec<&str> = token.split('.').collect();
    let payload =
        String::from_utf8(Base64UrlSafeNoPadding::decode_to_vec(parts[1], None).unwrap()).unwrap();
    let tampered_payload = payload.replace("\"reset_password\":1", "\"reset_password\":2");
    let tampered = format!("{}.{}.{}", parts[0], b64(&tampered_payload), parts[2]);
    let unsigned = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    // The tutorial's own token: signed with the raw SECRET_KEY, no audience, no fingerprint.
    #[derive(Serialize, Deserialize)]
    struct Tutorial {
        reset_password: i64,
    }
    let tutorial = HS256Key::from_bytes(SECRET_KEY.as_bytes())
        .authenticate(Claims::with_custom_claims(
            Tutorial { reset_password: 1 },
            Duration::from_secs(600),
        ))
        .unwrap();
    let long = "a".repeat(3000);
    for forged in [
        "garbage",
        "a.b.c",
        tampered.as_str(),
        unsigned.as_str(),
        tutorial.as_str(),
        long.as_str(),
    ] {
        let browser = app.browser();
        let response = app
            .get(&browser, &format!("/reset_password/{forged}"))
            .await;
        assert_eq!(
            location(&response),
            "/reset_password_request",
            "{forged:.40}"
        );
        let explained = app.page(&browser, "/reset_password_request").await;
        assert!(
            explained.contains("This reset link is invalid."),
            "{forged:.40}"
        );
        let form = app.get(&browser, "/reset_password").await;
        assert_ne!(form.status(), 200, "no form after {forged:.40}");
    }
    // The genuine link still works after all that.
    let browser = app.browser();
    assert_eq!(
        location(&app.get(&browser, &link_path(&link)).await),
        "/reset_password"
    );
}

#[tokio::test]
async fn a_forged_host_header_never_reaches_the_link() {
    let app = TestApp::spawn().await;
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    let browser = app.browser();
    let forged = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("forwarded", "host=evil.example"),
    ];
    let mut get = browser.get(app.url("/reset_password_request"));
    for (name, value) in forged {
        get = get.header(name, value);
    }
    let page = get.send().await.unwrap().text().await.unwrap();
    let (action, mut fields) = form_fields(&page, "").expect("the request form");
    fields.retain(|(name, _)| name != "email");
    fields.push(("email".into(), "susan@example.com".into()));
    let target = if action.is_empty() {
        "/reset_password_request".to_owned()
    } else {
        action
    };
    let mut post = browser.post(app.url(&target)).form(&fields);
    for (name, value) in forged {
        post = post.header(name, value);
    }
    let answer = post.send().await.unwrap();
    let status = answer.status();
    assert_eq!(
        location(&answer),
        "/login",
        "{status}: {}",
        answer.text().await.unwrap_or_default()
    );
    let mail = app.wait_for_mail("susan@example.com").await;
    let text = mail.text.unwrap_or_default();
    let html = mail.html.unwrap_or_default();
    assert!(
        text.contains(&format!("{BASE_URL}/reset_password/")),
        "{text}"
    );
    assert!(!text.contains("evil.example") && !html.contains("evil.example"));
}

#[tokio::test]
async fn a_missing_or_wrong_csrf_token_sends_no_mail_and_changes_nothing() {
    let (app, link) = app_with_a_link().await;
    // John never asked for a reset, so nothing but CSRF stands between this POST and a mail.
    app.register(&app.browser(), "john", "john@example.com")
        .await;
    app.sink.clear();
    let browser = app.browser();
    app.get(&browser, "/reset_password_request").await;
    for token in [None, Some("forged-token")] {
        let mut fields = vec![("email", "john@example.com")];
        if let Some(token) = token {
            fields.push(("csrf_token", token));
        }
        let response = browser
            .post(app.url("/reset_password_request"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{token:?}");
        assert!(
            response.text().await.unwrap().contains("name=\"email\""),
            "the form again"
        );
    }
    // The reset form too: a session holding a valid token, but no CSRF token in the POST.
    assert_eq!(
        location(&app.get(&browser, &link_path(&link)).await),
        "/reset_password"
    );
    let response = browser
        .post(app.url("/reset_password"))
        .form(&[
            ("password", "hijacked password"),
            ("password2", "hijacked password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(app.mails().is_empty(), "no mail was sent");
    let old = app
        .login(&app.browser(), "susan", super::harness::PASSWORD)
        .await;
    assert_eq!(location(&old), "/index", "the password did not change");
}
