//! Mutations of a genuine token: flip a bit, overwrite, truncate, delete, insert, change case,
//! reorder, duplicate or drop segments, splice in a segment of another genuine token, pad.

use proptest::prelude::*;
use proptest::sample::{Index, select};

/// Whose genuine token lends a segment for a splice.
#[derive(Clone, Copy, Debug)]
pub enum Donor {
    OtherSecret,
    OtherUser,
    OtherHash,
    Earlier,
}

/// One edit of the token text.
#[derive(Clone, Debug)]
pub enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Truncate(Index),
    Delete(Index),
    Insert(Index, char),
    ToggleCase(Index),
    /// Reorders the segments by one of the five non-identity permutations of three.
    Permute(usize),
    Duplicate(Index),
    Drop(Index),
    Splice(Index, Donor),
    Append(&'static str),
    Prepend(&'static str),
}

const PERMUTATIONS: [[usize; 3]; 5] = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/// Any mutation.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    let inserted = select(&['.', '=', ' ', 'A', '-', '_', '+', '/', '\0', 'é', '\n'][..]);
    let donor = select(
        &[
            Donor::OtherSecret,
            Donor::OtherUser,
            Donor::OtherHash,
            Donor::Earlier,
        ][..],
    );
    let pad = select(&["=", "==", ".", "..", " ", "\n", "\0", "A", "%3D", ".e30"][..]);
    prop_oneof![
        3 => (any::<Index>(), 0u8..8).prop_map(|(i, bit)| Mutation::FlipBit(i, bit)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => any::<Index>().prop_map(Mutation::Delete),
        1 => (any::<Index>(), inserted).prop_map(|(i, c)| Mutation::Insert(i, c)),
        1 => any::<Index>().prop_map(Mutation::ToggleCase),
        1 => (0usize..5).prop_map(Mutation::Permute),
        1 => any::<Index>().prop_map(Mutation::Duplicate),
        1 => any::<Index>().prop_map(Mutation::Drop),
        2 => (any::<Index>(), donor).prop_map(|(i, d)| Mutation::Splice(i, d)),
        1 => pad.clone().prop_map(Mutation::Append),
        1 => pad.prop_map(Mutation::Prepend),
    ]
}

impl Mutation {
    /// The token after this edit; `donor` issues the genuine token a splice takes from.
    pub fn apply(&self, token: &str, donor: &dyn Fn(Donor) -> String) -> String {
        let mut bytes = token.as_bytes().to_vec();
        let segments: Vec<&str> = token.split('.').collect();
        let pick = |i: &Index| i.index(segments.len());
        match self {
            Mutation::FlipBit(i, bit) if !bytes.is_empty() => {
                let i = i.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
            Mutation::SetByte(i, b) if !bytes.is_empty() => {
                let i = i.index(bytes.len());
                bytes[i] = *b;
            }
            Mutation::Truncate(i) if !bytes.is_empty() => bytes.truncate(i.index(bytes.len())),
            Mutation::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i.index(bytes.len()));
            }
            Mutation::Insert(i, c) => {
                let i = i.index(bytes.len() + 1);
                let mut buffer = [0; 4];
                bytes.splice(i..i, c.encode_utf8(&mut buffer).bytes());
            }
            Mutation::ToggleCase(i) if !bytes.is_empty() => {
                let i = i.index(bytes.len());
                bytes[i] = if bytes[i].is_ascii_lowercase() {
                    bytes[i].to_ascii_uppercase()
                } else {
                    bytes[i].to_ascii_lowercase()
                };
            }
            Mutation::Permute(p) if segments.len() == 3 => {
                let order = PERMUTATIONS[p % PERMUTATIONS.len()];
                return order.map(|i| segments[i]).join(".");
            }
            Mutation::Duplicate(i) => {
                let i = pick(i);
                let mut out = segments.clone();
                out.insert(i, segments[i]);
                return out.join(".");
            }
            Mutation::Drop(i) => {
                let mut out = segments.clone();
                out.remove(pick(i));
                return out.join(".");
            }
            Mutation::Splice(i, from) => {
                let other = donor(*from);
                let theirs: Vec<&str> = other.split('.').collect();
                let i = pick(i);
                let mut out = segments.clone();
                out[i] = theirs.get(i).copied().unwrap_or_default();
                return out.join(".");
            }
            Mutation::Append(suffix) => return format!("{token}{suffix}"),
            Mutation::Prepend(prefix) => return format!("{prefix}{token}"),
            _ => {}
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
