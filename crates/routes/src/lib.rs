//! Microblog's route table: every URL of the site, named once. The router registers these
//! patterns, handlers redirect to them, templates link to them by name
//! (`{{ url_for('user', username=post.author) }}`), the rate limiter and the log redaction
//! take their paths from here, and so does the link in the password-reset email
//! ([`reset_password_link`]). Renaming a route is a one-line change below.
//!
//! Parameters are percent-encoded as one path segment. The crate needs nothing but
//! `percent-encoding`, so any crate, the mail side included, may depend on it.

mod route;

pub use route::{PathError, Route, Rule};

/// `/`: the home timeline, the same page as [`INDEX`].
pub const ROOT: Route = Route::new("root", "/");
/// The home timeline of followed users, with the post form.
pub const INDEX: Route = Route::new("index", "/index");
/// Every post.
pub const EXPLORE: Route = Route::new("explore", "/explore");
/// A profile with its posts.
pub const USER: Route<1> = Route::new("user", "/user/{username}");
/// The follow button's target (POST).
pub const FOLLOW: Route<1> = Route::new("follow", "/follow/{username}");
/// The unfollow button's target (POST).
pub const UNFOLLOW: Route<1> = Route::new("unfollow", "/unfollow/{username}");
/// The profile form.
pub const EDIT_PROFILE: Route = Route::new("edit_profile", "/edit_profile");
/// The sign-in form.
pub const LOGIN: Route = Route::new("login", "/login");
/// Signs out.
pub const LOGOUT: Route = Route::new("logout", "/logout");
/// The registration form.
pub const REGISTER: Route = Route::new("register", "/register");
/// The form asking for a reset link by email.
pub const RESET_PASSWORD_REQUEST: Route =
    Route::new("reset_password_request", "/reset_password_request");
/// The new-password form, its token kept in the session.
pub const RESET_PASSWORD: Route = Route::new("reset_password", "/reset_password");
/// The emailed link; its token is a secret (see [`Rule::masked`] for logs).
pub const RESET_PASSWORD_TOKEN: Route<1> =
    Route::new("reset_password_token", "/reset_password/{token}");
/// The signed-in user's sessions.
pub const SESSIONS: Route = Route::new("sessions", "/sessions");
/// Ends one of them; the segment is the session's public handle, never its secret.
pub const REVOKE_SESSION: Route<1> = Route::new("revoke_session", "/sessions/{handle}/revoke");
/// Ends every session of the user but the current one.
pub const REVOKE_OTHER_SESSIONS: Route =
    Route::new("revoke_other_sessions", "/sessions/revoke_others");
/// The signed-in user's password change form.
pub const CHANGE_PASSWORD: Route = Route::new("change_password", "/change_password");
/// The signed-in user's address change form.
pub const CHANGE_EMAIL: Route = Route::new("change_email", "/change_email");
/// The emailed address-confirmation link (registration and address change); its token is
/// a secret.
pub const CONFIRM_EMAIL_TOKEN: Route<1> = Route::new("confirm_email", "/confirm_email/{token}");
/// The banner's "send the confirmation email again" (POST).
pub const RESEND_CONFIRMATION: Route = Route::new("resend_confirmation", "/resend_confirmation");
/// Liveness probe.
pub const HEALTHZ: Route = Route::new("healthz", "/healthz");
/// Readiness probe.
pub const READYZ: Route = Route::new("readyz", "/readyz");
/// The stylesheet and the icon.
pub const STATIC: Route<1> = Route::new("static", "/static/{file}");
/// A user's generated avatar: the segment is `<username>.svg`.
pub const AVATAR: Route<1> = Route::new("avatar", "/avatar/{avatar}");

/// Every route, for lookups by name.
pub const ALL: &[Rule] = &[
    ROOT.rule(),
    INDEX.rule(),
    EXPLORE.rule(),
    USER.rule(),
    FOLLOW.rule(),
    UNFOLLOW.rule(),
    EDIT_PROFILE.rule(),
    LOGIN.rule(),
    LOGOUT.rule(),
    REGISTER.rule(),
    RESET_PASSWORD_REQUEST.rule(),
    RESET_PASSWORD.rule(),
    RESET_PASSWORD_TOKEN.rule(),
    SESSIONS.rule(),
    REVOKE_SESSION.rule(),
    REVOKE_OTHER_SESSIONS.rule(),
    CHANGE_PASSWORD.rule(),
    CHANGE_EMAIL.rule(),
    CONFIRM_EMAIL_TOKEN.rule(),
    RESEND_CONFIRMATION.rule(),
    HEALTHZ.rule(),
    READYZ.rule(),
    STATIC.rule(),
    AVATAR.rule(),
];

