//! `LoginCookie`: the cookie that carries a server-side session's secret and nothing else.
//! `HttpOnly`, `SameSite=Lax`, `Secure` on https; with "remember me" it lasts
//! `REMEMBER_ME_DAYS`, otherwise it ends with the browser.

use super::LoginChange;
use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use microblog_domain::SessionSecret;
use std::time::Duration;

/// The cookie's name.
pub(crate) const LOGIN_COOKIE: &str = "microblog_login";

/// Reads and writes the login cookie.
pub(crate) struct LoginCookie {
    secure: bool,
    remember_for: Duration,
}

impl LoginCookie {
    /// `secure`: set the `Secure` attribute; `remember_for`: a remembered cookie's lifetime.
    pub(crate) fn new(secure: bool, remember_for: Duration) -> Self {
        Self {
            secure,
            remember_for,
        }
    }

    /// The secret the request's login cookie carries, and whether it carried one at all.
    /// A value that cannot be a secret counts as present (so it is removed) but gives none.
    pub(crate) fn read(headers: &HeaderMap) -> (Option<SessionSecret>, bool) {
        let mut present = false;
        for header in headers.get_all(COOKIE) {
            let Ok(header) = header.to_str() else {
                continue;
            };
            for cookie in Cookie::split_parse(header).flatten() {
                if cookie.name() == LOGIN_COOKIE {
                    present = true;
                    if let Some(secret) = SessionSecret::parse(cookie.value()) {
                        return (Some(secret), true);
                    }
                }
            }
        }
        (None, present)
    }

    /// The `Set-Cookie` header for `change`.
    pub(crate) fn header(&self, change: &LoginChange) -> Option<HeaderValue> {
        let cookie = match change {
            LoginChange::Open { secret, persistent } => {
                let mut cookie =
                    self.attributes(Cookie::new(LOGIN_COOKIE, secret.as_str().to_owned()));
                if *persistent {
                    cookie.set_max_age(time::Duration::try_from(self.remember_for).ok());
                }
                cookie
            }
            LoginChange::Close => {
                let mut cookie = self.attributes(Cookie::new(LOGIN_COOKIE, ""));
                cookie.make_removal();
                cookie
            }
        };
        HeaderValue::from_str(&cookie.to_string()).ok()
    }

    fn attributes(&self, mut cookie: Cookie<'static>) -> Cookie<'static> {
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_path("/");
        cookie.set_secure(self.secure);
        cookie
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pair: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(pair).unwrap());
        headers
    }

    #[test]
    fn the_cookie_carries_the_secret_only_with_safe_attributes() {
        let secret = SessionSecret::generate().unwrap();
        let cookies = LoginCookie::new(true, Duration::from_secs(86_400));
        let open = LoginChange::Open {
            secret: secret.clone(),
            persistent: false,
        };
        let header = cookies.header(&open).unwrap();
        let text = header.to_str().unwrap();
        assert!(
            text.starts_with(&format!("{LOGIN_COOKIE}={}", secret.as_str())),
            "{text}"
        );
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
            assert!(text.contains(attribute), "{text}");
        }
        assert!(!text.contains("Max-Age"), "ends with the browser: {text}");
        let pair = text.split(';').next().unwrap();
        assert_eq!(LoginCookie::read(&request(pair)), (Some(secret), true));
    }

    #[test]
    fn remember_me_lasts_the_configured_days_and_logout_removes_the_cookie() {
        let cookies = LoginCookie::new(false, Duration::from_secs(30 * 86_400));
        let open = LoginChange::Open {
            secret: SessionSecret::generate().unwrap(),
            persistent: true,
        };
        let text = cookies.header(&open).unwrap().to_str().unwrap().to_owned();
        assert!(
            text.contains("Max-Age=2592000") && !text.contains("Secure"),
            "{text}"
        );
        let removal = cookies.header(&LoginChange::Close).unwrap();
        assert!(removal.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn a_value_that_cannot_be_a_secret_is_present_but_opens_nothing() {
        let forged = format!("{LOGIN_COOKIE}=not-a-secret; other=1");
        assert_eq!(LoginCookie::read(&request(&forged)), (None, true));
        assert_eq!(LoginCookie::read(&request("other=1")), (None, false));
    }
}
