//! Keyed hashes: the blind index (DESIGN §4) and the monitor's pseudonym (DESIGN §8).
//!
//! Both are lower-case hex HMAC-SHA256 (64 characters) under a key derived for their
//! purpose from a master key the caller names explicitly — the configured index or
//! linkage key id, never "current" — so rotating the encryption key leaves every index
//! and pseudonym as it was. Canonicalising the input (folding names, formatting dates)
//! is the caller's job; `schakel_domain::pseudonym::canonical_identifiers` makes the
//! pseudonym's input.

use crate::CryptoError;
use crate::keys::{DerivedKey, MasterKeys, Purpose};
use hmac::{Hmac, Mac};
use sha2::Sha256;

impl MasterKeys {
    /// The blind index of `canonical_value` in `field` (e.g. `person.family_name`):
    /// hex HMAC-SHA256 over `field` + 0x00 + value under the blind-index key derived from
    /// master key `index_key_id`. Equal values in one field match; the same value in
    /// two fields does not. `field` must be non-empty and free of NUL.
    pub fn blind_index(
        &self,
        index_key_id: &str,
        field: &str,
        canonical_value: &str,
    ) -> Result<String, CryptoError> {
        if field.is_empty() || field.contains('\0') {
            return Err(CryptoError::InvalidInput(
                "blind-index field name must be non-empty and without NUL",
            ));
        }
        let key = self.derive(index_key_id, Purpose::BlindIndex)?;
        hmac_hex(&key, &[field.as_bytes(), b"\0", canonical_value.as_bytes()])
    }

    /// The pseudonym of a person: hex HMAC-SHA256 over their canonical identifiers
    /// under the pseudonym key derived from master key `linkage_key_id`. Empty input is
    /// refused: it would make every person without identifiers one and the same.
    pub fn pseudonym(
        &self,
        linkage_key_id: &str,
        canonical_identifiers: &str,
    ) -> Result<String, CryptoError> {
        if canonical_identifiers.is_empty() {
            return Err(CryptoError::InvalidInput(
                "no canonical identifiers to pseudonymise",
            ));
        }
        let key = self.derive(linkage_key_id, Purpose::Pseudonym)?;
        hmac_hex(&key, &[canonical_identifiers.as_bytes()])
    }
}

/// Lower-case hex HMAC-SHA256 of the concatenated `parts`.
fn hmac_hex(key: &DerivedKey, parts: &[&[u8]]) -> Result<String, CryptoError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_slice())
        .map_err(|_| CryptoError::Primitive("HMAC key length"))?;
    for part in parts {
        mac.update(part);
    }
    Ok(hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::{HEX_A, HEX_B, HEX_C, keys_ab};

    const PERSON: &str = "v1|berg jose|1998-04-02|female";

    fn is_hex64(s: &str) -> bool {
        s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    #[test]
    fn the_same_input_and_key_give_the_same_64_hex_digits() {
        let keys = keys_ab();
        let again = keys_ab();
        for value in ["", "jansen", "1998-04-02", "zoë"] {
            let index = keys.blind_index("a", "person.family_name", value).unwrap();
            assert!(is_hex64(&index), "{index}");
            assert_eq!(
                index,
                again.blind_index("a", "person.family_name", value).unwrap()
            );
        }
        let pseudonym = keys.pseudonym("a", PERSON).unwrap();
        assert!(is_hex64(&pseudonym), "{pseudonym}");
        assert_eq!(pseudonym, again.pseudonym("a", PERSON).unwrap());
    }

    #[test]
    fn different_inputs_give_different_outputs() {
        let keys = keys_ab();
        let index = |field, value| keys.blind_index("a", field, value).unwrap();
        let jansen = index("person.family_name", "jansen");
        for other in [
            index("person.family_name", "janssen"),
            index("person.family_name", "Jansen"),
            index("person.given_names", "jansen"),
            index("person.family_name", "jansen "),
            index("person.family_nam", "ejansen"),
        ] {
            assert_ne!(jansen, other);
        }
        assert_ne!(
            keys.pseudonym("a", PERSON).unwrap(),
            keys.pseudonym("a", "v1|berg jose|1998-04-03|female")
                .unwrap()
        );
    }

    #[test]
    fn another_master_key_gives_other_outputs() {
        let keys = keys_ab();
        let other = MasterKeys::parse(&format!("a {HEX_C}"), None).unwrap();
        let field = "person.date_of_birth";
        let index_a = keys.blind_index("a", field, "1998-04-02").unwrap();
        assert_ne!(index_a, keys.blind_index("b", field, "1998-04-02").unwrap());
        assert_ne!(
            index_a,
            other.blind_index("a", field, "1998-04-02").unwrap()
        );
        let pseudonym_a = keys.pseudonym("a", PERSON).unwrap();
        assert_ne!(pseudonym_a, keys.pseudonym("b", PERSON).unwrap());
        assert_ne!(pseudonym_a, other.pseudonym("a", PERSON).unwrap());
    }

    #[test]
    fn rotating_the_encryption_key_keeps_indexes_and_pseudonyms() {
        let before = keys_ab();
        let after = MasterKeys::parse(&format!("c {HEX_C}\na {HEX_A}\nb {HEX_B}"), None).unwrap();
        assert_ne!(before.current_key_id(), after.current_key_id());
        assert_eq!(
            before.pseudonym("a", PERSON).unwrap(),
            after.pseudonym("a", PERSON).unwrap()
        );
        assert_eq!(
            before.blind_index("a", "f", "v").unwrap(),
            after.blind_index("a", "f", "v").unwrap()
        );
    }

    #[test]
    fn pseudonym_and_blind_index_keys_differ_from_each_other_and_the_master() {
        let keys = keys_ab();
        // The same HMAC message under each key: `field` + NUL + value.
        let from_index = keys.blind_index("a", "f", "x").unwrap();
        let from_pseudonym = keys.pseudonym("a", "f\0x").unwrap();
        let mut master =
            <Hmac<Sha256> as Mac>::new_from_slice(&hex::decode(HEX_A).unwrap()).unwrap();
        master.update(b"f\0x");
        let from_master = hex::encode(master.finalize().into_bytes());
        assert_ne!(from_index, from_pseudonym);
        assert_ne!(from_index, from_master);
        assert_ne!(from_pseudonym, from_master);
    }

    #[test]
    fn unknown_keys_and_ambiguous_inputs_are_refused() {
        let keys = keys_ab();
        assert_eq!(
            keys.blind_index("zz", "f", "v"),
            Err(CryptoError::UnknownKey("zz".into()))
        );
        assert_eq!(
            keys.pseudonym("zz", PERSON),
            Err(CryptoError::UnknownKey("zz".into()))
        );
        for field in ["", "a\0b"] {
            assert!(matches!(
                keys.blind_index("a", field, "v"),
                Err(CryptoError::InvalidInput(_))
            ));
        }
        assert!(matches!(
            keys.pseudonym("a", ""),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    /// Stored indexes and the monitor's counts depend on these staying the same in
    /// every release: pins the HKDF labels, the message layout and the encoding.
    #[test]
    fn known_answers_stay_the_same() {
        // Checked against an independent HKDF + HMAC implementation when pinned.
        let keys = keys_ab();
        assert_eq!(
            keys.blind_index("a", "person.family_name", "jansen")
                .unwrap(),
            "74fef3c562a4fb94f61a602c2e1616708499518c150007d4f836b1865cfc4d65"
        );
        assert_eq!(
            keys.pseudonym("a", PERSON).unwrap(),
            "1805adfa7873dd6728b1341174ec80785d274d580d627e3013fd73b732941ddb"
        );
    }
}
