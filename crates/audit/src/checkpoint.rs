//! Signed checkpoints: the chain's head, signed with Ed25519 and kept off the database.
//!
//! Owns making a checkpoint (after verifying the chain it vouches for), its JSON form,
//! its signature check, and verifying the chain against it. A checkpoint catches what
//! the chain alone cannot: a cut-off tail, and a chain re-hashed from start to end after
//! an edit. It is only as good as where it is kept: export it somewhere the database's
//! administrators cannot write.

use crate::canonical::encode_fields;
use crate::verify::{BreakReason, BrokenEntry, walk};
use crate::{AuditError, VerifyReport, verify};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use schakel_domain::clock::to_micros;
use schakel_store::DbConn;
use serde::{Deserialize, Serialize};

/// The `format` of every checkpoint of this version; part of the signed message.
pub const CHECKPOINT_FORMAT: &str = "schakel.audit.checkpoint.v1";

/// A signed statement "the chain had `seq` entries, the last with hash `hash`, at
/// `created_at`", as it is exported (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// Always [`CHECKPOINT_FORMAT`].
    pub format: String,
    /// The `seq` of the head entry (0 for an empty chain).
    pub seq: i64,
    /// The head entry's hash (64 zeros for an empty chain).
    pub hash: String,
    /// When the checkpoint was made (UTC, microseconds).
    #[serde(with = "micros")]
    pub created_at: DateTime<Utc>,
    /// The Ed25519 public key that signed it, as 64 hex digits (for information: the
    /// verifier uses the key it trusts, not this one).
    pub public_key: String,
    /// The Ed25519 signature over [`signed_message`](Self::signed_message), as 128 hex
    /// digits.
    pub signature: String,
}

impl SignedCheckpoint {
    /// The bytes that are signed: `format`, `seq` (decimal), `hash` and `created_at`
    /// (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), length-prefixed as entries are.
    pub fn signed_message(&self) -> Vec<u8> {
        signed_message(&self.format, self.seq, &self.hash, self.created_at)
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
        if self.format != CHECKPOINT_FORMAT {
            return invalid("unknown format");
        }
        if self.seq < 0 || self.hash.len() != 64 || hex::decode(&self.hash).is_err() {
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

fn signed_message(format: &str, seq: i64, hash: &str, created_at: DateTime<Utc>) -> Vec<u8> {
    let seq = seq.to_string();
    let created_at = micros::format(created_at);
    encode_fields(&[Some(format), Some(&seq), Some(hash), Some(&created_at)])
}

/// Verifies the whole chain and signs its head as of `now`.
///
/// A broken chain gets no checkpoint ([`AuditError::ChainBroken`]): signing it would
/// vouch for the damage.
pub fn checkpoint(
    conn: &mut DbConn,
    key: &SigningKey,
    now: DateTime<Utc>,
) -> Result<SignedCheckpoint, AuditError> {
    let report = verify(conn)?;
    if let Some(broken) = report.broken {
        return Err(AuditError::ChainBroken(broken));
    }
    let seq = i64::try_from(report.checked).map_err(|_| AuditError::Corrupt {
        seq: i64::MAX,
        field: "seq",
    })?;
    let created_at = to_micros(now);
    let message = signed_message(CHECKPOINT_FORMAT, seq, &report.last_hash, created_at);
    Ok(SignedCheckpoint {
        format: CHECKPOINT_FORMAT.to_owned(),
        seq,
        hash: report.last_hash,
        created_at,
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(key.sign(&message).to_bytes()),
    })
}

/// Verifies the chain as [`verify`] does, and also that it still holds the
/// checkpointed entry with the signed hash.
///
/// A chain that ends before the checkpoint is reported as [`BreakReason::Truncated`] at
/// the first missing `seq`; a checkpointed entry with another hash (the chain was
/// re-hashed) as [`BreakReason::CheckpointMismatch`] at the checkpoint's `seq`. A
/// checkpoint whose signature does not verify with `key` is an error, not a report.
pub fn verify_with_checkpoint(
    conn: &mut DbConn,
    checkpoint: &SignedCheckpoint,
    key: &VerifyingKey,
) -> Result<VerifyReport, AuditError> {
    checkpoint.verify_signature(key)?;
    let mut report = walk(conn, |row| {
        (row.seq == checkpoint.seq && !row.hash.eq_ignore_ascii_case(&checkpoint.hash)).then_some(
            BrokenEntry {
                seq: row.seq,
                reason: BreakReason::CheckpointMismatch,
            },
        )
    })?;
    let intact_through = i64::try_from(report.checked).unwrap_or(i64::MAX);
    if report.broken.is_none() && intact_through < checkpoint.seq {
        report.broken = Some(BrokenEntry {
            seq: intact_through + 1,
            reason: BreakReason::Truncated {
                checkpoint_seq: checkpoint.seq,
            },
        });
    }
    Ok(report)
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

    fn signed(key: &SigningKey) -> SignedCheckpoint {
        let created_at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let hash = "ab".repeat(32);
        let message = signed_message(CHECKPOINT_FORMAT, 7, &hash, created_at);
        SignedCheckpoint {
            format: CHECKPOINT_FORMAT.into(),
            seq: 7,
            hash,
            created_at,
            public_key: hex::encode(key.verifying_key().as_bytes()),
            signature: hex::encode(key.sign(&message).to_bytes()),
        }
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
        let changes: [fn(&mut SignedCheckpoint); 5] = [
            |c| c.seq = 6,
            |c| c.hash = "cd".repeat(32),
            |c| c.created_at += chrono::Duration::microseconds(1),
            |c| c.format = "other".into(),
            |c| c.signature = "00".repeat(64),
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
    fn unknown_fields_in_a_checkpoint_file_are_refused() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut value = serde_json::to_value(signed(&key)).unwrap();
        value["extra"] = serde_json::json!(1);
        assert!(SignedCheckpoint::from_json(&value.to_string()).is_err());
    }
}
