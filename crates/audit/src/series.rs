//! The series of signed checkpoints: making the next one, and verifying the chain
//! against the series.
//!
//! Owns making a checkpoint (after verifying the chain against the checkpoint before
//! it), the checks of the series itself (every signature by the trusted key, each
//! checkpoint naming the one before it, heads that never move back) and the walk that
//! holds the chain to every checkpoint in it. It only reads the chain.

use crate::canonical::GENESIS_HASH;
use crate::checkpoint::CHECKPOINT_FORMAT;
use crate::mac::installed_entry_key;
use crate::report::{BreakReason, BrokenEntry};
use crate::verify::walk;
use crate::{AuditError, SignedCheckpoint, VerifyReport};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use schakel_domain::clock::to_micros;
use schakel_store::DbConn;
use std::collections::BTreeMap;

/// Verifies the whole chain against `previous` (the last checkpoint of the series,
/// `None` only for the first) and signs its head as of `now`, naming `previous`.
///
/// Refuses ([`AuditError::ChainBroken`]) when the chain is broken, or no longer matches
/// the previous checkpoint (cut off, or re-hashed since), or, with the entry key
/// installed, holds an entry written without it: signing it would vouch for the damage.
/// `previous` must be signed by `key` and older than `now`.
pub fn checkpoint(
    conn: &mut DbConn,
    key: &SigningKey,
    previous: Option<&SignedCheckpoint>,
    now: DateTime<Utc>,
) -> Result<SignedCheckpoint, AuditError> {
    let created_at = to_micros(now);
    if previous.is_some_and(|p| p.created_at >= created_at) {
        return Err(AuditError::InvalidCheckpoint(
            "the previous checkpoint is not older than now".into(),
        ));
    }
    let report = verify_with_checkpoints(
        conn,
        previous.map(std::slice::from_ref).unwrap_or_default(),
        &key.verifying_key(),
    )?;
    if let Some(broken) = report.broken {
        return Err(AuditError::ChainBroken(broken));
    }
    let seq = i64::try_from(report.checked).map_err(|_| AuditError::Corrupt {
        seq: i64::MAX,
        field: "seq",
    })?;
    let previous = previous.map_or_else(|| GENESIS_HASH.to_owned(), |p| p.checkpoint_hash());
    let mut cp = SignedCheckpoint {
        format: CHECKPOINT_FORMAT.to_owned(),
        seq,
        hash: report.last_hash,
        created_at,
        previous: Some(previous),
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: String::new(),
    };
    cp.signature = hex::encode(key.sign(&cp.signed_message()).to_bytes());
    Ok(cp)
}

/// Verifies the chain as [`verify`](crate::verify) does, and also that it still holds
/// the checkpointed entry of each checkpoint with the signed hash.
///
/// `checkpoints` is the series, or its tail from any checkpoint on, in any order: each
/// must be signed by `key`, and each after the oldest given must name the one before it
/// (a checkpoint left out, slipped in or signed for another series is an error, as is a
/// checkpoint whose signature does not verify). A chain that ends before the newest
/// checkpoint is reported as [`BreakReason::Truncated`] at the first missing `seq`; a
/// checkpointed entry with another hash (the chain was re-hashed) as
/// [`BreakReason::CheckpointMismatch`] at that checkpoint's `seq`.
pub fn verify_with_checkpoints(
    conn: &mut DbConn,
    checkpoints: &[SignedCheckpoint],
    key: &VerifyingKey,
) -> Result<VerifyReport, AuditError> {
    let series = check_series(checkpoints, key)?;
    let mut signed: BTreeMap<i64, &str> = BTreeMap::new();
    for cp in &series {
        if signed
            .insert(cp.seq, &cp.hash)
            .is_some_and(|h| h != cp.hash)
        {
            return Err(AuditError::InvalidCheckpoint(format!(
                "two checkpoints of entry {} sign different hashes",
                cp.seq
            )));
        }
    }
    let mut report = walk(conn, installed_entry_key(), |row| {
        signed
            .get(&row.seq)
            .filter(|hash| !row.hash.eq_ignore_ascii_case(hash))
            .map(|_| BrokenEntry {
                seq: row.seq,
                reason: BreakReason::CheckpointMismatch,
            })
    })?;
    let newest = signed.keys().next_back().copied().unwrap_or(0);
    let intact_through = i64::try_from(report.checked).unwrap_or(i64::MAX);
    if report.broken.is_none() && intact_through < newest {
        report.broken = Some(BrokenEntry {
            seq: intact_through + 1,
            reason: BreakReason::Truncated {
                checkpoint_seq: newest,
            },
        });
    }
    Ok(report)
}

/// Verifies the same as [`verify_with_checkpoints`] with a single checkpoint.
pub fn verify_with_checkpoint(
    conn: &mut DbConn,
    checkpoint: &SignedCheckpoint,
    key: &VerifyingKey,
) -> Result<VerifyReport, AuditError> {
    verify_with_checkpoints(conn, std::slice::from_ref(checkpoint), key)
}

/// The series in the order it was made, after checking every signature and link.
fn check_series<'a>(
    checkpoints: &'a [SignedCheckpoint],
    key: &VerifyingKey,
) -> Result<Vec<&'a SignedCheckpoint>, AuditError> {
    let mut series: Vec<&SignedCheckpoint> = checkpoints.iter().collect();
    series.sort_by_key(|cp| cp.created_at);
    for cp in &series {
        cp.verify_signature(key).map_err(|e| named(cp, &e))?;
    }
    for pair in series.windows(2) {
        let [before, cp] = pair else { continue };
        let broken = |why: &str| {
            Err(AuditError::InvalidCheckpoint(format!(
                "the checkpoint of entry {} made {} {why}",
                cp.seq,
                cp.created_at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            )))
        };
        if cp.previous.as_deref() != Some(before.checkpoint_hash().as_str()) {
            return broken(
                "does not follow the one before it: a checkpoint of the series is missing, \
                 or one was slipped in",
            );
        }
        if cp.seq < before.seq {
            return broken("vouches for fewer entries than the one before it");
        }
    }
    Ok(series)
}

fn named(cp: &SignedCheckpoint, e: &AuditError) -> AuditError {
    match e {
        AuditError::InvalidCheckpoint(why) => {
            AuditError::InvalidCheckpoint(format!("the checkpoint of entry {}: {why}", cp.seq))
        }
        other => AuditError::InvalidCheckpoint(other.to_string()),
    }
}
