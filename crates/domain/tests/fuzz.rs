//! Property tests and bounded-time fuzzing of every parser, pagination and the reset-token
//! verifier. `cargo test` runs each target for a few hundred cases (`PROPTEST_CASES`
//! overrides it); `cargo xtask fuzz --seconds N` runs the ignored
//! `every_target_survives_fuzzing_for_fuzz_seconds` for N seconds and counts executions.

mod fuzz {
    pub mod forbidden;
    pub mod forge;
    pub mod harness;
    pub mod jwt;
    pub mod mutation;
    pub mod text;
    pub mod tokens;
    pub mod usernames;
    pub mod values;
}

use fuzz::harness::{self, Target, assert_holds};
use fuzz::jwt::{AUDIENCE, Encoding, Forged, Lit, Part, Signature};
use fuzz::{forbidden, tokens, usernames, values};
use std::time::Duration;

#[test]
fn usernames_parse_trimmed_bounded_and_stable() {
    assert_holds(usernames::username_parse);
}

#[test]
fn new_usernames_hold_no_invisible_characters_nor_mixed_scripts() {
    assert_holds(usernames::username_spoofing);
}

#[test]
fn usernames_that_look_alike_share_a_skeleton_whatever_their_case() {
    assert_holds(usernames::username_skeleton);
}

#[test]
fn no_value_object_accepts_a_control_character_outside_text_layout() {
    assert_holds(forbidden::no_value_holds_a_control_character);
}

#[test]
fn email_addresses_parse_safely_and_normalize_without_folding_onto_ascii() {
    assert_holds(values::email_parse);
}

#[test]
fn an_email_lookalike_never_shares_the_ascii_address_key() {
    assert_holds(values::email_lookalikes);
}

#[test]
fn passwords_are_taken_as_typed_within_the_policy() {
    assert_holds(values::password_parse);
}

#[test]
fn post_bodies_are_trimmed_and_at_most_140_characters() {
    assert_holds(values::post_body_parse);
}

#[test]
fn about_me_is_trimmed_and_at_most_140_characters() {
    assert_holds(values::about_me_parse);
}

#[test]
fn secret_keys_need_32_bytes_and_derive_distinct_keys() {
    assert_holds(values::secret_key_parse);
}

#[test]
fn page_requests_clamp_every_number_without_overflow() {
    assert_holds(values::page_request_new);
}

#[test]
fn arbitrary_strings_never_verify_as_reset_tokens() {
    assert_holds(tokens::arbitrary_strings);
}

#[test]
fn forged_jwts_verify_only_with_the_right_key_and_valid_claims() {
    assert_holds(tokens::forged_jwts);
}

#[test]
fn no_mutation_of_a_genuine_token_verifies() {
    assert_holds(tokens::mutated_genuine);
}

#[test]
fn genuine_tokens_verify_exactly_until_they_expire() {
    assert_holds(tokens::round_trip);
}

/// The forger can produce an acceptable token, so the forged-JWT property is not vacuous.
#[test]
fn a_hand_forged_token_with_the_right_key_and_claims_verifies() {
    let now = 1_800_000_000;
    let forged = Forged {
        header: Part::Fields(vec![("alg", Lit::Str("HS256".to_owned()))]),
        claims: Part::Fields(vec![
            ("iat", Lit::Int(now.into())),
            ("exp", Lit::Int((now + 1).into())),
            ("reset_password", Lit::Int(42)),
            ("aud", Lit::Str(AUDIENCE.to_owned())),
            ("fp", Lit::Str("x".to_owned())),
        ]),
        signature: Signature::RightKey,
        encodings: [Encoding::UrlNoPadding; 3],
        extra: Some(Vec::new()),
    };
    let secret = tokens::secret();
    let verifier = microblog_domain::ResetTokens::new(&secret, Duration::from_secs(600));
    let token = forged.render(&secret);
    let claims = verifier
        .verify(&token, tokens::at(now))
        .expect("a well-formed token verifies");
    assert_eq!(claims.user_id, microblog_domain::UserId(42));
    let mut wrong = forged;
    wrong.signature = Signature::WrongKey;
    assert!(
        verifier
            .verify(&wrong.render(&secret), tokens::at(now))
            .is_err()
    );
}

/// Every target, for `FUZZ_SECONDS` (default 10) of wall time shared equally; prints one
/// `fuzz-result` line per target and a `fuzz-total` line, and fails on the first failure of
/// any target, after all have run.
#[test]
#[ignore = "bounded-time fuzzing: run it with `cargo xtask fuzz --seconds N`"]
fn every_target_survives_fuzzing_for_fuzz_seconds() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let targets: Vec<Target> = values::TARGETS
        .iter()
        .chain(usernames::TARGETS)
        .chain(forbidden::TARGETS)
        .chain(tokens::TARGETS)
        .copied()
        .collect();
    let outcomes = harness::run_for(&targets, Duration::from_secs(seconds));
    let mut failures = Vec::new();
    for outcome in &outcomes {
        let verdict = if outcome.failure.is_some() {
            "FAILED"
        } else {
            "ok"
        };
        println!(
            "fuzz-result {} {} {:.1} {verdict}",
            outcome.name,
            outcome.executions,
            outcome.elapsed.as_secs_f64()
        );
        if let Some(failure) = &outcome.failure {
            failures.push(format!("{}: {failure}", outcome.name));
        }
    }
    let total: u64 = outcomes.iter().map(|o| o.executions).sum();
    let elapsed: f64 = outcomes.iter().map(|o| o.elapsed.as_secs_f64()).sum();
    println!("fuzz-total {total} {elapsed:.1}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
