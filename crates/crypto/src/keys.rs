//! Master keys, parsed from configuration text, and the purpose keys derived from them.
//!
//! Owns the key text format (`<key-id> <64 hex digits>` per line, as the token key file)
//! and HKDF-SHA256 derivation with one `info` label per purpose. Reads no file and never
//! prints a secret: `Debug` shows key ids only, errors name lines, never their content.

use crate::CryptoError;
use hkdf::Hkdf;
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;
use zeroize::Zeroizing;

/// Bytes in a master secret and in each derived key.
pub const KEY_BYTES: usize = 32;

/// Longest key id accepted.
const MAX_KEY_ID_LEN: usize = 32;

/// What a derived key is for; each purpose has its own HKDF `info` label, so a key of
/// one purpose says nothing about another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// AES-256-GCM key for field encryption.
    FieldEncryption,
    /// HMAC key for the blind index.
    BlindIndex,
    /// HMAC key for the monitor's pseudonym.
    Pseudonym,
}

/// Whose data a set of master keys protects. Each compartment derives its purpose keys
/// under labels of its own, so that even the same master secret in two compartments
/// gives keys that say nothing about each other; in practice each compartment also has
/// its own key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compartment {
    /// The victims' side: persons, cases, signals, notes, documents.
    Victims,
    /// The law-enforcement compartment: investigations and suspects.
    LawEnforcement,
}

impl Purpose {
    /// The HKDF `info` label. Changing one changes every value made with it.
    fn info(self, compartment: Compartment) -> &'static [u8] {
        match (compartment, self) {
            (Compartment::Victims, Self::FieldEncryption) => b"schakel/field-encryption/v1",
            (Compartment::Victims, Self::BlindIndex) => b"schakel/blind-index/v1",
            (Compartment::Victims, Self::Pseudonym) => b"schakel/pseudonym/v1",
            (Compartment::LawEnforcement, Self::FieldEncryption) => {
                b"schakel/law-enforcement/field-encryption/v1"
            }
            (Compartment::LawEnforcement, Self::BlindIndex) => {
                b"schakel/law-enforcement/blind-index/v1"
            }
            (Compartment::LawEnforcement, Self::Pseudonym) => {
                b"schakel/law-enforcement/pseudonym/v1"
            }
        }
    }
}

/// A derived key, wiped when dropped.
pub(crate) type DerivedKey = Zeroizing<[u8; KEY_BYTES]>;

/// The configured master secrets by key id, and which of them encrypts new values.
///
/// Field encryption always uses the current key; decryption uses whichever key id the
/// stored value names, so retired keys stay here until no value uses them. The blind
/// index and the pseudonym do not follow "current": their callers pass a configured
/// index or linkage key id that stays fixed when the encryption key rotates.
pub struct MasterKeys {
    compartment: Compartment,
    current: String,
    keys: BTreeMap<String, SecretBox<[u8; KEY_BYTES]>>,
}

impl MasterKeys {
    /// One master secret under the key id `key_id`, current. Key ids that are not
    /// `A-Z a-z 0-9 _ -` of 1–32 characters are replaced by `k1`.
    pub fn single(key_id: &str, secret: [u8; KEY_BYTES]) -> Self {
        let id = if is_valid_key_id(key_id) {
            key_id
        } else {
            "k1"
        };
        let mut keys = BTreeMap::new();
        keys.insert(id.to_owned(), SecretBox::new(Box::new(secret)));
        Self {
            compartment: Compartment::Victims,
            current: id.to_owned(),
            keys,
        }
    }

