//! Reset tokens: what verification accepts and refuses.

use jwt_simple::prelude::*;
use microblog_domain::values::{AboutMe, EmailAddress, PasswordHash, SecretKey, Username};
use microblog_domain::{ResetTokenError, ResetTokens, User, UserId};
use time::OffsetDateTime;

const TTL: std::time::Duration = std::time::Duration::from_secs(600);

fn secret() -> SecretKey {
    SecretKey::parse("a test secret that is long enough to use").unwrap()
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

fn user(hash: &str) -> User {
    User {
        id: UserId(7),
        username: Username::parse("susan").unwrap(),
        email: EmailAddress::parse("susan@example.com").unwrap(),
        password_hash: PasswordHash::from_phc(hash),
        about_me: AboutMe::default(),
        last_seen: at(0),
        session_epoch: 0,
        email_confirmed: false,
        pending_email: None,
        created_at: at(0),
    }
}

fn tokens() -> ResetTokens {
    ResetTokens::new(&secret(), TTL)
}

#[test]
fn a_fresh_token_names_its_user_and_matches_the_current_hash() {
    let susan = user("$argon2id$one");
    let token = tokens().issue(&susan, at(0));
    let claims = tokens().verify(token.as_str(), at(1)).unwrap();
    assert_eq!(claims.user_id, UserId(7));
    assert!(tokens().is_current(&claims, &susan.password_hash));
}

#[test]
fn a_token_dies_when_the_password_hash_changes() {
    let token = tokens().issue(&user("$argon2id$one"), at(0));
    let claims = tokens().verify(token.as_str(), at(1)).unwrap();
    assert!(!tokens().is_current(&claims, &PasswordHash::from_phc("$argon2id$two")));
}

#[test]
fn expiry_is_exact_with_no_tolerance() {
    let token = tokens().issue(&user("h"), at(0));
    assert!(
        tokens().verify(token.as_str(), at(599)).is_ok(),
        "one second before exp"
    );
    assert_eq!(
        tokens().verify(token.as_str(), at(600)),
        Err(ResetTokenError::Expired),
        "at exactly exp"
    );
    assert_eq!(
        tokens().verify(token.as_str(), at(601)),
        Err(ResetTokenError::Expired),
        "one second after exp"
    );
}

#[test]
fn a_token_issued_in_the_future_is_refused() {
    let token = tokens().issue(&user("h"), at(100));
    assert_eq!(
        tokens().verify(token.as_str(), at(99)),
        Err(ResetTokenError::Invalid)
    );
}

#[test]
fn a_tampered_payload_is_refused() {
    let token = tokens().issue(&user("h"), at(0));
    let parts: Vec<&str> = token.as_str().split('.').collect();
    let payload = Base64UrlSafeNoPadding::decode_to_vec(parts[1], None).unwrap();
    let forged = String::from_utf8(payload)
        .unwrap()
        .replace("\"reset_password\":7", "\"reset_password\":1");
    assert!(forged.contains("\"reset_password\":1"), "{forged}");
    let forged = Base64UrlSafeNoPadding::encode_to_string(forged).unwrap();
    let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
    assert_eq!(
        tokens().verify(&tampered, at(1)),
        Err(ResetTokenError::Invalid)
    );
}

#[test]
fn a_token_signed_with_another_key_is_refused() {
    let other = ResetTokens::new(&SecretKey::parse(&"z".repeat(40)).unwrap(), TTL);
    let token = other.issue(&user("h"), at(0));
    assert_eq!(
        tokens().verify(token.as_str(), at(1)),
        Err(ResetTokenError::Invalid)
    );
}

#[test]
fn an_unsigned_alg_none_token_is_refused() {
    let header = Base64UrlSafeNoPadding::encode_to_string(r#"{"alg":"none","typ":"JWT"}"#).unwrap();
    let claims = format!(
        r#"{{"iat":{},"exp":{},"aud":"microblog:reset_password","reset_password":7,"fp":"x"}}"#,
        at(0).unix_timestamp(),
        at(600).unix_timestamp()
    );
    let claims = Base64UrlSafeNoPadding::encode_to_string(claims).unwrap();
    for token in [format!("{header}.{claims}."), format!("{header}.{claims}")] {
        assert_eq!(
            tokens().verify(&token, at(1)),
            Err(ResetTokenError::Invalid)
        );
    }
}

#[test]
fn a_jwt_of_another_kind_signed_with_the_same_key_is_refused() {
    // Same signing key, same user-id claim, but no reset audience: e.g. some other feature's JWT.
    let key = HS256Key::from_bytes(&secret().derive("microblog reset-token signing"));
    #[derive(Serialize, Deserialize)]
    struct Other {
        reset_password: i64,
        fp: String,
    }
    let mut claims = Claims::with_custom_claims(
        Other {
            reset_password: 7,
            fp: "x".into(),
        },
        Duration::from_secs(600),
    );
    claims.issued_at = Some(Duration::from_secs(at(0).unix_timestamp() as u64));
    claims.expires_at = Some(Duration::from_secs(at(600).unix_timestamp() as u64));
    claims.invalid_before = None;
    let token = key
        .authenticate(claims.with_audience("microblog:session"))
        .unwrap();
    assert_eq!(
        tokens().verify(&token, at(1)),
        Err(ResetTokenError::Invalid)
    );
}

#[test]
fn the_tutorials_token_signed_with_the_raw_secret_is_refused() {
    let raw = HS256Key::from_bytes(b"a test secret that is long enough to use");
    #[derive(Serialize, Deserialize)]
    struct Tutorial {
        reset_password: i64,
    }
    let claims =
        Claims::with_custom_claims(Tutorial { reset_password: 7 }, Duration::from_secs(600));
    let token = raw.authenticate(claims).unwrap();
    assert_eq!(
        tokens().verify(&token, OffsetDateTime::now_utc()),
        Err(ResetTokenError::Invalid)
    );
}

#[test]
fn garbage_and_oversized_tokens_are_refused() {
    let long = "a".repeat(5000);
    for garbage in ["", "abc", "a.b.c", "....", "\u{0}", long.as_str()] {
        assert_eq!(
            tokens().verify(garbage, at(1)),
            Err(ResetTokenError::Invalid),
            "{garbage:.20}"
        );
    }
}
