//! The route table and the router agree: every route's path, built from the table, reaches
//! its handler (never the 404 fallback), for visitors and for logged-in users alike.

use crate::support::TestApp;
use axum::http::StatusCode;
use microblog_routes::{ALL, LOGOUT, Rule};

/// A path of `rule` with `username` for user parameters and samples for the others.
fn path_of(rule: &Rule, username: &str) -> String {
    let params: Vec<(&str, &str)> = rule
        .params()
        .map(|param| match param {
            "username" => (param, username),
            "token" => (param, "not.a.token"),
            "file" => (param, "style.css"),
            "avatar" => (param, "susan.svg"),
            "handle" => (param, "0123456789abcdef0123456789abcdef"),
            other => panic!("no sample value for the parameter {other}"),
        })
        .collect();
    rule.path(&params).unwrap()
}

#[tokio::test]
async fn every_route_built_from_the_table_reaches_the_router() {
    let mut visitor = TestApp::new();
    let mut susan = visitor.browser();
    susan.signed_in("susan").await;
    for rule in ALL {
        let path = path_of(rule, "zoë x");
        let reply = visitor.get(&path).await;
        assert_ne!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{}: {path}",
            rule.name()
        );
        if rule.name() != LOGOUT.name() {
            let path = path_of(rule, "susan");
            let reply = susan.get(&path).await;
            assert_ne!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{}: {path}",
                rule.name()
            );
        }
    }
    assert_eq!(
        susan.get("/user/susan").await.status,
        StatusCode::OK,
        "still logged in"
    );
    assert_eq!(
        visitor.get("/not/in/the/table").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_parameter_with_a_slash_stays_one_segment() {
    let mut visitor = TestApp::new();
    let reply = visitor.get(&microblog_routes::user("a/b")).await;
    assert_eq!(
        reply.location(),
        microblog_routes::login_with_next(Some("/user/a%2Fb")),
        "the user route's login guard answered, not the 404 fallback"
    );
}