    /// Parses key text: one `<key-id> <64 hex digits>` per line, blank lines and lines
    /// starting with `#` ignored. The first key is current unless `current` names one.
    /// Key ids are 1–32 characters of `A-Z a-z 0-9 _ -`.
    pub fn parse(text: &str, current: Option<&str>) -> Result<Self, CryptoError> {
        let mut keys = BTreeMap::new();
        let mut first = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason| CryptoError::KeyLine {
                line: n + 1,
                reason,
            };
            let mut words = line.split_whitespace();
            let (Some(kid), Some(hex_key), None) = (words.next(), words.next(), words.next())
            else {
                return Err(bad("expected '<key-id> <64 hex digits>'"));
            };
            if !is_valid_key_id(kid) {
                return Err(bad(
                    "key id must be 1-32 characters of letters, digits, '_' or '-'",
                ));
            }
            if hex_key.len() != 2 * KEY_BYTES {
                return Err(bad("key must be exactly 64 hex digits"));
            }
            let mut secret = SecretBox::<[u8; KEY_BYTES]>::default();
            hex::decode_to_slice(hex_key, secret.expose_secret_mut())
                .map_err(|_| bad("key must be exactly 64 hex digits"))?;
            if keys.contains_key(kid) {
                return Err(bad("key id appears twice"));
            }
            first.get_or_insert_with(|| kid.to_owned());
            keys.insert(kid.to_owned(), secret);
        }
        let current = match current {
            Some(named) if keys.contains_key(named) => named.to_owned(),
            Some(named) => return Err(CryptoError::UnknownKey(named.to_owned())),
            None => first.ok_or(CryptoError::NoKeys)?,
        };
        Ok(Self {
            compartment: Compartment::Victims,
            current,
            keys,
        })
    }

    /// The same keys for another compartment (the victims' by default): every purpose
    /// key is derived under that compartment's labels.
    #[must_use]
    pub fn for_compartment(mut self, compartment: Compartment) -> Self {
        self.compartment = compartment;
        self
    }

    /// The compartment these keys protect.
    pub fn compartment(&self) -> Compartment {
        self.compartment
    }

    /// Whether any master secret of `self` is also one of `other`'s: two compartments
    /// must not share one. Checked once at start from two files the operator wrote, so
    /// the comparison's timing tells nobody anything.
    pub fn shares_a_secret_with(&self, other: &MasterKeys) -> bool {
        self.keys.values().any(|a| {
            other
                .keys
                .values()
                .any(|b| a.expose_secret() == b.expose_secret())
        })
    }

    /// The id of the key that encrypts new values.
    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    /// All configured key ids, in order.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Whether a key with this id is configured.
    pub fn contains(&self, key_id: &str) -> bool {
        self.keys.contains_key(key_id)
    }

    /// The key for `purpose` derived from master key `key_id` (HKDF-SHA256, no salt:
    /// the master secrets are uniformly random).
    pub(crate) fn derive(&self, key_id: &str, purpose: Purpose) -> Result<DerivedKey, CryptoError> {
        let master = self
            .keys
            .get(key_id)
            .ok_or_else(|| CryptoError::UnknownKey(key_id.to_owned()))?;
        let hkdf = Hkdf::<Sha256>::new(None, master.expose_secret());
        let mut okm = Zeroizing::new([0u8; KEY_BYTES]);
        hkdf.expand(purpose.info(self.compartment), okm.as_mut())
            .map_err(|_| CryptoError::Primitive("HKDF output length"))?;
        Ok(okm)
    }
}

impl fmt::Debug for MasterKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKeys")
            .field("compartment", &self.compartment)
            .field("current", &self.current)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Whether `id` may name a key: it travels inside stored values, so it must not hold
