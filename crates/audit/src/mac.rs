//! The entry key: a keyed MAC on every entry, so that only a holder of the key can
//! append an entry that verifies.
//!
//! Owns the key (32 bytes kept in a file outside the database), the one key installed
//! for the process, and the MAC itself: HMAC-SHA256 over the length-prefixed encoding
//! of [`MAC_FORMAT`] and the entry's hash, written as lower-case hex. The hash already
//! covers every other column and the link to the entry before, so the MAC covers them
//! too. An unsealed entry carries, until it is sealed, a MAC of the same key over its
//! unsealed hash ([`UNSEALED_MAC_FORMAT`]). It never prints, logs or puts the key into an error message.

use crate::AuditError;
use crate::canonical::encode_fields;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

/// The first field of the MAC's input; a new MAC gets a new tag.
pub const MAC_FORMAT: &str = "schakel.audit.mac.v1";

/// The first field of what an unsealed entry's MAC covers.
pub const UNSEALED_MAC_FORMAT: &str = "schakel.audit.unsealed-mac.v1";

/// The secret key of the entries' MACs. `Debug` never shows it.
#[derive(Clone)]
pub struct EntryKey {
    mac: Hmac<Sha256>,
}

impl fmt::Debug for EntryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EntryKey(..)")
    }
}

impl EntryKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        // HMAC pads a key shorter than the hash's 64-byte block with zeros: padding it
        // here gives the same MAC as the 32-byte key, without a fallible constructor.
        let mut block = [0_u8; 64];
        block[..32].copy_from_slice(bytes);
        Self {
            mac: <Hmac<Sha256> as KeyInit>::new(&block.into()),
        }
    }

    /// The MAC an entry with this `hash` must carry.
    pub fn mac(&self, hash: &str) -> String {
        self.mac_as(MAC_FORMAT, hash)
    }

    /// Whether `mac` is this key's MAC of `hash` (compared in constant time).
    pub fn verifies(&self, hash: &str, mac: &str) -> bool {
        self.verifies_as(MAC_FORMAT, hash, mac)
    }

    /// The MAC an unsealed entry carries until it is sealed: over its unsealed hash
    /// (`unsealed_hash`), so that the sealer vouches only for entries written by a
    /// holder of the key.
    pub fn unsealed_mac(&self, unsealed_hash: &str) -> String {
        self.mac_as(UNSEALED_MAC_FORMAT, unsealed_hash)
    }

    /// Whether `mac` is this key's [`EntryKey::unsealed_mac`] of `unsealed_hash`.
    pub fn verifies_unsealed(&self, unsealed_hash: &str, mac: &str) -> bool {
        self.verifies_as(UNSEALED_MAC_FORMAT, unsealed_hash, mac)
    }

    fn mac_as(&self, format: &str, hash: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(&encode_fields(&[Some(format), Some(hash)]));
        hex::encode(mac.finalize().into_bytes())
    }

    fn verifies_as(&self, format: &str, hash: &str, mac: &str) -> bool {
        let Ok(bytes) = hex::decode(mac) else {
            return false;
        };
        let mut check = self.mac.clone();
        check.update(&encode_fields(&[Some(format), Some(hash)]));
        check.verify_slice(&bytes).is_ok()
    }

    /// Whether two keys are the same key (without revealing either).
    fn same_as(&self, other: &EntryKey) -> bool {
        self.mac("") == other.mac("")
    }
}

/// Reads the entry key: a file holding 32 random bytes as 64 hex digits (e.g. made with
/// `openssl rand -hex 32 > audit-entry.key`; keep it mode 0600, off the database).
pub fn read_entry_key(path: &Path) -> Result<EntryKey, AuditError> {
    crate::keys::warn_if_readable_by_others(path, "the audit entry key");
    crate::keys::read_hex32(path).map(|bytes| EntryKey::from_bytes(&bytes))
}

static INSTALLED: OnceLock<EntryKey> = OnceLock::new();

/// Makes `key` the entry key of this process: from now on [`record`](crate::record)
/// gives every entry its MAC, and [`verify`](crate::verify) and
/// [`checkpoint`](crate::checkpoint) check every MAC. A binary calls it once at start,
/// before anything is recorded; installing another key later is refused.
pub fn install_entry_key(key: EntryKey) -> Result<(), AuditError> {
    let installed = INSTALLED.get_or_init(|| key.clone());
    if installed.same_as(&key) {
        Ok(())
    } else {
        Err(AuditError::InvalidEvent(
            "another audit entry key is already in use by this process".into(),
        ))
    }
}

/// The entry key of this process, if one was installed.
pub fn installed_entry_key() -> Option<&'static EntryKey> {
    INSTALLED.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mac_depends_on_the_key_and_the_hash_and_verifies_only_itself() {
        let key = EntryKey::from_bytes(&[1; 32]);
        let other = EntryKey::from_bytes(&[2; 32]);
        let hash = "ab".repeat(32);
        let mac = key.mac(&hash);
        assert_eq!(mac.len(), 64);
        assert!(key.verifies(&hash, &mac));
        assert!(!other.verifies(&hash, &mac));
        assert!(!key.verifies(&"cd".repeat(32), &mac));
        assert!(!key.verifies(&hash, "not hex"));
        assert_eq!(format!("{key:?}"), "EntryKey(..)");
    }

    #[test]
    fn the_padded_key_is_the_plain_hmac_key() {
        let mut plain = <Hmac<Sha256> as Mac>::new_from_slice(&[3; 32]).unwrap();
        plain.update(&encode_fields(&[Some(MAC_FORMAT), Some("h")]));
        let expected = hex::encode(plain.finalize().into_bytes());
        assert_eq!(EntryKey::from_bytes(&[3; 32]).mac("h"), expected);
    }
}
