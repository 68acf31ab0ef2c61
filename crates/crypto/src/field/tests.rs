//! Tests of field encryption: round trips, the stored form, tampering, rotation.

use super::*;
use crate::keys::tests::{HEX_A, HEX_B, HEX_C, keys_ab};
use secrecy::ExposeSecret;

const PLACE: &str = "persons.family_name:3f2c9a4e-0000-4000-8000-000000000001";
const CANARY: &str = "CANARY-Jansen-1998-04-02";

fn open(keys: &MasterKeys, stored: &str, aad: &str) -> Result<String, CryptoError> {
    keys.decrypt(stored, aad)
        .map(|s| s.expose_secret().to_owned())
}

#[test]
fn values_round_trip() {
    let keys = keys_ab();
    for plain in [
        "",
        "Jan",
        "José van der Berg",
        "Zoë Þórsson · Ólafur · 北京市 · Ἀθῆναι · 🙂👩‍👧",
        "a.b.c v1.a.x.y",
        "line one\nline two\0with nul",
        &"lang verhaal ".repeat(2_000),
    ] {
        let stored = keys.encrypt(plain, PLACE).unwrap();
        assert_eq!(open(&keys, &stored, PLACE).unwrap(), plain);
    }
}

#[test]
fn the_stored_form_is_version_key_id_nonce_and_ciphertext() {
    let keys = keys_ab();
    let stored = keys.encrypt("Jan", PLACE).unwrap();
    let parts: Vec<&str> = stored.split('.').collect();
    assert_eq!(parts.len(), 4, "{stored}");
    assert_eq!(parts[..2], ["v1", "a"]);
    assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), NONCE_BYTES);
    assert_eq!(
        URL_SAFE_NO_PAD.decode(parts[3]).unwrap().len(),
        "Jan".len() + TAG_BYTES
    );
    assert!(
        stored
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    );
}

#[test]
fn the_same_value_encrypts_differently_each_time() {
    let keys = keys_ab();
    let one = keys.encrypt("Jan", PLACE).unwrap();
    let two = keys.encrypt("Jan", PLACE).unwrap();
    assert_ne!(one, two);
    assert_ne!(one.split('.').nth(2), two.split('.').nth(2), "fresh nonce");
}

#[test]
fn the_plaintext_never_shows_in_the_stored_value() {
    let keys = keys_ab();
    let stored = keys.encrypt(CANARY, PLACE).unwrap();
    for shown in [
        CANARY.to_owned(),
        "Jansen".to_owned(),
        URL_SAFE_NO_PAD.encode(CANARY),
        hex::encode(CANARY),
    ] {
        assert!(!stored.contains(&shown), "{stored}");
    }
}

#[test]
fn a_value_moved_to_another_place_does_not_open() {
    let keys = keys_ab();
    let stored = keys
        .encrypt(CANARY, &field_aad("persons", "family_name", "r1"))
        .unwrap();
    for place in [
        field_aad("persons", "family_name", "r2"),
        field_aad("persons", "given_names", "r1"),
        field_aad("contacts", "family_name", "r1"),
        "persons.family_name:r1 ".to_owned(),
        "x".to_owned(),
    ] {
        assert_eq!(
            open(&keys, &stored, &place),
            Err(CryptoError::Decrypt),
            "{place}"
        );
    }
    assert_eq!(
        open(&keys, &stored, &field_aad("persons", "family_name", "r1")).unwrap(),
        CANARY
    );
}

#[test]
fn empty_associated_data_is_refused() {
    assert!(matches!(
        keys_ab().encrypt("Jan", ""),
        Err(CryptoError::InvalidInput(_))
    ));
}

/// Rebuilds a stored value with its ciphertext bytes changed by `f`.
fn with_ciphertext(stored: &str, f: impl Fn(&mut Vec<u8>)) -> String {
    let parts: Vec<&str> = stored.split('.').collect();
    let mut ct = URL_SAFE_NO_PAD.decode(parts[3]).unwrap();
    f(&mut ct);
    format!(
        "{}.{}.{}.{}",
        parts[0],
        parts[1],
        parts[2],
        URL_SAFE_NO_PAD.encode(ct)
    )
}

