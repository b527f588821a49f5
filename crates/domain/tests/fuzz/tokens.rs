//! Targets for `ResetTokens`: garbage, forged JWTs and mutated genuine tokens never verify
//! (and never panic); genuine tokens verify exactly until they expire.

use super::forge::forged;
use super::harness::{Target, execute};
use super::jwt::{AUDIENCE, Forged, Lit, Part, Signature, canonical};
use super::mutation::{Donor, Mutation, mutation};
use super::text::text;
use microblog_domain::values::{AboutMe, EmailAddress, PasswordHash, SecretKey, Username};
use microblog_domain::{ResetTokenError, ResetTokens, User, UserId};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::time::Duration;
use time::OffsetDateTime;

/// Every target in this file.
pub const TARGETS: &[Target] = &[
    Target {
        name: "token_verify_arbitrary_strings",
        run: arbitrary_strings,
    },
    Target {
        name: "token_verify_forged_jwts",
        run: forged_jwts,
    },
    Target {
        name: "token_verify_mutated_genuine",
        run: mutated_genuine,
    },
    Target {
        name: "token_round_trip",
        run: round_trip,
    },
];

const TTL: Duration = Duration::from_secs(600);
/// Seconds coarsetime (inside jwt-simple) can represent: its clock ends in February 2106.
const CLOCK_END: i64 = 1 << 32;

pub fn secret() -> SecretKey {
    SecretKey::parse("the fuzzing secret, long enough to be accepted").expect("a valid secret")
}

/// `seconds` after the epoch; outside what `time` can represent, the nearest end of it.
pub fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(if seconds < 0 {
        OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT)
    } else {
        OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT)
    })
}

pub fn user(id: i64, hash: &str) -> User {
    User {
        id: UserId(id),
        username: Username::parse("fuzz").expect("a valid name"),
        email: EmailAddress::parse("fuzz@example.com").expect("a valid address"),
        password_hash: PasswordHash::from_phc(hash),
        about_me: AboutMe::default(),
        last_seen: at(0),
        session_epoch: 0,
        email_confirmed: false,
        pending_email: None,
        created_at: at(0),
    }
}

/// Any instant `time` can represent, or one near today.
fn any_now() -> impl Strategy<Value = i64> {
    prop_oneof![
        1_600_000_000i64..2_000_000_000,
        any::<i64>(),
        Just(CLOCK_END),
        Just(0)
    ]
}

pub fn arbitrary_strings(config: Config) -> Result<u64, String> {
    let segment = || vec(any::<u8>(), 0..120).prop_map(|b| canonical(&b));
    let input = prop_oneof![
        any::<String>(),
        text(200),
        "[A-Za-z0-9_.=+/-]{0,1100}",
        (segment(), segment(), segment()).prop_map(|(h, p, s)| format!("{h}.{p}.{s}")),
        vec(segment(), 0..6).prop_map(|segments| segments.join(".")),
    ];
    execute(config, (input, any_now()), |(token, now)| {
        let tokens = ResetTokens::new(&secret(), TTL);
        prop_assert!(tokens.verify(&token, at(now)).is_err());
        Ok(())
    })
}

pub fn forged_jwts(config: Config) -> Result<u64, String> {
    let strategy = (1_700_000_000i64..1_900_000_000).prop_flat_map(|now| (Just(now), forged(now)));
    execute(config, strategy, |(now, forged)| {
        let secret = secret();
        let token = forged.render(&secret);
        if let Ok(claims) = ResetTokens::new(&secret, TTL).verify(&token, at(now)) {
            could_verify(&forged, &token, &secret, now)?;
            for id in forged.claims.all("reset_password") {
                prop_assert!(matches!(id, Lit::Int(n) if *n == i128::from(claims.user_id.0)));
            }
            let tokens = ResetTokens::new(&secret, TTL);
            let any_hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
            prop_assert!(
                !tokens.is_current(&claims, &any_hash),
                "a forged fp never matches"
            );
        }
        Ok(())
    })
}

