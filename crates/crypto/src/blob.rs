//! File encryption: AES-256-GCM under the current key, one whole file per value (the
//! documents on a case), bound to its place like a field.
//!
//! Stored form (bytes): `b1.<key-id>.` then the 96-bit random nonce, then the ciphertext
//! with its 128-bit tag. The caller's associated data (see [`crate::field_aad`]) is
//! authenticated but not stored. Nothing of the plaintext or the key enters an error.

use crate::CryptoError;
use crate::keys::{MasterKeys, Purpose, is_valid_key_id};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

/// The format prefix this build writes and reads.
const PREFIX: &[u8] = b"b1.";
/// AES-GCM nonce length.
const NONCE_BYTES: usize = 12;
/// AES-GCM tag length.
const TAG_BYTES: usize = 16;

impl MasterKeys {
    /// Encrypts a file under the current key, bound to `aad` (must not be empty).
    pub fn encrypt_bytes(&self, plaintext: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        if aad.is_empty() {
            return Err(CryptoError::InvalidInput(
                "associated data must name the value's place",
            ));
        }
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|_| CryptoError::Random)?;
        let key_id = self.current_key_id();
        let cipher = self.file_cipher(key_id)?;
        let payload = Payload {
            msg: plaintext,
            aad: aad.as_bytes(),
        };
        let ciphertext = cipher
            .encrypt(&nonce.into(), payload)
            .map_err(|_| CryptoError::Primitive("AES-GCM encryption"))?;
        let mut out =
            Vec::with_capacity(PREFIX.len() + key_id.len() + 1 + NONCE_BYTES + ciphertext.len());
        out.extend_from_slice(PREFIX);
        out.extend_from_slice(key_id.as_bytes());
        out.push(b'.');
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Decrypts a file made by [`MasterKeys::encrypt_bytes`] for the same `aad`, with
    /// whichever configured key it names.
    pub fn decrypt_bytes(
        &self,
        stored: &[u8],
        aad: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let rest = stored
            .strip_prefix(PREFIX)
            .ok_or(CryptoError::Malformed("no file format prefix"))?;
        let dot = rest
            .iter()
            .position(|b| *b == b'.')
            .ok_or(CryptoError::Malformed("no key id"))?;
        let key_id = std::str::from_utf8(&rest[..dot])
            .ok()
            .filter(|k| is_valid_key_id(k))
            .ok_or(CryptoError::Malformed("invalid key id"))?;
        let body = &rest[dot + 1..];
        if body.len() < NONCE_BYTES + TAG_BYTES {
            return Err(CryptoError::Malformed("ciphertext shorter than its tag"));
        }
        let (nonce, ciphertext) = body.split_at(NONCE_BYTES);
        let nonce = <[u8; NONCE_BYTES]>::try_from(nonce)
            .map_err(|_| CryptoError::Malformed("nonce is not 12 bytes"))?;
        let payload = Payload {
            msg: ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = self
            .file_cipher(key_id)?
            .decrypt(&nonce.into(), payload)
            .map_err(|_| CryptoError::Decrypt)?;
        Ok(Zeroizing::new(plain))
    }

    /// Whether a stored file is not under the current key (a key rotation re-encrypts it).
    pub fn file_needs_reencryption(&self, stored: &[u8]) -> bool {
        let key_id = stored
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split(|b| *b == b'.').next());
        key_id != Some(self.current_key_id().as_bytes())
    }

    /// The AES-256-GCM cipher of key `key_id` for files (the field-encryption key).
    fn file_cipher(&self, key_id: &str) -> Result<Aes256Gcm, CryptoError> {
        let key = self.derive(key_id, Purpose::FieldEncryption)?;
        Aes256Gcm::new_from_slice(key.as_slice())
            .map_err(|_| CryptoError::Primitive("AES key length"))
    }
}

#[cfg(test)]
mod tests {
    use crate::{CryptoError, MasterKeys, field_aad};

    fn keys() -> MasterKeys {
        MasterKeys::single("k1", [7u8; crate::KEY_BYTES])
    }

    #[test]
    fn a_file_opens_in_its_place_only() {
        let k = keys();
        let file = b"%PDF-1.4 canary-Zwaluw".repeat(1000);
        let aad = field_aad("case_documents", "content", "d1");
        let sealed = k.encrypt_bytes(&file, &aad).unwrap();
        assert!(!sealed.windows(13).any(|w| w == b"canary-Zwaluw"));
        assert_eq!(
            k.decrypt_bytes(&sealed, &aad).unwrap().as_slice(),
            &file[..]
        );
        let elsewhere = field_aad("case_documents", "content", "d2");
        assert!(matches!(
            k.decrypt_bytes(&sealed, &elsewhere),
            Err(CryptoError::Decrypt)
        ));
        assert!(!k.file_needs_reencryption(&sealed));
    }

    #[test]
    fn tampered_or_malformed_files_are_refused() {
        let k = keys();
        let aad = field_aad("case_documents", "content", "d1");
        let mut sealed = k.encrypt_bytes(b"hello", &aad).unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(k.decrypt_bytes(&sealed, &aad).is_err());
        for bad in [
            &b""[..],
            b"b1.",
            b"b1.k1.short",
            b"v1.k1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert!(k.decrypt_bytes(bad, &aad).is_err());
        }
        assert!(k.encrypt_bytes(b"x", "").is_err());
    }
}