#[test]
fn every_flipped_bit_is_detected() {
    let keys = keys_ab();
    let stored = keys.encrypt(CANARY, PLACE).unwrap();
    let len = URL_SAFE_NO_PAD
        .decode(stored.split('.').nth(3).unwrap())
        .unwrap()
        .len();
    for byte in 0..len {
        for bit in [0, 3, 7] {
            let bad = with_ciphertext(&stored, |ct| ct[byte] ^= 1 << bit);
            assert_eq!(open(&keys, &bad, PLACE), Err(CryptoError::Decrypt));
        }
    }
    let parts: Vec<&str> = stored.split('.').collect();
    let mut nonce = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    nonce[0] ^= 1;
    let bad = format!("v1.a.{}.{}", URL_SAFE_NO_PAD.encode(nonce), parts[3]);
    assert_eq!(open(&keys, &bad, PLACE), Err(CryptoError::Decrypt));
}

#[test]
fn damaged_or_foreign_values_fail_without_revealing_anything() {
    use CryptoError::*;
    let keys = keys_ab();
    let stored = keys.encrypt(CANARY, PLACE).unwrap();
    let parts: Vec<&str> = stored.split('.').collect();
    let (nonce, ct) = (parts[2], parts[3]);
    let other_key = MasterKeys::parse(&format!("a {HEX_C}"), None).unwrap();
    let cases: Vec<(String, CryptoError)> = vec![
        (String::new(), Malformed("no version prefix")),
        ("garbage".into(), Malformed("no version prefix")),
        (CANARY.into(), Malformed("no version prefix")),
        (stored.replacen("v1.", "v2.", 1), UnsupportedVersion),
        (
            stored.replacen("v1.", "V1.", 1),
            Malformed("no version prefix"),
        ),
        (
            stored.replacen("v1.", "", 1),
            Malformed("no version prefix"),
        ),
        (
            format!("v1.a.{nonce}"),
            Malformed("expected v1.<key-id>.<nonce>.<ciphertext>"),
        ),
        (
            format!("{stored}.x"),
            Malformed("expected v1.<key-id>.<nonce>.<ciphertext>"),
        ),
        (format!("v1..{nonce}.{ct}"), Malformed("invalid key id")),
        (format!("v1.c.{nonce}.{ct}"), UnknownKey("c".into())),
        (
            format!("v1.a.{nonce}!.{ct}"),
            Malformed("nonce is not 12 bytes of base64url"),
        ),
        (
            format!("v1.a.{}.{ct}", &nonce[..8]),
            Malformed("nonce is not 12 bytes of base64url"),
        ),
        (
            format!("v1.a.{nonce}=.{ct}"),
            Malformed("nonce is not 12 bytes of base64url"),
        ),
        (
            format!("v1.a.{nonce}.{ct}+/"),
            Malformed("ciphertext is not base64url"),
        ),
        (
            format!("v1.a.{nonce}.{ct}="),
            Malformed("ciphertext is not base64url"),
        ),
        (
            format!("v1.a.{nonce}.{}", &ct[..20]),
            Malformed("ciphertext shorter than its tag"),
        ),
        (
            format!("v1.a.{nonce}."),
            Malformed("ciphertext shorter than its tag"),
        ),
        (
            with_ciphertext(&stored, |c| c.truncate(c.len() - 1)),
            Decrypt,
        ),
        (with_ciphertext(&stored, |c| c.push(0)), Decrypt),
        (
            with_ciphertext(&stored, |c| c.drain(..1).for_each(drop)),
            Decrypt,
        ),
        (stored.replacen("v1.a.", "v1.b.", 1), Decrypt),
        (other_key.encrypt(CANARY, PLACE).unwrap(), Decrypt),
    ];
    for (bad, expected) in cases {
        let err = open(&keys, &bad, PLACE).unwrap_err();
        assert_eq!(err, expected, "{bad:?}");
        let message = err.to_string();
        for secret in [CANARY, HEX_A, HEX_B, nonce, ct] {
            assert!(!message.contains(secret), "{message}");
        }
    }
}

#[test]
fn old_values_open_after_a_new_current_key_and_ask_for_reencryption() {
    let before = keys_ab();
    let old = before.encrypt(CANARY, PLACE).unwrap();
    assert!(!before.needs_reencryption(&old));

    let after = MasterKeys::parse(&format!("c {HEX_C}\na {HEX_A}\nb {HEX_B}\n"), None).unwrap();
    assert_eq!(open(&after, &old, PLACE).unwrap(), CANARY);
    assert!(after.needs_reencryption(&old));

    let new = after.reencrypt(&old, PLACE).unwrap();
    assert!(new.starts_with("v1.c."), "{new}");
    assert!(!after.needs_reencryption(&new));
    assert_eq!(open(&after, &new, PLACE).unwrap(), CANARY);
    assert!(
        after.reencrypt(&old, "persons.other:1").is_err(),
        "place still bound"
    );

    let retired = MasterKeys::parse(&format!("c {HEX_C}\n"), None).unwrap();
    assert_eq!(open(&retired, &new, PLACE).unwrap(), CANARY);
    assert_eq!(
        open(&retired, &old, PLACE),
        Err(CryptoError::UnknownKey("a".into()))
    );
}

