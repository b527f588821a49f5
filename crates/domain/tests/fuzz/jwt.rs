//! JWT-shaped inputs: a `Forged` token is dot-separated segments built from a header and
//! claims (fields or raw bytes), a signature (right key, wrong key, truncated, random) and
//! an encoding per segment. It knows what it is made of, so a check can ask "could this one
//! legitimately verify?". The strategies that make them are in `forge.rs`.

use jwt_simple::prelude::*;
use microblog_domain::SecretKey;

/// The audience of a genuine reset token.
pub const AUDIENCE: &str = "microblog:reset_password";
/// The purpose the domain derives its signing key for.
const SIGNING_PURPOSE: &str = "microblog reset-token signing";

/// A JSON value, kept as what it means so a check can reason about it.
#[derive(Clone, Debug)]
pub enum Lit {
    Int(i128),
    Float(f64),
    Str(String),
    /// Anything else, verbatim: `null`, arrays, objects, out-of-range numbers.
    Raw(&'static str),
}

impl Lit {
    fn render(&self) -> String {
        match self {
            Lit::Int(n) => n.to_string(),
            Lit::Float(x) => format!("{x:e}"),
            Lit::Str(s) => json_string(s),
            Lit::Raw(raw) => (*raw).to_owned(),
        }
    }

    /// The number it stands for, if it is one JSON can carry.
    pub fn number(&self) -> Option<f64> {
        match self {
            Lit::Int(n) => Some(*n as f64),
            Lit::Float(x) => Some(*x),
            Lit::Raw(raw) => raw.parse().ok(),
            Lit::Str(_) => None,
        }
    }
}

/// A header or a claims object: fields (duplicates allowed), or raw bytes.
#[derive(Clone, Debug)]
pub enum Part {
    Fields(Vec<(&'static str, Lit)>),
    Bytes(Vec<u8>),
}

impl Part {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Part::Fields(fields) => {
                let body: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), v.render()))
                    .collect();
                format!("{{{}}}", body.join(",")).into_bytes()
            }
            Part::Bytes(bytes) => bytes.clone(),
        }
    }

    /// Every value given for `key` (none for raw bytes).
    pub fn all(&self, key: &str) -> Vec<&Lit> {
        match self {
            Part::Fields(fields) => fields
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v)
                .collect(),
            Part::Bytes(_) => Vec::new(),
        }
    }
}

/// How the third segment is made.
#[derive(Clone, Debug)]
pub enum Signature {
    RightKey,
    WrongKey,
    RightKeyTruncated(usize),
    Bytes(Vec<u8>),
}

/// How a segment's bytes become text.
#[derive(Clone, Copy, Debug)]
pub enum Encoding {
    UrlNoPadding,
    UrlPadded,
    Standard,
    Verbatim,
}

/// A forged token and what it was made of.
#[derive(Clone, Debug)]
pub struct Forged {
    pub header: Part,
    pub claims: Part,
    pub signature: Signature,
    pub encodings: [Encoding; 3],
    /// Extra segments after the signature (`None`: the signature is dropped too).
    pub extra: Option<Vec<String>>,
}

impl Forged {
    /// The token text, signed under `secret` where the signature says so.
    pub fn render(&self, secret: &SecretKey) -> String {
        let header = encode(&self.header.bytes(), self.encodings[0]);
        let claims = encode(&self.claims.bytes(), self.encodings[1]);
        let signed = format!("{header}.{claims}");
        let mac = |key: &[u8; 32]| hmac_sha256::HMAC::mac(signed.as_bytes(), key).to_vec();
        let tag = match &self.signature {
            Signature::RightKey => mac(&secret.derive(SIGNING_PURPOSE)),
            Signature::WrongKey => mac(&secret.derive("some other purpose")),
            Signature::RightKeyTruncated(n) => {
                let mut tag = mac(&secret.derive(SIGNING_PURPOSE));
                tag.truncate(*n);
                tag
            }
            Signature::Bytes(bytes) => bytes.clone(),
        };
        let mut segments = vec![header, claims];
        if let Some(extra) = &self.extra {
            segments.push(encode(&tag, self.encodings[2]));
            segments.extend(extra.iter().cloned());
        }
        segments.join(".")
    }
}

/// A JSON string literal for `s`, escaping what JSON requires.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The canonical JWT encoding: URL-safe base64 without padding.
pub fn canonical(bytes: &[u8]) -> String {
    Base64UrlSafeNoPadding::encode_to_string(bytes).unwrap_or_default()
}

fn encode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::UrlNoPadding => canonical(bytes),
        Encoding::UrlPadded => Base64UrlSafe::encode_to_string(bytes).unwrap_or_default(),
        Encoding::Standard => Base64::encode_to_string(bytes).unwrap_or_default(),
        Encoding::Verbatim => String::from_utf8_lossy(bytes).into_owned(),
    }
}
