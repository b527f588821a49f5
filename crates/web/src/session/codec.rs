//! `SessionCodec`: the anonymous-state cookie (CSRF token, flashes, reset token), encrypted
//! and authenticated with AES-256-GCM under a key derived from `SECRET_KEY`. A cookie that
//! does not decrypt or parse is ignored. It is a browser-session cookie and says nothing
//! about who is logged in (that is the login cookie's secret, checked in the database).

use super::SessionData;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, CookieJar, Key, SameSite};
use microblog_domain::SecretKey;

/// The cookie's name (Flask's).
pub(crate) const COOKIE_NAME: &str = "session";
/// Browsers drop cookies above 4096 bytes; stay below with room for the attributes.
const MAX_COOKIE_BYTES: usize = 3800;

/// Reads and writes the session cookie.
pub(crate) struct SessionCodec {
    key: Key,
    secure: bool,
}

impl SessionCodec {
    /// `secure`: set the `Secure` attribute (the site is served over https).
    pub(crate) fn new(secret: &SecretKey, secure: bool) -> Self {
        let derived = secret.derive("microblog session cookie");
        Self {
            key: Key::derive_from(&derived),
            secure,
        }
    }

    /// The session in the request's cookies, and whether there was a session cookie at all.
    /// Forged, tampered or truncated cookies give an empty session.
    pub(crate) fn decode(&self, headers: &HeaderMap) -> (SessionData, bool) {
        let mut jar = CookieJar::new();
        for header in headers.get_all(COOKIE) {
            let Ok(header) = header.to_str() else {
                continue;
            };
            for cookie in Cookie::split_parse(header.to_owned()).flatten() {
                if cookie.name() == COOKIE_NAME {
                    jar.add_original(cookie);
                }
            }
        }
        let present = jar.get(COOKIE_NAME).is_some();
        let data: SessionData = jar
            .private(&self.key)
            .get(COOKIE_NAME)
            .and_then(|cookie| serde_json::from_str(cookie.value()).ok())
            .unwrap_or_default();
        (data, present)
    }

    /// The `Set-Cookie` header that stores `data`: a removal when the session is empty (and
    /// the browser had a cookie), a browser-session cookie otherwise. Flash messages are dropped, oldest first, if the cookie would grow
    /// too large for browsers to keep.
    pub(crate) fn encode(&self, mut data: SessionData, had_cookie: bool) -> Option<HeaderValue> {
        if data.is_empty() {
            return had_cookie.then(|| self.removal());
        }
        loop {
            let cookie = self.sealed(&data)?;
            if cookie.len() <= MAX_COOKIE_BYTES || data.flashes.is_empty() {
                return HeaderValue::from_str(&cookie).ok();
            }
            data.flashes.remove(0);
        }
    }

    fn sealed(&self, data: &SessionData) -> Option<String> {
        let value = serde_json::to_string(data).ok()?;
        let cookie = self.attributes(Cookie::new(COOKIE_NAME, value));
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(cookie);
        jar.get(COOKIE_NAME).map(|sealed| sealed.to_string())
    }

    fn removal(&self) -> HeaderValue {
        let mut cookie = self.attributes(Cookie::new(COOKIE_NAME, ""));
        cookie.make_removal();
        HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(
            "session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
        ))
    }

    fn attributes(&self, mut cookie: Cookie<'static>) -> Cookie<'static> {
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_path("/");
        cookie.set_secure(self.secure);
        cookie
    }
}

/// Appends `cookie` as a `Set-Cookie` header.
pub(crate) fn append_set_cookie(headers: &mut HeaderMap, cookie: HeaderValue) {
    headers.append(SET_COOKIE, cookie);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{CsrfToken, FlashLevel, Session};

    fn codec() -> SessionCodec {
        SessionCodec::new(&SecretKey::parse(&"k".repeat(32)).unwrap(), true)
    }

    /// The `name=value` part of a `Set-Cookie` header.
    fn cookie_pair(set_cookie: &HeaderValue) -> String {
        let text = set_cookie.to_str().unwrap();
        text.split(';').next().unwrap().to_owned()
    }

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let pair = cookie_pair(set_cookie);
        headers.insert(COOKIE, HeaderValue::from_str(&pair).unwrap());
        headers
    }

    fn with_token() -> SessionData {
        SessionData {
            csrf: Some(CsrfToken::random().unwrap()),
            ..SessionData::default()
        }
    }

    #[test]
    fn round_trips_and_sets_cookie_attributes() {
        let data = with_token();
        let header = codec().encode(data.clone(), false).unwrap();
        let text = header.to_str().unwrap();
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
            assert!(text.contains(attribute), "{text}");
        }
        assert!(!text.contains("Max-Age"), "browser-session cookie: {text}");
        assert!(!text.contains("\"c\""), "the content is encrypted: {text}");
        let (decoded, present) = codec().decode(&request_with(&header));
        assert!(present);
        assert_eq!(decoded, data);
    }

    #[test]
    fn a_tampered_or_foreign_cookie_is_an_empty_session() {
        let header = codec().encode(with_token(), false).unwrap();
        let mut text = cookie_pair(&header);
        let last = text.pop().unwrap();
        text.push(if last == 'A' { 'B' } else { 'A' });
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(&text).unwrap());
        assert_eq!(codec().decode(&headers).0, SessionData::default());
        let other = SessionCodec::new(&SecretKey::parse(&"o".repeat(32)).unwrap(), true);
        assert_eq!(
            other.decode(&request_with(&header)).0,
            SessionData::default()
        );
    }

    #[test]
    fn empty_sessions_are_removed() {
        assert_eq!(codec().encode(SessionData::default(), false), None);
        let removal = codec().encode(SessionData::default(), true).unwrap();
        assert!(removal.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn oversized_flashes_are_dropped_to_keep_the_cookie() {
        let session = Session::new(SessionData::default());
        for _ in 0..4 {
            session.flash(FlashLevel::Info, "x".repeat(1500));
        }
        let data = session.changed_data().unwrap();
        let header = codec().encode(data, false).unwrap();
        assert!(header.len() <= MAX_COOKIE_BYTES);
        let (kept, _) = codec().decode(&request_with(&header));
        assert!(!kept.flashes.is_empty() && kept.flashes.len() < 4);
    }
}