#[test]
fn malformed_values_are_offered_for_reencryption() {
    let keys = keys_ab();
    for bad in ["", "plain text", "v2.a.x.y", "v1.a.x"] {
        assert!(keys.needs_reencryption(bad), "{bad:?}");
    }
}

#[test]
fn the_encryption_key_is_neither_the_master_nor_another_purpose_key() {
    let keys = keys_ab();
    let nonce = [7u8; NONCE_BYTES];
    let seal_with = |key: &[u8]| {
        let ct = Aes256Gcm::new_from_slice(key)
            .unwrap()
            .encrypt(
                &nonce.into(),
                Payload {
                    msg: b"Jan",
                    aad: PLACE.as_bytes(),
                },
            )
            .unwrap();
        format!(
            "v1.a.{}.{}",
            URL_SAFE_NO_PAD.encode(nonce),
            URL_SAFE_NO_PAD.encode(ct)
        )
    };
    let field = keys.derive("a", Purpose::FieldEncryption).unwrap();
    assert_eq!(
        open(&keys, &seal_with(field.as_slice()), PLACE).unwrap(),
        "Jan"
    );
    let master = hex::decode(HEX_A).unwrap();
    let index = keys.derive("a", Purpose::BlindIndex).unwrap();
    let pseudonym = keys.derive("a", Purpose::Pseudonym).unwrap();
    for key in [master.as_slice(), index.as_slice(), pseudonym.as_slice()] {
        assert_eq!(
            open(&keys, &seal_with(key), PLACE),
            Err(CryptoError::Decrypt)
        );
    }
}

/// Values written today must open in every later release: pins the v1 format,
/// the HKDF label and the AEAD parameters.
#[test]
fn values_written_by_an_earlier_build_still_open() {
    // Checked against an independent HKDF + AES-GCM implementation when pinned.
    let keys = keys_ab();
    let old = "v1.a.r26q1Ld-Txo7gaq8.bTsQ0X6TOgeIhxwn17vZRWIsAIIQ0eQze91SbD_9lqvZ_Q";
    assert_eq!(
        open(&keys, old, "persons.family_name:r1").unwrap(),
        "José van der Berg"
    );
    let empty = "v1.b.kxLcSbNe-U3mlTZK.PjUupfLtRFshW0EEeeA2MQ";
    assert_eq!(open(&keys, empty, "persons.narrative:r2").unwrap(), "");
}

/// The law-enforcement compartment derives every purpose key under labels of its own:
/// even the same master secret neither opens the other side's values nor gives the
/// same pseudonym, so a leak of one side's keys does not link the other.
#[test]
fn compartments_share_no_key_even_over_one_master_secret() {
    use crate::Compartment;
    let victims = keys_ab();
    let law = keys_ab().for_compartment(Compartment::LawEnforcement);
    assert_eq!(law.compartment(), Compartment::LawEnforcement);
    let sealed = victims.encrypt("Jan", PLACE).unwrap();
    assert_eq!(
        law.decrypt(&sealed, PLACE).err(),
        Some(CryptoError::Decrypt)
    );
    let theirs = law.encrypt("Jan", PLACE).unwrap();
    assert_eq!(law.decrypt(&theirs, PLACE).unwrap().expose_secret(), "Jan");
    assert_eq!(
        victims.decrypt(&theirs, PLACE).err(),
        Some(CryptoError::Decrypt)
    );
    let text = "v1|jan jansen|1990-01-01|male";
    assert_ne!(
        victims.pseudonym("a", text).unwrap(),
        law.pseudonym("a", text).unwrap()
    );
    assert_ne!(
        victims.blind_index("a", "f", "x").unwrap(),
        law.blind_index("a", "f", "x").unwrap()
    );
    assert!(victims.shares_a_secret_with(&law));
    let other = MasterKeys::parse(&format!("c {HEX_C}\n"), None).unwrap();
    assert!(!victims.shares_a_secret_with(&other));
}
