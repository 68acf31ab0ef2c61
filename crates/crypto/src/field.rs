//! Field encryption: AES-256-GCM under the current key, one text value per field.
//!
//! Stored form: `v1.<key-id>.<base64url nonce>.<base64url ciphertext+tag>` (base64url
//! without padding, 96-bit random nonce, 128-bit tag). The caller's associated data
//! (`<table>.<column>:<row-id>`, see [`field_aad`]) is authenticated but not stored, so
//! a value copied to another row or column no longer opens. This module holds no
//! plaintext beyond the call and never puts it, or key bytes, into an error.

use crate::CryptoError;
use crate::keys::{DerivedKey, MasterKeys, Purpose, is_valid_key_id};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::SecretString;
use zeroize::Zeroizing;

/// The format version this build writes and reads.
const VERSION: &str = "v1";
/// AES-GCM nonce length.
const NONCE_BYTES: usize = 12;
/// AES-GCM tag length.
const TAG_BYTES: usize = 16;

/// The associated data that binds a value to its place: `<table>.<column>:<row-id>`.
pub fn field_aad(table: &str, column: &str, row_id: &str) -> String {
    format!("{table}.{column}:{row_id}")
}

/// A stored value taken apart; nothing in it is secret.
struct Sealed<'a> {
    key_id: &'a str,
    nonce: [u8; NONCE_BYTES],
    ciphertext: Vec<u8>,
}

impl MasterKeys {
    /// Encrypts `plaintext` under the current key, bound to `aad` (the value's place,
    /// see [`field_aad`]; must not be empty). Each call draws a fresh nonce, so equal
    /// plaintexts give different stored values.
    pub fn encrypt(&self, plaintext: &str, aad: &str) -> Result<String, CryptoError> {
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
        let cipher = cipher(&self.derive(key_id, Purpose::FieldEncryption)?)?;
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: aad.as_bytes(),
        };
        let ciphertext = cipher
            .encrypt(&nonce.into(), payload)
            .map_err(|_| CryptoError::Primitive("AES-GCM encryption"))?;
        Ok(format!(
            "{VERSION}.{key_id}.{}.{}",
            URL_SAFE_NO_PAD.encode(nonce),
            URL_SAFE_NO_PAD.encode(ciphertext)
        ))
    }

    /// Decrypts a stored value made by [`MasterKeys::encrypt`] for the same `aad`, with
    /// whichever configured key its key id names (current or retired).
    pub fn decrypt(&self, stored: &str, aad: &str) -> Result<SecretString, CryptoError> {
        let sealed = parse(stored)?;
        let cipher = cipher(&self.derive(sealed.key_id, Purpose::FieldEncryption)?)?;
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = Zeroizing::new(
            cipher
                .decrypt(&sealed.nonce.into(), payload)
                .map_err(|_| CryptoError::Decrypt)?,
        );
        // Only `encrypt` (which takes `&str`) makes values; anything else did not open.
        let text = std::str::from_utf8(&plain).map_err(|_| CryptoError::Decrypt)?;
        Ok(SecretString::from(text.to_owned()))
    }

    /// Whether a stored value is not under the current key, so a key rotation should
    /// re-encrypt it. A malformed value also answers `true`: the rotation then meets it
    /// and reports why it does not decrypt, instead of skipping it silently.
    pub fn needs_reencryption(&self, stored: &str) -> bool {
        parse(stored).map_or(true, |sealed| sealed.key_id != self.current_key_id())
    }

    /// Decrypts a stored value and encrypts it again under the current key, for the
    /// same place, without the plaintext leaving this crate.
    pub fn reencrypt(&self, stored: &str, aad: &str) -> Result<String, CryptoError> {
        use secrecy::ExposeSecret;
        self.encrypt(self.decrypt(stored, aad)?.expose_secret(), aad)
    }
}

/// The AES-256-GCM cipher for a derived key.
fn cipher(key: &DerivedKey) -> Result<Aes256Gcm, CryptoError> {
    Aes256Gcm::new_from_slice(key.as_slice()).map_err(|_| CryptoError::Primitive("AES key length"))
}

/// Takes a stored value apart, checking its shape but not its authenticity.
fn parse(stored: &str) -> Result<Sealed<'_>, CryptoError> {
    let (version, rest) = stored
        .split_once('.')
        .ok_or(CryptoError::Malformed("no version prefix"))?;
    if version != VERSION {
        let versioned = version
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        return Err(if versioned {
            CryptoError::UnsupportedVersion
        } else {
            CryptoError::Malformed("no version prefix")
        });
    }
    let mut parts = rest.split('.');
    let (Some(key_id), Some(nonce), Some(ciphertext), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CryptoError::Malformed(
            "expected v1.<key-id>.<nonce>.<ciphertext>",
        ));
    };
    if !is_valid_key_id(key_id) {
        return Err(CryptoError::Malformed("invalid key id"));
    }
    let nonce = URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()
        .and_then(|n| <[u8; NONCE_BYTES]>::try_from(n).ok())
        .ok_or(CryptoError::Malformed("nonce is not 12 bytes of base64url"))?;
    let ciphertext = URL_SAFE_NO_PAD
        .decode(ciphertext)
        .map_err(|_| CryptoError::Malformed("ciphertext is not base64url"))?;
    if ciphertext.len() < TAG_BYTES {
        return Err(CryptoError::Malformed("ciphertext shorter than its tag"));
    }
    Ok(Sealed {
        key_id,
        nonce,
        ciphertext,
    })
}

#[cfg(test)]
mod tests;
