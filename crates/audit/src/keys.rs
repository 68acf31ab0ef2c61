//! Key files: the checkpoints' Ed25519 signing seed and public key, and the entry key.
//!
//! Owns the key file format: the 32 raw bytes as 64 hexadecimal digits (upper or lower
//! case), optionally followed by a line break; nothing else. It never prints, logs or
//! puts a key into an error message.

use crate::AuditError;
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::path::Path;

/// Reads the signing key: a file holding a 32-byte Ed25519 seed as 64 hex digits
/// (e.g. made with `openssl rand -hex 32 > checkpoint.key`; keep it mode 0600).
pub fn read_signing_key(path: &Path) -> Result<SigningKey, AuditError> {
    warn_if_readable_by_others(path, "the checkpoint signing key");
    let seed = read_hex32(path)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key: a file holding the 32-byte Ed25519 public key as 64 hex digits
/// (the `public_key` of a checkpoint made with the matching signing key).
pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, AuditError> {
    let bytes = read_hex32(path)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| AuditError::Key {
        path: path.to_owned(),
        reason: "not a valid Ed25519 public key".into(),
    })
}

/// Parses a 32-byte key written as 64 hex digits.
pub fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let text = text.trim_end_matches(['\r', '\n']);
    let mut out = [0_u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

pub(crate) fn read_hex32(path: &Path) -> Result<[u8; 32], AuditError> {
    let key_error = |reason: String| AuditError::Key {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| key_error(format!("cannot read: {e}")))?;
    parse_hex32(&text).ok_or_else(|| key_error("does not hold 64 hex digits (32 bytes)".into()))
}

#[cfg(unix)]
pub(crate) fn warn_if_readable_by_others(path: &Path, what: &str) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "{what} is readable by group or others");
    }
}

#[cfg(not(unix))]
pub(crate) fn warn_if_readable_by_others(_path: &Path, _what: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sixty_four_hex_digits_with_an_optional_line_break() {
        let hex = "00".repeat(31) + "Ff";
        let mut expected = [0_u8; 32];
        expected[31] = 0xff;
        assert_eq!(parse_hex32(&hex), Some(expected));
        assert_eq!(parse_hex32(&format!("{hex}\n")), Some(expected));
        assert_eq!(parse_hex32(&format!("{hex}\r\n")), Some(expected));
        for bad in ["", "00", &"0".repeat(63), &"0".repeat(66), &"g".repeat(64)] {
            assert_eq!(parse_hex32(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_bad_key_file_is_named_without_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "not-a-key-secret-4411").unwrap();
        let err = read_signing_key(&path).unwrap_err().to_string();
        assert!(err.contains("key"), "{err}");
        assert!(!err.contains("secret-4411"), "{err}");
        let missing = read_signing_key(&dir.path().join("absent")).unwrap_err();
        assert!(missing.to_string().contains("cannot read"), "{missing}");
    }
}
