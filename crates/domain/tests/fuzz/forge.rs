//! Strategies for forged JWTs: algorithm variations, huge, negative, fractional and textual
//! numbers, audiences, extra header fields, raw bytes; signed with the right key, a wrong
//! one or none; encoded canonically or not; three segments or some other number.

use super::jwt::{AUDIENCE, Encoding, Forged, Lit, Part, Signature};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// Timestamps at and beyond the edges: negative, past coarsetime's 2^32 seconds, past i64
/// and u64.
const HUGE_TIMESTAMPS: &[i128] = &[
    -1,
    0,
    1 << 32,
    (1 << 32) + 5,
    i64::MAX as i128,
    i64::MIN as i128,
    u64::MAX as i128,
    u64::MAX as i128 + 1,
    1 << 100,
];

/// User ids that do not fit an `i64`.
const HUGE_IDS: &[i128] = &[i64::MAX as i128 + 1, u64::MAX as i128, -(1 << 70)];

/// A timestamp around `now`, or a huge, negative, fractional or non-numeric one.
fn timestamp(now: i64) -> impl Strategy<Value = Lit> {
    let now = i128::from(now);
    prop_oneof![
        4 => select(&[-601i128, -600, -1, 0, 1, 599, 600, 601, 86_400][..])
            .prop_map(move |delta| Lit::Int(now + delta)),
        1 => select(HUGE_TIMESTAMPS).prop_map(Lit::Int),
        1 => (-700.0f64..700.0).prop_map(move |delta| Lit::Float(now as f64 + delta)),
        1 => select(&[1e308, -1e308, 4.3e9, 1e19][..]).prop_map(Lit::Float),
        1 => select(&["null", "\"1800000000\"", "1e999", "-0", "true", "[1]", "{}"][..]).prop_map(Lit::Raw),
    ]
}

/// A user id: ordinary, extreme, fractional, textual.
fn user_id() -> impl Strategy<Value = Lit> {
    prop_oneof![
        3 => any::<i64>().prop_map(|n| Lit::Int(n.into())),
        1 => select(HUGE_IDS).prop_map(Lit::Int),
        1 => select(&["7.0", "7e0", "\"7\"", "null", "[7]", "1e999"][..]).prop_map(Lit::Raw),
    ]
}

fn audience() -> impl Strategy<Value = Lit> {
    prop_oneof![
        3 => Just(Lit::Str(AUDIENCE.to_owned())),
        1 => select(&[
            "[\"microblog:reset_password\"]", "[\"x\",\"microblog:reset_password\"]", "[]", "null",
            "1", "[1]", "\"\"", "\"microblog:reset_password \"", "\"MICROBLOG:RESET_PASSWORD\"",
        ][..]).prop_map(Lit::Raw),
        1 => "[a-z:_]{0,30}".prop_map(Lit::Str),
    ]
}

fn algorithm() -> impl Strategy<Value = Lit> {
    prop_oneof![
        4 => Just(Lit::Str("HS256".to_owned())),
        3 => select(&[
            "hs256", "HS384", "HS512", "none", "None", "NONE", "RS256", "ES256", "EdDSA", "",
            "HS256 ", " HS256", "HS256\0", "HS256", "ＨＳ256",
        ][..]).prop_map(|alg| Lit::Str(alg.to_owned())),
        1 => select(&["null", "256", "[\"HS256\"]", "{\"alg\":\"HS256\"}", "true"][..]).prop_map(Lit::Raw),
    ]
}

fn header() -> impl Strategy<Value = Part> {
    let optional = prop_oneof![
        Just(("typ", Lit::Str("JWT".to_owned()))),
        select(&["jwt", "at+jwt", "JOSE", "", "JWT\n"][..])
            .prop_map(|t| ("typ", Lit::Str(t.to_owned()))),
        select(&["[]", "[\"exp\"]", "[\"b64\"]", "\"exp\"", "null"][..])
            .prop_map(|c| ("crit", Lit::Raw(c))),
        Just(("b64", Lit::Raw("false"))),
        "[ -~]{0,12}".prop_map(|k| ("kid", Lit::Str(k))),
        "[A-Za-z0-9_-]{0,16}".prop_map(|s| ("salt", Lit::Str(s))),
        select(&["JWT", "application/json"][..]).prop_map(|c| ("cty", Lit::Str(c.to_owned()))),
    ];
    let algorithms = prop_oneof![
        2 => Just(vec![Lit::Str("HS256".to_owned())]),
        3 => vec(algorithm(), 0..=2),
    ];
    prop_oneof![
        6 => (algorithms, vec(optional, 0..3)).prop_map(|(algs, rest)| {
            let mut fields: Vec<_> = algs.into_iter().map(|a| ("alg", a)).collect();
            fields.extend(rest);
            Part::Fields(fields)
        }),
        1 => vec(any::<u8>(), 0..48).prop_map(Part::Bytes),
    ]
}

fn claims(now: i64) -> impl Strategy<Value = Part> {
    let field = prop_oneof![
        timestamp(now).prop_map(|t| ("nbf", t)),
        timestamp(now).prop_map(|t| ("exp", t)),
        timestamp(now).prop_map(|t| ("iat", t)),
        user_id().prop_map(|id| ("reset_password", id)),
        audience().prop_map(|aud| ("aud", aud)),
        "[ -~]{0,24}".prop_map(|s| ("fp", Lit::Str(s))),
        "[ -~]{0,12}".prop_map(|s| ("sub", Lit::Str(s))),
    ];
    let complete = (
        timestamp(now),
        timestamp(now),
        user_id(),
        audience(),
        "[A-Za-z0-9_-]{22}",
    )
        .prop_map(|(iat, exp, id, aud, fp)| {
            vec![
                ("iat", iat),
                ("exp", exp),
                ("reset_password", id),
                ("aud", aud),
                ("fp", Lit::Str(fp)),
            ]
        });
    prop_oneof![
        4 => (complete, vec(field.clone(), 0..2)).prop_map(|(mut fields, extra)| {
            fields.extend(extra);
            Part::Fields(fields)
        }),
        2 => vec(field, 0..8).prop_map(Part::Fields),
        1 => vec(any::<u8>(), 0..96).prop_map(Part::Bytes),
    ]
}

fn signature() -> impl Strategy<Value = Signature> {
    prop_oneof![
        4 => Just(Signature::RightKey),
        1 => Just(Signature::WrongKey),
        1 => (0usize..32).prop_map(Signature::RightKeyTruncated),
        1 => vec(any::<u8>(), 0..40).prop_map(Signature::Bytes),
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        16 => Just(Encoding::UrlNoPadding),
        1 => Just(Encoding::UrlPadded),
        1 => Just(Encoding::Standard),
        1 => Just(Encoding::Verbatim),
    ]
}

/// A forged token to verify at `now`.
pub fn forged(now: i64) -> impl Strategy<Value = Forged> {
    let extra = prop_oneof![
        8 => Just(Some(Vec::new())),
        1 => Just(None),
        1 => vec("[A-Za-z0-9_-]{0,8}", 1..3).prop_map(Some),
    ];
    (
        header(),
        claims(now),
        signature(),
        [encoding(), encoding(), encoding()],
        extra,
    )
        .prop_map(|(header, claims, signature, encodings, extra)| Forged {
            header,
            claims,
            signature,
            encodings,
            extra,
        })
}
