//! Signed checkpoints: the chain's head, signed with Ed25519 and kept off the database.
//!
//! Owns a checkpoint's fields, its JSON form, its signed message and its signature
//! check; making the next checkpoint of a series is `series`' work. Checkpoints form a series: each signs the
//! hash of the one before, so none can be left out or slipped in unnoticed. A checkpoint
//! catches what the chain alone cannot: a cut-off tail, and a chain re-hashed from start
//! to end after an edit. It is only as good as where it is kept: export it somewhere
//! the database's administrators cannot write.

use crate::AuditError;
use crate::canonical::{encode_fields, sha256_hex};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The `format` of every new checkpoint; part of the signed message.
pub const CHECKPOINT_FORMAT: &str = "schakel.audit.checkpoint.v2";

/// The `format` of checkpoints made before they named the previous one; still read and
/// verified, and accepted as the previous checkpoint of a new one.
pub const CHECKPOINT_FORMAT_V1: &str = "schakel.audit.checkpoint.v1";

/// A signed statement "the chain had `seq` entries, the last with hash `hash`, at
/// `created_at`, following checkpoint `previous`", as it is exported (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// [`CHECKPOINT_FORMAT`] (or [`CHECKPOINT_FORMAT_V1`] for an old checkpoint).
    pub format: String,
    /// The `seq` of the head entry (0 for an empty chain).
    pub seq: i64,
    /// The head entry's hash (64 zeros for an empty chain).
    pub hash: String,
    /// When the checkpoint was made (UTC, microseconds).
    #[serde(with = "micros")]
    pub created_at: DateTime<Utc>,
    /// The [`checkpoint_hash`](Self::checkpoint_hash) of the checkpoint before it in the
    /// series (64 zeros for the first); absent in a v1 checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The Ed25519 public key that signed it, as 64 hex digits (for information: the
    /// verifier uses the key it trusts, not this one).
    pub public_key: String,
    /// The Ed25519 signature over [`signed_message`](Self::signed_message), as 128 hex
    /// digits.
    pub signature: String,
}

impl SignedCheckpoint {
    /// The bytes that are signed: `format`, `seq` (decimal), `hash`, `created_at`
    /// (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) and, from v2 on, `previous`, length-prefixed as
    /// entries are.
    pub fn signed_message(&self) -> Vec<u8> {
        signed_message(
            &self.format,
            self.seq,
            &self.hash,
            self.created_at,
            self.previous.as_deref(),
        )
    }

    /// What the next checkpoint of the series signs as its `previous`: SHA-256 of this
    /// checkpoint's signed message, as lower-case hex.
    pub fn checkpoint_hash(&self) -> String {
        sha256_hex(&self.signed_message())
    }

    /// The checkpoint as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, AuditError> {
        serde_json::to_string_pretty(self)
            .map_err(|e| AuditError::InvalidCheckpoint(format!("cannot write JSON: {e}")))
    }

    /// Reads a checkpoint from its JSON.
    pub fn from_json(text: &str) -> Result<Self, AuditError> {
        serde_json::from_str(text)
            .map_err(|e| AuditError::InvalidCheckpoint(format!("not a checkpoint: {e}")))
    }

    /// Checks the format and that `key` signed exactly this checkpoint.
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<(), AuditError> {
        let invalid = |msg: &str| Err(AuditError::InvalidCheckpoint(msg.to_owned()));
        match (self.format.as_str(), &self.previous) {
            (CHECKPOINT_FORMAT, Some(previous)) if is_hash(previous) => {}
            (CHECKPOINT_FORMAT_V1, None) => {}
            (CHECKPOINT_FORMAT | CHECKPOINT_FORMAT_V1, _) => {
                return invalid("malformed previous checkpoint hash");
            }
            _ => return invalid("unknown format"),
        }
        if self.seq < 0 || !is_hash(&self.hash) {
            return invalid("malformed head");
        }
        if !self
            .public_key
            .eq_ignore_ascii_case(&hex::encode(key.as_bytes()))
        {
            return invalid("signed by a different key than the trusted one");
        }
        let mut bytes = [0_u8; 64];
        if hex::decode_to_slice(&self.signature, &mut bytes).is_err() {
            return invalid("malformed signature");
        }
        key.verify_strict(&self.signed_message(), &Signature::from_bytes(&bytes))
            .or_else(|_| invalid("the signature does not match"))
    }
}