/// the `.` separator, whitespace, or anything else a parser could trip over.
pub(crate) fn is_valid_key_id(id: &str) -> bool {
    (1..=MAX_KEY_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const HEX_A: &str =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    pub(crate) const HEX_B: &str =
        "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";
    pub(crate) const HEX_C: &str =
        "5555555555555555aaaaaaaaaaaaaaaa5555555555555555aaaaaaaaaaaaaaaa";

    /// Keys `a` (current), then `b`.
    pub(crate) fn keys_ab() -> MasterKeys {
        MasterKeys::parse(&format!("a {HEX_A}\nb {HEX_B}\n"), None).unwrap()
    }

    #[test]
    fn the_first_key_is_current_and_comments_and_blank_lines_are_skipped() {
        let text = format!("# master keys\n\n  k2 {HEX_A}  \n# old\nk1\t{HEX_B}\n\n");
        let keys = MasterKeys::parse(&text, None).unwrap();
        assert_eq!(keys.current_key_id(), "k2");
        assert_eq!(keys.key_ids().collect::<Vec<_>>(), ["k1", "k2"]);
        assert!(keys.contains("k1") && !keys.contains("k3"));
    }

    #[test]
    fn a_named_current_key_is_used_and_an_unknown_one_refused() {
        let text = format!("k1 {HEX_A}\nk2 {HEX_B}\n");
        let keys = MasterKeys::parse(&text, Some("k2")).unwrap();
        assert_eq!(keys.current_key_id(), "k2");
        assert_eq!(
            MasterKeys::parse(&text, Some("k3")).unwrap_err(),
            CryptoError::UnknownKey("k3".into())
        );
    }

    #[test]
    fn text_without_keys_is_refused() {
        for text in ["", "\n\n", "# only a comment\n"] {
            assert_eq!(
                MasterKeys::parse(text, None).unwrap_err(),
                CryptoError::NoKeys,
                "{text:?}"
            );
        }
    }

    #[test]
    fn bad_lines_are_refused_by_number_without_their_content() {
        let short = &HEX_A[..62];
        let long = format!("{HEX_A}00");
        let not_hex = format!("{}zz", &HEX_A[..62]);
        let cases: Vec<(String, usize)> = vec![
            ("k1".into(), 1),
            (format!("k1 {short}"), 1),
            (format!("k1 {long}"), 1),
            (format!("k1 {not_hex}"), 1),
            (format!("k1 {HEX_A} extra"), 1),
            (format!("k.1 {HEX_A}"), 1),
            (format!("{} {HEX_A}", "k".repeat(33)), 1),
            (format!("k\u{e9} {HEX_A}"), 1),
            (format!("# c\n\nk1 {HEX_A}\nk1 {HEX_B}"), 4),
            (format!("k1 {HEX_A}\n{HEX_B}"), 2),
        ];
        for (text, line) in cases {
            let err = MasterKeys::parse(&text, None).unwrap_err();
            assert!(
                matches!(err, CryptoError::KeyLine { line: l, .. } if l == line),
                "{text:?}: {err:?}"
            );
            let message = err.to_string();
            for secret in [HEX_A, HEX_B, short, &not_hex, "zz"] {
                assert!(!message.contains(secret), "{message}");
            }
        }
    }

    #[test]
    fn debug_shows_key_ids_only() {
        let shown = format!("{:?}", keys_ab());
        assert!(
            shown.contains("\"a\"") && shown.contains("\"b\""),
            "{shown}"
        );
        for secret in [HEX_A, HEX_B, &HEX_A[..8], &HEX_B[..8]] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(!shown.contains("[0, 1, 2"), "no byte lists: {shown}");
    }

    #[test]
    fn each_purpose_gets_its_own_key_unlike_the_master() {
        let keys = keys_ab();
        let master = hex::decode(HEX_A).unwrap();
        let derived: Vec<DerivedKey> = [
            Purpose::FieldEncryption,
            Purpose::BlindIndex,
            Purpose::Pseudonym,
        ]
        .into_iter()
        .map(|p| keys.derive("a", p).unwrap())
        .collect();
        for (i, key) in derived.iter().enumerate() {
            assert_ne!(key.as_slice(), master.as_slice());
            for other in &derived[i + 1..] {
                assert_ne!(key, other);
            }
            assert_ne!(key, &keys.derive("b", Purpose::FieldEncryption).unwrap());
        }
        assert_eq!(
            keys.derive("a", Purpose::Pseudonym).unwrap(),
            keys.derive("a", Purpose::Pseudonym).unwrap()
        );
        assert_eq!(
            keys.derive("zz", Purpose::Pseudonym).unwrap_err(),
            CryptoError::UnknownKey("zz".into())
        );
    }
}