/// Whether a verified forged token had everything a genuine one has: the right HMAC over
/// canonical segments, HS256, the audience, `iat` and `nbf` not after now, `exp` after it.
fn could_verify(
    forged: &Forged,
    token: &str,
    secret: &SecretKey,
    now: i64,
) -> Result<(), TestCaseError> {
    let segments: Vec<&str> = token.split('.').collect();
    prop_assert_eq!(segments.len(), 3, "three segments");
    prop_assert!(
        matches!(forged.signature, Signature::RightKey),
        "signed with the right key"
    );
    let (Part::Fields(_), Part::Fields(_)) = (&forged.header, &forged.claims) else {
        return Err(TestCaseError::fail("raw bytes verified"));
    };
    let signed = format!("{}.{}", segments[0], segments[1]);
    let tag = hmac_sha256::HMAC::mac(
        signed.as_bytes(),
        secret.derive("microblog reset-token signing"),
    );
    prop_assert_eq!(segments[2], canonical(&tag), "the tag is canonical");
    let algorithms = forged.header.all("alg");
    prop_assert!(!algorithms.is_empty(), "an alg is present");
    for alg in algorithms {
        prop_assert!(matches!(alg, Lit::Str(a) if a == "HS256"), "alg {:?}", alg);
    }
    for crit in forged.header.all("crit") {
        prop_assert!(matches!(crit, Lit::Raw("[]" | "null")), "crit {:?}", crit);
    }
    let number = |lit: &Lit| lit.number().unwrap_or(f64::NAN);
    let now = now as f64;
    let present = |key: &str| !forged.claims.all(key).is_empty();
    prop_assert!(present("iat") && present("exp") && present("aud") && present("reset_password"));
    for iat in forged
        .claims
        .all("iat")
        .into_iter()
        .chain(forged.claims.all("nbf"))
    {
        prop_assert!(number(iat) <= now, "iat/nbf {:?} after now", iat);
    }
    for exp in forged.claims.all("exp") {
        prop_assert!(number(exp) > now, "exp {:?} not after now", exp);
    }
    let quoted = format!("\"{AUDIENCE}\"");
    for aud in forged.claims.all("aud") {
        let names_it = match aud {
            Lit::Str(s) => s == AUDIENCE,
            Lit::Raw(raw) => raw.contains(&quoted),
            _ => false,
        };
        prop_assert!(names_it, "aud {:?}", aud);
    }
    Ok(())
}

pub fn mutated_genuine(config: Config) -> Result<u64, String> {
    let strategy = (
        any::<i64>(),
        "[ -~]{0,40}",
        0i64..CLOCK_END - 700,
        vec(mutation(), 1..4),
    );
    execute(config, strategy, |(id, hash, issued, mutations)| {
        let tokens = ResetTokens::new(&secret(), TTL);
        let genuine = tokens.issue(&user(id, &hash), at(issued));
        let original = genuine.as_str();
        let claims = tokens.verify(original, at(issued + 1));
        prop_assert_eq!(
            claims.map(|c| c.user_id),
            Ok(UserId(id)),
            "the untouched token verifies"
        );
        let donor = |donor: Donor| {
            let (secret, id, hash, issued) = match donor {
                Donor::OtherSecret => (
                    SecretKey::parse(&"k".repeat(40)).expect("valid"),
                    id,
                    hash.clone(),
                    issued,
                ),
                Donor::OtherUser => (secret(), id.wrapping_add(1), hash.clone(), issued),
                Donor::OtherHash => (secret(), id, format!("{hash}!"), issued),
                Donor::Earlier => (secret(), id, hash.clone(), issued.saturating_sub(601)),
            };
            ResetTokens::new(&secret, TTL)
                .issue(&user(id, &hash), at(issued))
                .as_str()
                .to_owned()
        };
        let mutated = mutations
            .iter()
            .fold(original.to_owned(), |token, m: &Mutation| {
                m.apply(&token, &donor)
            });
        // Splicing every segment of a donor rebuilds that donor's genuine token, which may
        // verify: it is not a mutation of ours.
        let genuine = [
            Donor::OtherSecret,
            Donor::OtherUser,
            Donor::OtherHash,
            Donor::Earlier,
        ]
        .map(donor)
        .contains(&mutated);
        if mutated != original && !genuine {
            let verdict = tokens.verify(&mutated, at(issued + 1));
            prop_assert!(verdict.is_err(), "{:?} verified: {:?}", mutated, verdict);
        }
        Ok(())
    })
}

pub fn round_trip(config: Config) -> Result<u64, String> {
    let strategy = (
        any::<i64>(),
        ("[ -~]{0,60}", "[ -~]{0,60}"),
        0i64..CLOCK_END - 2 * 86_400,
        0u64..=86_400,
        0i64..2 * 86_400 + 2,
    );
    execute(
        config,
        strategy,
        |(id, (hash, other_hash), issued, ttl, dt)| {
            let tokens = ResetTokens::new(&secret(), Duration::from_secs(ttl));
            let token = tokens.issue(&user(id, &hash), at(issued));
            match tokens.verify(token.as_str(), at(issued + dt)) {
                Ok(claims) => {
                    prop_assert!(
                        dt < i64::try_from(ttl).unwrap_or(i64::MAX),
                        "valid only before exp"
                    );
                    prop_assert_eq!(claims.user_id, UserId(id));
                    prop_assert!(tokens.is_current(&claims, &PasswordHash::from_phc(hash.clone())));
                    let other = PasswordHash::from_phc(other_hash.clone());
                    prop_assert_eq!(tokens.is_current(&claims, &other), hash == other_hash);
                }
                Err(error) => {
                    prop_assert_eq!(error, ResetTokenError::Expired);
                    prop_assert!(
                        dt >= i64::try_from(ttl).unwrap_or(i64::MAX),
                        "expired only at exp"
                    );
                }
            }
            if issued >= 1 {
                prop_assert_eq!(
                    tokens.verify(token.as_str(), at(issued - 1)),
                    Err(ResetTokenError::Invalid)
                );
            }
            let stranger = ResetTokens::new(
                &SecretKey::parse(&"z".repeat(32)).expect("valid"),
                Duration::from_secs(ttl),
            );
            prop_assert!(
                stranger.verify(token.as_str(), at(issued)).is_err(),
                "another secret refuses it"
            );
            Ok(())
        },
    )
}
