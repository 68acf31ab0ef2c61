//! The mutations of the short run: the havoc stage of a mutational fuzzer, without its
//! coverage feedback. From a corpus input it flips bits, sets interesting bytes and
//! numbers, deletes, duplicates and inserts runs of bytes, and splices in part of
//! another input; a few of them stacked. A seeded generator makes a run repeatable.

use rand::Rng;
use rand::rngs::StdRng;

/// Bytes that change how a parser reads what follows.
const INTERESTING: &[u8] = &[
    0, 1, 0x7f, 0x80, 0xff, b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'=', b'&', b'%',
    b'+', b'\n', b'\r', b'-', b'.', b'0', b'9', b'e', b'/', b';',
];

/// Runs of bytes that change how a parser reads what follows.
const TOKENS: &[&[u8]] = &[
    b"null",
    b"true",
    b"-1",
    b"0",
    b"1e309",
    b"99999999999999999999",
    b"\"\"",
    b"[]",
    b"{}",
    b"\\u0000",
    b"\\ud800",
    b"%00",
    b"%ff",
    b"\xc3\x28",
    b"\xf0\x9f\x92\xa9",
    b"9999-12-31",
    b"0000-00-00",
    b"T25:61:61Z",
    b"../",
    b"\x00",
];

/// A mutation of `input`, possibly spliced with `other`, at most `max_len` bytes long.
pub fn mutate(rng: &mut StdRng, input: &[u8], other: &[u8], max_len: usize) -> Vec<u8> {
    let mut out = input.to_vec();
    let stacked = 1 << rng.gen_range(0..5);
    for _ in 0..stacked {
        one(rng, &mut out, other);
    }
    out.truncate(max_len);
    out
}

fn one(rng: &mut StdRng, out: &mut Vec<u8>, other: &[u8]) {
    let len = out.len();
    match rng.gen_range(0..9) {
        0 if len > 0 => {
            let at = rng.gen_range(0..len);
            out[at] ^= 1 << rng.gen_range(0..8);
        }
        1 if len > 0 => {
            let at = rng.gen_range(0..len);
            out[at] = INTERESTING[rng.gen_range(0..INTERESTING.len())];
        }
        2 if len > 0 => {
            let at = rng.gen_range(0..len);
            out[at] = rng.r#gen();
        }
        3 if len > 1 => {
            let from = rng.gen_range(0..len);
            let to = (from + rng.gen_range(1..=len.min(32))).min(len);
            out.drain(from..to);
        }
        4 if len > 0 => {
            let from = rng.gen_range(0..len);
            let to = (from + rng.gen_range(1..=len.min(32))).min(len);
            let run = out[from..to].to_vec();
            let at = rng.gen_range(0..=len);
            out.splice(at..at, run);
        }
        5 => {
            let token = TOKENS[rng.gen_range(0..TOKENS.len())];
            let at = rng.gen_range(0..=len);
            if rng.gen_bool(0.5) && at + token.len() <= len {
                out.splice(at..at + token.len(), token.iter().copied());
            } else {
                out.splice(at..at, token.iter().copied());
            }
        }
        6 if !other.is_empty() => {
            let cut = rng.gen_range(0..=len);
            let from = rng.gen_range(0..other.len());
            out.truncate(cut);
            out.extend_from_slice(&other[from..]);
        }
        7 if len > 0 => {
            // A number in the text made extreme.
            let at = rng.gen_range(0..len);
            if let Some(start) = (at..len).find(|&i| out[i].is_ascii_digit()) {
                let end = (start..len)
                    .find(|&i| !out[i].is_ascii_digit())
                    .unwrap_or(len);
                let n =
                    ["0", "-1", "2147483648", "18446744073709551616", "1e400"][rng.gen_range(0..5)];
                out.splice(start..end, n.bytes());
            }
        }
        _ => {
            let n = rng.gen_range(1..8);
            let at = rng.gen_range(0..=len);
            let bytes: Vec<u8> = (0..n).map(|_| rng.r#gen()).collect();
            out.splice(at..at, bytes);
        }
    }
}