/// The route called `name`.
pub fn find(name: &str) -> Option<Rule> {
    ALL.iter().find(|rule| rule.name() == name).copied()
}

/// `/user/<username>`.
pub fn user(username: &str) -> String {
    USER.path(username)
}

/// `/follow/<username>`.
pub fn follow(username: &str) -> String {
    FOLLOW.path(username)
}

/// `/unfollow/<username>`.
pub fn unfollow(username: &str) -> String {
    UNFOLLOW.path(username)
}

/// `/login`, with `?next=` when there is somewhere to return to after signing in.
pub fn login_with_next(next: Option<&str>) -> String {
    match next {
        Some(next) => format!("{}?next={}", LOGIN.path(), route::encode(next)),
        None => LOGIN.path().to_owned(),
    }
}

/// `/sessions/<handle>/revoke`.
pub fn revoke_session(handle: &str) -> String {
    REVOKE_SESSION.path(handle)
}

/// `/static/<file>`.
pub fn static_file(name: &str) -> String {
    STATIC.path(name)
}

/// The absolute link of the address-confirmation email: `{base_url}/confirm_email/{token}`.
pub fn confirm_email_link(base_url: &str, token: &str) -> String {
    format!("{base_url}{}", CONFIRM_EMAIL_TOKEN.path(token))
}

/// The absolute link of the password-reset email: `{base_url}/reset_password/{token}`.
pub fn reset_password_link(base_url: &str, token: &str) -> String {
    format!("{base_url}{}", RESET_PASSWORD_TOKEN.path(token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_route_is_found_by_its_name_and_names_and_patterns_are_unique() {
        for rule in ALL {
            assert_eq!(find(rule.name()), Some(*rule));
        }
        let names: HashSet<_> = ALL.iter().map(Rule::name).collect();
        let patterns: HashSet<_> = ALL.iter().map(Rule::pattern).collect();
        assert_eq!((names.len(), patterns.len()), (ALL.len(), ALL.len()));
        assert_eq!(find("nope"), None);
    }

    #[test]
    fn the_table_is_the_tutorials() {
        let table: Vec<_> = ALL.iter().map(|rule| rule.masked()).collect();
        assert_eq!(
            table,
            [
                "/",
                "/index",
                "/explore",
                "/user/<username>",
                "/follow/<username>",
                "/unfollow/<username>",
                "/edit_profile",
                "/login",
                "/logout",
                "/register",
                "/reset_password_request",
                "/reset_password",
                "/reset_password/<token>",
                "/sessions",
                "/sessions/<handle>/revoke",
                "/sessions/revoke_others",
                "/change_password",
                "/change_email",
                "/confirm_email/<token>",
                "/resend_confirmation",
                "/healthz",
                "/readyz",
                "/static/<file>",
                "/avatar/<avatar>",
            ]
        );
    }

    #[test]
    fn names_are_encoded_into_one_path_segment() {
        assert_eq!(user("a?b#c%d"), "/user/a%3Fb%23c%25d");
        assert_eq!(follow("zoë"), "/follow/zo%C3%AB");
        assert_eq!(unfollow("a/b"), "/unfollow/a%2Fb");
        assert_eq!(
            login_with_next(Some("/user/a b?page=2")),
            "/login?next=%2Fuser%2Fa%20b%3Fpage%3D2"
        );
        assert_eq!(login_with_next(None), "/login");
        assert_eq!(static_file("style.css"), "/static/style.css");
    }

    #[test]
    fn the_reset_link_is_built_from_the_table() {
        assert_eq!(
            reset_password_link("https://microblog.example", "eyJh.eyJy-_x.sig"),
            "https://microblog.example/reset_password/eyJh.eyJy-_x.sig"
        );
        assert_eq!(
            RESET_PASSWORD_TOKEN.rule().literal_prefix(),
            "/reset_password/"
        );
    }
}
