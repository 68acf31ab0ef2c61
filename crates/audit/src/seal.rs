//! Sealing: linking the unsealed entries of finished transactions into the chain.
//!
//! Owns `seal`: one round of the sealer, in a transaction of its own under a lock only
//! one sealer holds at a time. It takes the entries whose transactions have all
//! finished, in time order, gives each the next `seq`, links it to the entry before,
//! hashes it, adds the MAC when the process holds the entry key — but only to an entry
//! whose own unsealed MAC verifies, so that an entry slipped into the table by someone
//! without the key is sealed without one and `verify` names it — and writes all of them
//! in one statement. A sealer that dies half way has written nothing (its transaction
//! rolls back); a second sealer finds the lock taken and does nothing. It also says how
//! long entries wait, for the metric and for `audit verify`.

use crate::AuditError;
use crate::canonical::unsealed_hash;
use crate::mac::installed_entry_key;
use crate::record::seal_after;
use chrono::{DateTime, Utc};
use schakel_store::audit_log::{self, ChainHead};
use schakel_store::audit_seal::{self, Seal};
use schakel_store::{DbConn, from_db_time, write_tx};

/// How many entries one round seals at most.
pub const SEAL_BATCH_SIZE: usize = 5000;

/// What one round of the sealer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealRound {
    /// Another sealer holds the lock; this one did nothing.
    Busy,
    /// This many entries were sealed (0: none was waiting on a finished transaction).
    Sealed(usize),
}

/// One round of the sealer: seals up to `max` entries of finished transactions, in a
/// transaction of its own. On SQLite entries are sealed at their append, so there is
/// never anything to seal.
pub fn seal(conn: &mut DbConn, max: usize) -> Result<SealRound, AuditError> {
    write_tx(conn, |conn| {
        if !audit_seal::try_seal_lock(conn)? {
            return Ok(SealRound::Busy);
        }
        let limit = i64::try_from(max.max(1)).unwrap_or(i64::MAX);
        let rows = audit_seal::finished_unsealed(conn, limit)?;
        if rows.is_empty() {
            return Ok(SealRound::Sealed(0));
        }
        let mut head = audit_log::head(conn)?;
        let mut seals = Vec::with_capacity(rows.len());
        let key = installed_entry_key();
        for mut row in rows {
            let vouched = match (key, row.mac.as_deref()) {
                (Some(key), Some(mac)) => key.verifies_unsealed(&unsealed_hash(&row), mac),
                _ => false,
            };
            seal_after(&mut row, head.as_ref())?;
            if !vouched {
                row.mac = None;
            }
            let (Some(seq), Some(prev_hash), Some(hash)) = (row.seq, row.prev_hash, row.hash)
            else {
                return Err(AuditError::Corrupt {
                    seq: 0,
                    field: "seal",
                });
            };
            head = Some(ChainHead {
                seq,
                hash: hash.clone(),
            });
            seals.push(Seal {
                id: row.id,
                seq,
                prev_hash,
                hash,
                mac: row.mac,
            });
        }
        let sealed = audit_seal::write_seals(conn, &seals)?;
        if sealed != seals.len() {
            return Err(AuditError::SealRace {
                expected: seals.len(),
                sealed,
            });
        }
        Ok(SealRound::Sealed(sealed))
    })
}

/// Seals until no entry of a finished transaction is left (or another sealer holds the
/// lock); returns how many this call sealed.
pub fn seal_all(conn: &mut DbConn) -> Result<usize, AuditError> {
    let mut total = 0;
    loop {
        match seal(conn, SEAL_BATCH_SIZE)? {
            SealRound::Sealed(n) => {
                total += n;
                if n < SEAL_BATCH_SIZE {
                    return Ok(total);
                }
            }
            SealRound::Busy => return Ok(total),
        }
    }
}

/// Seals until every committed entry is sealed, waiting (in steps of 20 ms, up to
/// `patience`) for the transactions still running on the database server that hold
/// sealing back; returns how many this call sealed and how many still wait. For a
/// command or a check that needs everything committed so far in the chain.
pub fn seal_committed(
    conn: &mut DbConn,
    patience: std::time::Duration,
) -> Result<(usize, u64), AuditError> {
    let until = std::time::Instant::now() + patience;
    let mut sealed = 0;
    loop {
        sealed += seal_all(conn)?;
        let waiting = audit_seal::unsealed(conn)?.count;
        if waiting == 0 || std::time::Instant::now() >= until {
            return Ok((sealed, u64::try_from(waiting).unwrap_or(0)));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The entries waiting to be sealed, as seen at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SealingState {
    /// How many committed entries are unsealed.
    pub unsealed: u64,
    /// How long the oldest of them has waited, in whole seconds (0 when none waits).
    pub oldest_seconds: u64,
    /// The bound an entry may wait: past it the trail counts as broken.
    pub bound_seconds: u64,
}

impl SealingState {
    /// Whether an entry has waited longer than the bound: the sealer is not running,
    /// cannot keep up, or an entry is being held back.
    pub fn is_overdue(&self) -> bool {
        self.unsealed > 0 && self.oldest_seconds > self.bound_seconds
    }
}

/// How many entries wait to be sealed at `now`, and how long the oldest has waited,
/// against `bound_seconds`.
pub fn sealing_state(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    bound_seconds: u64,
) -> Result<SealingState, AuditError> {
    let waiting = audit_seal::unsealed(conn)?;
    let oldest_seconds = waiting
        .oldest
        .map(|t| (now - from_db_time(t)).num_seconds().max(0))
        .and_then(|s| u64::try_from(s).ok())
        .unwrap_or(0);
    Ok(SealingState {
        unsealed: u64::try_from(waiting.count).unwrap_or(0),
        oldest_seconds,
        bound_seconds,
    })
}