fn is_hash(text: &str) -> bool {
    text.len() == 64 && hex::decode(text).is_ok()
}

fn signed_message(
    format: &str,
    seq: i64,
    hash: &str,
    created_at: DateTime<Utc>,
    previous: Option<&str>,
) -> Vec<u8> {
    let seq = seq.to_string();
    let created_at = micros::format(created_at);
    let mut fields = vec![Some(format), Some(&seq), Some(hash), Some(&created_at)];
    if let Some(previous) = previous {
        fields.push(Some(previous));
    }
    encode_fields(&fields)
}

/// Times in checkpoints: `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
mod micros {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn format(t: DateTime<Utc>) -> String {
        t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use ed25519_dalek::{Signer, SigningKey};

    fn signed(key: &SigningKey) -> SignedCheckpoint {
        let created_at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let mut cp = SignedCheckpoint {
            format: CHECKPOINT_FORMAT.into(),
            seq: 7,
            hash: "ab".repeat(32),
            created_at,
            previous: Some("ef".repeat(32)),
            public_key: hex::encode(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        cp.signature = hex::encode(key.sign(&cp.signed_message()).to_bytes());
        cp
    }

    #[test]
    fn a_checkpoint_survives_its_json_and_its_signature_verifies() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let cp = signed(&key);
        let json = cp.to_json().unwrap();
        assert!(json.contains("\"created_at\": \"2026-03-01T12:00:00.000000Z\""));
        let back = SignedCheckpoint::from_json(&json).unwrap();
        assert_eq!(back, cp);
        back.verify_signature(&key.verifying_key()).unwrap();
    }

    #[test]
    fn a_changed_or_foreign_checkpoint_is_refused() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let trusted = key.verifying_key();
        let changes: [fn(&mut SignedCheckpoint); 8] = [
            |c| c.seq = 6,
            |c| c.hash = "cd".repeat(32),
            |c| c.created_at += chrono::Duration::microseconds(1),
            |c| c.format = "other".into(),
            |c| c.signature = "00".repeat(64),
            |c| c.previous = Some("00".repeat(32)),
            |c| c.previous = None,
            |c| c.format = CHECKPOINT_FORMAT_V1.into(),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut cp = signed(&key);
            change(&mut cp);
            assert!(cp.verify_signature(&trusted).is_err(), "change {i}");
        }
        // Signed by another key, even with that key's own public key inside.
        assert!(signed(&other).verify_signature(&trusted).is_err());
        // A checkpoint re-signed by another key but claiming the trusted public key.
        let mut forged = signed(&other);
        forged.public_key = hex::encode(trusted.as_bytes());
        assert!(forged.verify_signature(&trusted).is_err());
    }

    #[test]
    fn a_v1_checkpoint_still_verifies_and_hashes_without_a_previous() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut cp = signed(&key);
        cp.format = CHECKPOINT_FORMAT_V1.into();
        cp.previous = None;
        cp.signature = hex::encode(key.sign(&cp.signed_message()).to_bytes());
        let json = cp.to_json().unwrap();
        assert!(!json.contains("previous"), "{json}");
        let back = SignedCheckpoint::from_json(&json).unwrap();
        back.verify_signature(&key.verifying_key()).unwrap();
        assert_ne!(back.checkpoint_hash(), signed(&key).checkpoint_hash());
    }

    #[test]
    fn unknown_fields_in_a_checkpoint_file_are_refused() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut value = serde_json::to_value(signed(&key)).unwrap();
        value["extra"] = serde_json::json!(1);
        assert!(SignedCheckpoint::from_json(&value.to_string()).is_err());
    }
}
